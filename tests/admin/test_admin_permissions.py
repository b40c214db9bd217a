"""Who may do what in the admin: each role × each action, on content of the
district editor's own district (上城区), of the district it succeeded (江干区,
merged into 上城区 in 2021) and of another district (高新区(滨江))."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Programme
from core.status import Status
from districts.models import District
from editorial.models import Submission
from tests.admin_helpers import ROLES as ROLE_OPTIONS
from tests.admin_helpers import admin_url, form_data, login_as, make_user
from tests.factories import make_article

ROLES = ["superuser", "newsroom", "publisher", "district"]
ACTIONS = [
    "view",
    "edit",
    "publish",
    "delete",
    "bulk",
    "preview",
    "edit_live",
    "hold_live",
    "review",
    "approve",
]

# What each role may do; the district editor only on their own district.
# edit_live: a change to a published article reaches readers at once;
# hold_live: it waits for review instead; review: open the review page of a
# held change; approve: publish someone else's held change.
ALLOWED = {
    "superuser": set(ACTIONS) - {"hold_live"},
    "newsroom": {"view", "edit", "delete", "bulk", "preview", "hold_live", "review"},
    "publisher": set(ACTIONS) - {"hold_live"},
    "district": {"view", "edit", "delete", "bulk", "preview", "hold_live", "review"},
}


@pytest.fixture
def articles(content):
    own = make_article(
        title="上城区稿件", status=Status.DRAFT, districts=[District.objects.get(slug="shangcheng")]
    )
    predecessor = make_article(
        title="原江干区稿件", status=Status.DRAFT, districts=[District.objects.get(slug="jianggan")]
    )
    other = make_article(
        title="滨江区稿件",
        status=Status.DRAFT,
        districts=[District.objects.get(slug="gaoxin-binjiang")],
    )
    return {"own": own, "predecessor": predecessor, "other": other}


def try_view(client, article):
    listed = article.title in client.get(admin_url(Article, "changelist")).content.decode()
    opened = client.get(admin_url(Article, "change", article.pk)).status_code == 200
    assert listed == opened
    return opened


def try_edit(client, article, extra=(), **changes):
    """Whether the `changes` reached the article; `extra` is posted as well."""
    page = client.get(admin_url(Article, "change", article.pk))
    if page.status_code != 200:
        return False
    data = {**form_data(page), **dict(extra), **changes}
    client.post(admin_url(Article, "change", article.pk), data)
    article.refresh_from_db()
    return all(str(getattr(article, k)) == str(v) for k, v in changes.items())


def try_publish(client, article):
    edited = try_edit(client, article, status=Status.PUBLISHED)
    if edited:
        return True
    response = client.post(
        admin_url(Article, "changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    return response.status_code in (200, 302) and article.status == Status.PUBLISHED


def try_delete(client, article):
    client.post(admin_url(Article, "delete", article.pk), {"post": "yes"})
    return not Article.objects.filter(pk=article.pk).exists()


def try_bulk(client, article):
    client.post(
        admin_url(Article, "changelist"),
        {"action": "add_tag_to_selected", "_selected_action": [article.pk], "tag": "批量标签"},
    )
    return "批量标签" in article.tags.names()


def try_preview(client, article):
    response = client.get(reverse("articles:article_preview", args=[article.pk]))
    return response.status_code == 200


def make_live(article):
    Article.objects.filter(pk=article.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now() - timezone.timedelta(hours=1)
    )
    article.refresh_from_db()


def try_edit_live(client, article):
    make_live(article)
    return try_edit(
        client, article, extra={"change_kind": "technical"}, title=article.title + "（改）"
    )


def try_hold_live(client, article):
    make_live(article)
    new_title = article.title + "（待审）"
    try_edit(client, article, extra={"change_kind": "technical"}, title=new_title)
    held = Submission.objects.filter(object_id=article.pk, state="pending").first()
    return held is not None and held.data.get("title") == [new_title]


def hold_a_change(article):
    """A newsroom editor (who sees every district) submits a change to `article`."""
    make_live(article)
    other = Client()
    login_as(other, "newsroom")
    assert (
        try_edit(other, article, title=article.title + "（待批）", change_kind="technical") is False
    )
    return article.title + "（待批）"


def try_review(client, article):
    hold_a_change(article)
    return client.get(admin_url(Article, "review", article.pk)).status_code == 200


def try_approve(client, article):
    title = hold_a_change(article)
    client.post(admin_url(Article, "review", article.pk), {"_approve": "1"})
    article.refresh_from_db()
    return article.title == title


ATTEMPTS = {
    "view": try_view,
    "edit": lambda client, article: try_edit(client, article, title=article.title + "（改）"),
    "publish": try_publish,
    "delete": try_delete,
    "bulk": try_bulk,
    "preview": try_preview,
    "edit_live": try_edit_live,
    "hold_live": try_hold_live,
    "review": try_review,
    "approve": try_approve,
}


@pytest.mark.parametrize("scope", ["own", "predecessor", "other"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_article_permission_matrix(client, articles, role, action, scope):
    # Not named after the role: a held change to review is a user named "newsroom"'s.
    client.force_login(make_user(f"acting-{role}", **ROLE_OPTIONS[role]))
    expected = action in ALLOWED[role] and (role != "district" or scope != "other")
    assert ATTEMPTS[action](client, articles[scope]) is expected


@pytest.mark.parametrize(
    ("slug", "expected"),
    [("wu-xue-wu-zheng", True), ("ba-xue-ba-xin", True), ("qi-da-ke-cheng", False)],
)
def test_district_editor_sees_only_own_programmes(client, content, slug, expected):
    login_as(client, "district")
    programme = Programme.objects.get(slug=slug)
    listing = client.get(admin_url(Programme, "changelist")).content.decode()
    assert (programme.name in listing) is expected
    assert (client.get(admin_url(Programme, "change", programme.pk)).status_code == 200) is expected
    preview = client.get(reverse("website:programme_preview", args=[programme.pk]))
    assert (preview.status_code == 200) is expected


def test_district_editor_search_is_scoped(client, articles):
    login_as(client, "district")
    page = client.get(admin_url(Article, "changelist"), {"q": "稿件"}).content.decode()
    assert "上城区稿件" in page and "江干区稿件" in page and "滨江区稿件" not in page


def test_district_editor_cannot_move_content_to_another_district(client, articles):
    login_as(client, "district")
    article = articles["own"]
    binjiang = District.objects.get(slug="gaoxin-binjiang")
    page = client.get(admin_url(Article, "change", article.pk))
    data = {**form_data(page), "districts": [str(binjiang.pk)]}
    response = client.post(admin_url(Article, "change", article.pk), data)
    assert response.status_code == 200  # the form is shown again with an error
    assert list(article.districts.all()) == [District.objects.get(slug="shangcheng")]

    programme = Programme.objects.get(slug="wu-xue-wu-zheng")
    page = client.get(admin_url(Programme, "change", programme.pk))
    data = {**form_data(page), "district": str(binjiang.pk)}
    client.post(admin_url(Programme, "change", programme.pk), data)
    programme.refresh_from_db()
    assert programme.district.slug == "shangcheng"


def test_district_editor_keeps_other_districts_links_on_shared_articles(client, content):
    """Editing the seed (linked to all three) must not drop the others' districts."""
    login_as(client, "district")
    article = Article.objects.get(title__startswith="上城江干滨江")
    page = client.get(admin_url(Article, "change", article.pk))
    data = {**form_data(page), "title": article.title + "（上城编辑）", "change_kind": "technical"}
    client.post(admin_url(Article, "change", article.pk), data)
    # The seed is live: the change waits for a publisher, who approves it as
    # the district editor saved it.
    login_as(client, "publisher")
    client.post(admin_url(Article, "review", article.pk), {"_approve": "1"})
    article.refresh_from_db()
    assert article.title.endswith("（上城编辑）")
    assert article.districts.count() == 3


def test_district_autocomplete_offers_only_own_districts(client, content):
    login_as(client, "district")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "districts", "term": ""},
    )
    names = [r["text"] for r in response.json()["results"]]
    assert names == ["上城区", "江干区"]  # its own, and the district it succeeded


def test_non_publisher_can_submit_for_review(client, articles):
    login_as(client, "newsroom")
    assert try_edit(client, articles["own"], status=Status.REVIEW)


def test_non_publisher_cannot_unpublish_or_reschedule(client, content):
    login_as(client, "newsroom")
    article = Article.objects.get(title__startswith="上城江干滨江")
    page = client.get(admin_url(Article, "change", article.pk))
    data = {**form_data(page), "status": Status.UNPUBLISHED, "published_at_0": "2030-01-01"}
    client.post(admin_url(Article, "change", article.pk), data)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.published_at.year == 2021


def test_preview_is_refused_to_anonymous_and_non_staff(client, articles, django_user_model):
    url = reverse("articles:article_preview", args=[articles["own"].pk])
    assert client.get(url).status_code == 302  # to the login page
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)
    assert client.get(url).status_code == 403


def test_editor_groups_are_created_by_migrate_and_command(db):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    names = {"新闻编辑", "发布者", "城区编辑"}
    assert names <= set(Group.objects.values_list("name", flat=True))
    Group.objects.filter(name__in=names).delete()
    call_command("setup_editor_groups", verbosity=0)
    publishers = Group.objects.get(name="发布者")
    assert publishers.permissions.filter(codename="publish_article").exists()
    assert (
        not Group.objects.get(name="新闻编辑")
        .permissions.filter(codename="publish_article")
        .exists()
    )


def try_restore(client, article):
    """Open an old version of the article and save it, as the 历史 page does."""
    import reversion
    from reversion.models import Version

    old_title = article.title
    with reversion.create_revision():
        article.save()
    version = Version.objects.get_for_object(article).latest("pk")
    article.title = old_title + "（新）"
    article.save()
    url = admin_url(Article, "revision", article.pk, version.pk)
    page = client.get(url)
    if page.status_code != 200:
        client.post(url, {})
    else:
        client.post(url, form_data(page))
    article.refresh_from_db()
    return article.title == old_title


def try_recover(client, article):
    import reversion
    from reversion.models import Version

    with reversion.create_revision():
        article.save()
    version = Version.objects.get_for_object(article).latest("pk")
    pk = article.pk
    article.delete()
    url = admin_url(Article, "recover", version.pk)
    page = client.get(url)
    client.post(url, form_data(page) if page.status_code == 200 else {})
    listed = article.title in client.get(admin_url(Article, "recoverlist")).content.decode()
    recovered = Article.objects.filter(pk=pk).exists()
    assert listed or recovered or page.status_code in (403, 404)
    return recovered


@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("action", ["restore", "recover"])
@pytest.mark.parametrize("role", ["newsroom", "publisher", "district"])
def test_version_screens_permission_matrix(client, articles, role, action, scope):
    login_as(client, role)
    expected = role != "district" or scope == "own"
    attempt = try_restore if action == "restore" else try_recover
    assert attempt(client, articles[scope]) is expected


def test_out_of_scope_content_is_forbidden_not_missing(client, articles):
    login_as(client, "district")
    for action in ("change", "history", "delete"):
        page = client.get(admin_url(Article, action, articles["other"].pk))
        assert page.status_code == 403, action
        assert "无权访问此内容" in page.content.decode()
    # What does not exist still says so.
    missing = client.get(admin_url(Article, "change", 999999))
    assert missing.status_code == 302


def test_successor_rule_follows_every_merger_back(client, content):
    """A district merged into 江干区 before 江干区 was merged into 上城区 is
    上城区's editors' too."""
    older = District.objects.create(name="更早的城区", slug="geng-zao-de-cheng-qu")
    older.successors.add(District.objects.get(slug="jianggan"))
    article = make_article(title="更早城区的稿件", status=Status.DRAFT, districts=[older])
    login_as(client, "district")
    assert try_view(client, article)
