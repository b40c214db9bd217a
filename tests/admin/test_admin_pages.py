"""Every admin page editors use renders, in Chinese."""

import pytest
from django.contrib import admin
from django.urls import reverse

from articles.models import Article, Programme
from districts.models import District
from tests.admin_helpers import admin_url, login_as


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_render(admin_client, rf, admin_user, content, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    request = rf.get("/")
    request.user = admin_user
    # Read-only records (the audit log, sign-in locks) have no add page, even for superusers.
    addable = admin.site._registry[model].has_add_permission(request)
    assert admin_client.get(admin_url(model, "add")).status_code == (200 if addable else 403)
    obj = model.objects.first()
    if obj is not None:
        assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_admin_speaks_chinese_and_names_the_site(admin_client, settings):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert settings.SITE_NAME in page
    assert "稿件" in page and "城区" in page and "举措" in page


def test_article_list_search_and_filters(admin_client, content):
    url = admin_url(Article, "changelist")
    found = admin_client.get(url, {"q": "李婷婷"}).content.decode()
    assert "上城江干滨江动员部署党史学习教育" in found
    missing = admin_client.get(url, {"q": "不存在的词"}).content.decode()
    assert "上城江干滨江动员部署党史学习教育" not in missing
    assert admin_client.get(url, {"status__exact": "published"}).status_code == 200


def test_programme_change_page_shows_items_inline(admin_client, content):
    programme = Programme.objects.get(slug="ba-xue-ba-xin")
    page = admin_client.get(admin_url(Programme, "change", programme.pk)).content.decode()
    assert "学深悟透从严要求,高水平建设最担当的勤廉新江干" in page
    assert "24项重点举措" in page


def test_new_article_gets_a_pinyin_slug(admin_client, content):
    response = admin_client.post(
        admin_url(Article, "add"),
        {
            "title": "滨江开展党史宣讲",
            "slug": "",
            "status": "draft",
            "published_at_0": "2021-03-12",
            "published_at_1": "08:00:00",
            "published_time_known": "on",
            "source": "杭州日报",
            "tags": "党史学习教育, 理论宣讲",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-position": "0",
            "sections-0-body": "第一段。\n\n第二段。",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="滨江开展党史宣讲")
    assert article.slug == "bin-jiang-kai-zhan-dang-shi-xuan-jiang"
    assert article.sections.get().paragraphs == ["第一段。", "第二段。"]


def test_superusers_see_one_tag_section(client, content):
    login_as(client, "superuser")
    index = client.get(reverse("admin:index")).content.decode()
    assert index.count('<a href="/admin/core/tag/">标签</a>') == 1
    assert "/admin/taggit/" not in index


def test_new_article_opens_with_an_empty_body_section_before_the_summary(client, content):
    login_as(client, "newsroom")
    page = client.get(admin_url(Article, "add")).content.decode()
    assert 'name="sections-TOTAL_FORMS" value="1"' in page
    assert 'name="sections-0-body"' in page
    assert page.index('id="sections-group"') < page.index("摘要与结尾") < page.index("记录")
    # An existing article opens on its own sections, no empty one added.
    seed = Article.objects.get(title__startswith="上城江干滨江")
    change = client.get(admin_url(Article, "change", seed.pk)).content.decode()
    count = seed.sections.count()
    assert f'name="sections-TOTAL_FORMS" value="{count}"' in change


def test_history_names_only_what_the_editor_changed(client, content):
    from django.contrib.admin.models import LogEntry

    from tests.admin_helpers import form_data

    login_as(client, "publisher")
    seed = Article.objects.get(title__startswith="上城江干滨江")
    page = client.get(admin_url(Article, "change", seed.pk))
    data = {**form_data(page), "title": "新的标题", "change_kind": "technical"}
    client.post(admin_url(Article, "change", seed.pk), data)
    message = (
        LogEntry.objects.filter(object_id=str(seed.pk)).latest("action_time").get_change_message()
    )
    assert "标题" in message and "opened_version" not in message


@pytest.mark.parametrize("model", [Article, District])
def test_a_bad_slug_is_explained_in_plain_chinese(client, content, model):
    from tests.admin_helpers import form_data

    login_as(client, "superuser")
    obj = model.objects.first()
    page = client.get(admin_url(model, "change", obj.pk))
    response = client.post(
        admin_url(model, "change", obj.pk), {**form_data(page), "slug": "党史 学习"}
    )
    assert response.status_code == 200  # the form again, with the error
    html = response.content.decode()
    assert "网址名只能由英文字母、数字、连字符" in html
    assert "“字段”" not in html
    obj.refresh_from_db()
    assert obj.slug != "党史 学习"
