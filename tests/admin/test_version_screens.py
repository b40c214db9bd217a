"""The version screens (restore an old version, recover a deleted object) obey
the same rules as the change form: this object only, the user's districts only,
publishing only for publishers, and every restore on the record."""

import pytest
import reversion
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Campaign, Programme
from audit.models import Action, AuditEntry
from core.models import Tag
from core.status import Status
from districts.models import District
from tests.admin_helpers import admin_url, form_data, login_as
from tests.factories import make_article


def saved_version(obj, comment="保存"):
    """Save `obj` as a version, as the admin does, and return that version."""
    with reversion.create_revision():
        reversion.set_comment(comment)
        obj.save()
    return Version.objects.get_for_object(obj).order_by("-pk").first()


def district(slug):
    return District.objects.get(slug=slug)


@pytest.fixture
def deleted_articles(content):
    """A deleted article of each district, each with a saved version."""
    versions = {}
    for scope, slug in [("own", "shangcheng"), ("other", "gaoxin-binjiang")]:
        article = make_article(title=f"已删除的{slug}稿件", districts=[district(slug)])
        versions[scope] = saved_version(article)
        article.delete()
    return versions


def recover_url(model, version):
    return admin_url(model, "recover", version.pk)


def revision_url(obj, version):
    return admin_url(obj, "revision", obj.pk, version.pk)


# Recovering deleted articles


RECOVER_ALLOWED = {
    ("district", "own"): True,
    ("district", "other"): False,
    ("newsroom", "own"): True,
    ("newsroom", "other"): True,
    ("publisher", "own"): True,
    ("publisher", "other"): True,
}


@pytest.mark.parametrize(("role", "scope"), list(RECOVER_ALLOWED))
def test_recover_matrix(client, deleted_articles, role, scope):
    login_as(client, role)
    version = deleted_articles[scope]
    url = recover_url(Article, version)
    page = client.get(url)
    if RECOVER_ALLOWED[role, scope]:
        assert page.status_code == 200
        client.post(url, form_data(page))
    else:
        assert page.status_code == 403
        assert client.post(url, {}).status_code == 403
    recovered = Article.objects.filter(pk=version.object_id).exists()
    assert recovered is RECOVER_ALLOWED[role, scope]
    assert AuditEntry.objects.filter(action=Action.RECOVER).exists() is recovered


def test_empty_post_to_recover_another_districts_article_changes_nothing(client, deleted_articles):
    login_as(client, "district")
    client.post(recover_url(Article, deleted_articles["other"]), {})
    assert not Article.objects.filter(pk=deleted_articles["other"].object_id).exists()


def test_recover_list_shows_only_own_districts_deleted_articles(client, deleted_articles):
    login_as(client, "district")
    page = client.get(admin_url(Article, "recoverlist")).content.decode()
    assert "已删除的shangcheng稿件" in page
    assert "已删除的gaoxin-binjiang稿件" not in page
    client.logout()
    login_as(client, "publisher")
    page = client.get(admin_url(Article, "recoverlist")).content.decode()
    assert "已删除的shangcheng稿件" in page and "已删除的gaoxin-binjiang稿件" in page


def test_non_publisher_recovers_a_published_article_as_a_draft(client, deleted_articles):
    login_as(client, "newsroom")
    version = deleted_articles["own"]
    page = client.get(recover_url(Article, version))
    client.post(recover_url(Article, version), form_data(page))
    assert Article.objects.get(pk=version.object_id).status == Status.DRAFT


# Versions of other models and other objects


def test_a_district_version_cannot_be_used_through_the_article_screens(client, content):
    """The escalation seen on main: a District version from a time the editor
    was on 滨江区's editors, replayed through the article URLs."""
    editor = login_as(client, "district")
    binjiang = district("gaoxin-binjiang")
    binjiang.editors.add(editor)
    district_version = saved_version(binjiang)
    binjiang.editors.remove(editor)
    own = make_article(title="本区稿件", districts=[district("shangcheng")])
    saved_version(own)

    assert client.post(recover_url(Article, district_version), {}).status_code == 404
    # The same id on the revision URL of an article the editor may edit.
    response = client.post(admin_url(Article, "revision", own.pk, district_version.pk), {})
    assert response.status_code == 404
    assert not binjiang.editors.filter(pk=editor.pk).exists()


def test_a_version_of_another_article_is_refused_on_this_articles_url(client, content):
    login_as(client, "publisher")
    first = make_article(title="第一篇")
    second = make_article(title="第二篇")
    version = saved_version(second)
    assert client.get(admin_url(Article, "revision", first.pk, version.pk)).status_code == 404


# Restoring old versions


def test_district_editor_cannot_restore_another_districts_article(client, content):
    login_as(client, "district")
    other = make_article(title="滨江稿件", districts=[district("gaoxin-binjiang")])
    version = saved_version(other)
    other.title = "滨江稿件（新）"
    other.save()
    # It exists, the editor may not open it: 403 "无权访问此内容", not "不存在".
    refused = client.get(revision_url(other, version))
    assert refused.status_code == 403 and "无权访问此内容" in refused.content.decode()
    assert client.post(revision_url(other, version), {}).status_code == 403
    other.refresh_from_db()
    assert other.title == "滨江稿件（新）"


def test_restoring_a_version_from_another_district_is_refused(client, content):
    """An article now in 上城区 whose old version was 滨江区's only: restoring it
    would move it out of the editor's reach."""
    login_as(client, "district")
    article = make_article(title="曾属滨江", districts=[district("gaoxin-binjiang")])
    version = saved_version(article)
    article.districts.set([district("shangcheng")])
    page = client.get(revision_url(article, version))
    assert page.status_code == 403
    assert list(article.districts.all()) == [district("shangcheng")]


def take_down(article, publisher_version_title="已发布的版本"):
    """A published version, then a publisher takes the article down."""
    article.title = publisher_version_title
    version = saved_version(article)
    article.status = Status.UNPUBLISHED
    article.title = "已撤下"
    saved_version(article)
    return version


@pytest.mark.parametrize(("role", "republished"), [("newsroom", False), ("publisher", True)])
def test_restore_keeps_publication_state_for_non_publishers(client, content, role, republished):
    login_as(client, role)
    article = make_article(title="将被撤下", districts=[district("shangcheng")])
    version = take_down(article)
    page = client.get(revision_url(article, version))
    assert page.status_code == 200
    client.post(revision_url(article, version), form_data(page))
    article.refresh_from_db()
    assert article.title == "已发布的版本"
    assert (article.status == Status.PUBLISHED) is republished


def test_district_editor_restores_own_draft_as_a_new_version_with_log(client, content):
    user = login_as(client, "district")
    article = make_article(title="原标题", districts=[district("shangcheng")], status=Status.DRAFT)
    version = saved_version(article)
    article.title = "新标题"
    saved_version(article)
    before = Version.objects.get_for_object(article).count()

    page = client.get(revision_url(article, version))
    response = client.post(revision_url(article, version), form_data(page))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "原标题"
    assert Version.objects.get_for_object(article).count() == before + 1
    log = LogEntry.objects.filter(object_id=str(article.pk), user=user).latest("action_time")
    assert "恢复到" in log.get_change_message()
    entry = AuditEntry.objects.get(action=Action.RESTORE, object_id=str(article.pk))
    assert entry.username == user.username


def test_editor_cannot_restore_a_live_article_past_review(client, content):
    """Restoring is a change like any other: on live content it needs a publisher."""
    login_as(client, "district")
    article = make_article(title="原标题", districts=[district("shangcheng")])
    version = saved_version(article)
    article.title = "新标题"
    saved_version(article)

    page = client.get(revision_url(article, version))
    response = client.post(revision_url(article, version), form_data(page), follow=True)
    article.refresh_from_db()
    assert article.title == "新标题"
    assert "只能由发布者恢复" in response.content.decode()


def test_restore_does_not_roll_back_the_edit_counter(client, content):
    """A restore must not let a stale form of someone else's pass the lost-update check."""
    login_as(client, "publisher")
    article = make_article(title="计数")
    version = saved_version(article)
    saved_version(article)
    saved_version(article)
    counter = Article.objects.get(pk=article.pk).edit_version
    page = client.get(revision_url(article, version))
    client.post(revision_url(article, version), form_data(page))
    assert Article.objects.get(pk=article.pk).edit_version == counter + 1


def test_compare_with_a_bad_version_id_is_not_found(client, content):
    login_as(client, "publisher")
    article = make_article()
    url = admin_url(Article, "compare", article.pk)
    assert client.get(url, {"old": "abc", "new": "1"}).status_code == 404


# Programmes, campaigns and districts


def test_district_editor_cannot_restore_or_recover_another_districts_programme(client, content):
    login_as(client, "district")
    other = Programme.objects.get(slug="qi-da-ke-cheng")
    version = saved_version(other)
    assert client.post(revision_url(other, version), {}).status_code == 403
    other_pk = other.pk
    other.delete()
    assert client.post(admin_url(Programme, "recover", version.pk), {}).status_code == 403
    assert not Programme.objects.filter(pk=other_pk).exists()


def test_non_publisher_restoring_a_programme_keeps_its_status(client, content):
    login_as(client, "district")
    programme = Programme.objects.get(slug="wu-xue-wu-zheng")
    assert programme.status == Status.PUBLISHED
    version = saved_version(programme)
    programme.status = Status.UNPUBLISHED
    saved_version(programme)
    page = client.get(revision_url(programme, version))
    client.post(revision_url(programme, version), form_data(page))
    programme.refresh_from_db()
    assert programme.status == Status.UNPUBLISHED


@pytest.mark.parametrize("role", ["district", "newsroom"])
def test_campaign_versions_are_for_publishers_only(client, content, role):
    login_as(client, role)
    campaign = Campaign.objects.first()
    version = saved_version(campaign)
    assert client.post(revision_url(campaign, version), {}).status_code in (403, 404)


def test_district_editor_cannot_restore_a_district(client, content):
    editor = login_as(client, "district")
    binjiang = district("gaoxin-binjiang")
    binjiang.editors.add(editor)
    version = saved_version(binjiang)
    binjiang.editors.remove(editor)
    assert client.post(revision_url(binjiang, version), {}).status_code == 403
    assert not binjiang.editors.filter(pk=editor.pk).exists()
    assert client.post(recover_url(District, version), {}).status_code in (403, 404)


def test_superuser_recovers_a_deleted_district(client, content):
    login_as(client, "superuser")
    extra = District.objects.create(name="临时区", slug="linshi")
    version = saved_version(extra)
    extra.delete()
    page = client.get(recover_url(District, version))
    assert page.status_code == 200
    client.post(recover_url(District, version), form_data(page))
    assert District.objects.filter(slug="linshi").exists()
    assert AuditEntry.objects.filter(action=Action.RECOVER, object_repr="临时区").exists()


def test_district_editor_cannot_link_another_districts_programme(client, content):
    login_as(client, "district")
    own = make_article(title="上城稿件", status=Status.DRAFT, districts=[district("shangcheng")])
    other_programme = Programme.objects.get(slug="qi-da-ke-cheng")
    other_programme.status = Status.DRAFT
    other_programme.save()
    page = client.get(admin_url(Article, "change", own.pk))
    data = {**form_data(page), "programmes": [str(other_programme.pk)]}
    response = client.post(admin_url(Article, "change", own.pk), data)
    assert response.status_code == 200  # shown again with the error
    assert not own.programmes.exists()
    own_programme = Programme.objects.get(slug="wu-xue-wu-zheng")
    data = {**form_data(page), "programmes": [str(own_programme.pk)]}
    assert client.post(admin_url(Article, "change", own.pk), data).status_code == 302
    assert list(own.programmes.all()) == [own_programme]


def test_district_editor_sees_only_tags_in_scope(client, content):
    make_article(
        title="滨江草稿",
        status=Status.DRAFT,
        districts=[district("gaoxin-binjiang")],
        tags=["滨江草稿标签"],
    )
    make_article(title="上城稿件", districts=[district("shangcheng")], tags=["上城专属标签"])
    login_as(client, "district")
    suggestions = client.get(reverse("admin:articles_tag_suggestions"), {"q": "标签"}).json()
    assert suggestions["results"] == ["上城专属标签"]
    tag_list = client.get(admin_url(Tag, "changelist")).content.decode()
    assert "上城专属标签" in tag_list and "滨江草稿标签" not in tag_list
    articles = client.get(admin_url(Article, "changelist")).content.decode()
    assert "滨江草稿标签" not in articles
    client.logout()
    login_as(client, "newsroom")
    suggestions = client.get(reverse("admin:articles_tag_suggestions"), {"q": "标签"}).json()
    assert set(suggestions["results"]) == {"上城专属标签", "滨江草稿标签"}


def test_the_history_page_compares_the_two_versions_chosen(client, content):
    import re

    login_as(client, "publisher")
    article = make_article(title="第一版")
    saved_version(article)
    article.title = "第二版"
    saved_version(article)
    history = client.get(admin_url(Article, "history", article.pk)).content.decode()
    checked = dict(
        re.findall(r'<input type="radio" name="(old|new)" value="(\d+)"[^>]*checked', history)
    )
    assert set(checked) == {"old", "new"}
    compare = client.get(admin_url(Article, "compare", article.pk), checked)
    assert compare.status_code == 200
    assert "第一版" in compare.content.decode() and "第二版" in compare.content.decode()
