"""Newsroom workflow in the admin: no lost updates, scheduling and expiry,
versions, slugs that keep old URLs, previews and Chinese tag input."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from core.models import Tag
from core.status import Status
from tests.admin_helpers import admin_url, form_data, login_as
from tests.factories import make_article


def open_form(client, article):
    """The change form's data; edits to the live seed are marked as technical
    fixes (the form asks what kind of change it is; see test_review_workflow)."""
    page = client.get(admin_url(Article, "change", article.pk))
    assert page.status_code == 200
    return {**form_data(page), "change_kind": "technical"}


def save(client, article, data):
    return client.post(admin_url(Article, "change", article.pk), data)


def test_second_of_two_concurrent_edits_is_refused_and_keeps_its_text(client, seed):
    """Two editors open the same article; the second save must not silently
    overwrite the first, and the second editor's typing stays in the form."""
    login_as(client, "publisher")
    first = open_form(client, seed)
    second = open_form(client, seed)

    first["title"] = "第一位编辑改的标题"
    assert save(client, seed, first).status_code == 302

    second["title"] = "第二位编辑改的标题"
    second["sections-1-body"] = "<p>第二位编辑新写的一段。</p>"
    response = save(client, seed, second)
    assert response.status_code == 200
    page = response.content.decode()
    assert "保存被拒绝" in page
    assert "第二位编辑改的标题" in page and "第二位编辑新写的一段。" in page

    seed.refresh_from_db()
    assert seed.title == "第一位编辑改的标题"
    assert "第二位编辑新写的一段" not in seed.sections.get(position=1).body


def public_urls(article):
    return [
        reverse("home"),
        reverse("articles:article_list"),
        article.get_absolute_url(),
        *[tag.get_absolute_url() for tag in article.tags.all()],
        *[district.get_absolute_url() for district in article.districts.all()],
    ]


def visible_anywhere(client, article):
    return {url: article.title in client.get(url).content.decode() for url in public_urls(article)}


def test_scheduled_article_appears_by_itself_and_expires_by_itself(client, content):
    start = timezone.now()
    article = make_article(
        title="定时发布的稿件",
        published_at=start + dt.timedelta(minutes=1),
        tags=["党史学习教育"],
        districts=list(Article.objects.get().districts.all()),
    )
    article.expires_at = start + dt.timedelta(hours=1)
    article.save()

    with time_machine.travel(start, tick=False):
        assert not any(visible_anywhere(client, article).values())
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        assert all(visible_anywhere(client, article).values())
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        assert not any(visible_anywhere(client, article).values())


def test_admin_list_shows_scheduled_state(client, content):
    login_as(client, "publisher")
    make_article(title="明天的稿件", published_at=timezone.now() + dt.timedelta(days=1))
    page = client.get(admin_url(Article, "changelist")).content.decode()
    assert "定时发布" in page


def test_bulk_publish_and_unpublish(client, content):
    login_as(client, "publisher")
    drafts = [make_article(title=f"待发布{n}", status=Status.DRAFT) for n in range(3)]
    client.post(
        admin_url(Article, "changelist"),
        {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]},
    )
    assert Article.objects.filter(title__startswith="待发布", status=Status.PUBLISHED).count() == 3
    client.post(
        admin_url(Article, "changelist"),
        {"action": "unpublish_selected", "_selected_action": [drafts[0].pk]},
    )
    drafts[0].refresh_from_db()
    assert drafts[0].status == Status.UNPUBLISHED


def test_every_save_keeps_a_version_and_a_restore_is_a_new_version(client, seed):
    login_as(client, "publisher")
    data = open_form(client, seed)
    original_title = seed.title
    data["title"] = "改过的标题"
    save(client, seed, data)
    versions = Version.objects.get_for_object(seed)
    assert versions.count() == 1  # the import wrote none; this save wrote one

    data = open_form(client, seed)
    data["title"] = "再次改过的标题"
    save(client, seed, data)
    versions = list(Version.objects.get_for_object(seed).order_by("pk"))
    assert len(versions) == 2
    assert versions[0].revision.user.username == "publisher"

    history = client.get(admin_url(Article, "history", seed.pk)).content.decode()
    assert "比较所选版本" in history and "publisher" in history

    compare = client.get(
        admin_url(Article, "compare", seed.pk), {"old": versions[0].pk, "new": versions[1].pk}
    ).content.decode()
    assert "改过的标题" in compare and "再次改过的标题" in compare
    assert 'class="removed"' in compare and 'class="added"' in compare

    revert_url = reverse("admin:articles_article_revision", args=[seed.pk, versions[0].pk])
    restore = client.get(revert_url)
    assert restore.status_code == 200
    restored = form_data(restore)
    assert restored["title"] == "改过的标题"
    client.post(revert_url, restored)
    seed.refresh_from_db()
    assert seed.title == "改过的标题"
    assert Version.objects.get_for_object(seed).count() == 3
    assert original_title != seed.title


def test_changed_slug_of_a_published_article_redirects_permanently(client, seed):
    login_as(client, "publisher")
    old_url = seed.get_absolute_url()
    data = open_form(client, seed)
    data["slug"] = "hangzhou-2021-report"
    save(client, seed, data)
    client.logout()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/articles/hangzhou-2021-report/"
    assert client.get(response["Location"]).status_code == 200


def test_empty_slug_is_made_from_the_title_in_pinyin(client, content):
    login_as(client, "publisher")
    page = client.get(admin_url(Article, "add"))
    data = form_data(page)
    data.update(
        {
            "title": "滨江开展党史宣讲",
            "slug": "",
            "status": Status.DRAFT,
            "published_at_0": "2021-03-12",
            "published_at_1": "08:00:00",
            "districts": [],
        }
    )
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (
        Article.objects.get(title="滨江开展党史宣讲").slug
        == "bin-jiang-kai-zhan-dang-shi-xuan-jiang"
    )


def test_tag_input_splits_on_chinese_punctuation_and_folds_width(client, seed):
    login_as(client, "publisher")
    data = open_form(client, seed)
    data["tags"] = "党史学习教育，数字化改革、共同富裕, ＡＩ治理,  党史学习教育 "
    save(client, seed, data)
    assert sorted(seed.tags.names()) == ["AI治理", "党史学习教育", "共同富裕", "数字化改革"]
    assert Tag.objects.filter(name="党史学习教育").count() == 1
    data = open_form(client, seed)
    assert "党史学习教育" in data["tags"] and "，" in data["tags"]


def test_tag_suggestions_for_the_tag_input(client, content):
    login_as(client, "district")
    response = client.get(reverse("admin:articles_tag_suggestions"), {"q": "党史"})
    assert response.json()["results"][0] == "党史学习教育"
    client.logout()
    assert client.get(reverse("admin:articles_tag_suggestions"), {"q": "党史"}).status_code == 302


def test_preview_shows_a_banner_is_noindex_and_not_cached(client, content):
    draft = make_article(title="尚未发布的稿件", status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    login_as(client, "newsroom")
    response = client.get(reverse("articles:article_preview", args=[draft.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "预览" in page and "尚未发布的稿件" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_report_preview_includes_unpublished_programmes(client, content):
    from articles.models import Campaign, Programme

    Programme.objects.filter(slug="ba-xue-ba-xin").update(status=Status.DRAFT)
    campaign = Campaign.objects.get()
    programme_link = 'href="/programmes/ba-xue-ba-xin/"'
    public = client.get(campaign.get_absolute_url()).content.decode()
    assert programme_link not in public
    login_as(client, "publisher")
    preview = client.get(reverse("website:campaign_preview", args=[campaign.pk])).content.decode()
    assert programme_link in preview and "预览" in preview


def test_rich_text_body_keeps_formatting_and_links(client, seed):
    login_as(client, "publisher")
    data = open_form(client, seed)
    data["sections-1-body"] = (
        "<h3>小标题</h3><p>一段<strong>加粗</strong>的文字，"
        '<a href="https://www.hangzhou.gov.cn/">杭州市政府</a>。</p><ul><li>要点一</li></ul>'
    )
    save(client, seed, data)
    client.logout()
    page = client.get(seed.get_absolute_url()).content.decode()
    assert "<h3>小标题</h3>" in page and "<strong>加粗</strong>" in page
    assert '<a href="https://www.hangzhou.gov.cn/">杭州市政府</a>' in page
    assert "<li>要点一</li>" in page
