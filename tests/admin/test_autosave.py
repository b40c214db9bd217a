"""Autosave of the admin's change forms (core.admin.autosave): the server side.
What the browser does with it is in tests/browser/test_autosave_in_chromium.py."""

import datetime as dt
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Campaign, Programme
from core.admin.autosave import clear_autosave, store_autosave
from core.models import NEW_OBJECT, AutosavedForm
from core.status import Status
from districts.models import District
from tests.admin_helpers import admin_url, form_data, login_as, make_user
from tests.factories import make_article

TYPED = {
    "fields": [
        ["title", "自动保存的标题"],
        ["districts", "1"],
        ["districts", "3"],
        ["sections-TOTAL_FORMS", "2"],
        ["sections-0-body", "<p>正在写的<strong>段落</strong></p>"],
        ["bylines-1-name", "李婷婷"],
    ],
    "labels": {"districts": {"1": "上城区", "3": "高新区(滨江)"}},
}


def autosave_url(obj_or_model, action="autosave"):
    opts = obj_or_model._meta
    if isinstance(obj_or_model, type):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}_new")
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj_or_model.pk])


def save(client, obj_or_model, data=TYPED):
    return client.post(autosave_url(obj_or_model), data, content_type="application/json")


def discard(client, obj_or_model):
    return client.post(autosave_url(obj_or_model, "autosave_discard"))


@pytest.fixture
def article(content):
    return make_article(
        title="上城区稿件", status=Status.DRAFT, districts=[District.objects.get(slug="shangcheng")]
    )


def test_autosave_comes_back_as_it_was_sent(client, article):
    """The fields (inline rows and management forms among them) and the shown
    names of autocomplete choices come back in order, with when they were kept."""
    login_as(client, "newsroom")
    response = save(client, article)
    assert response.status_code == 200
    assert response.json()["time"] == f"{timezone.localtime():%H:%M}"

    restored = client.get(autosave_url(article))
    assert restored.status_code == 200
    assert restored["Cache-Control"].startswith("max-age=0")
    body = restored.json()
    assert body["data"] == TYPED
    assert body["age_seconds"] < 60


@pytest.mark.parametrize(
    "obj",
    [
        lambda: Programme.objects.get(slug="wu-xue-wu-zheng"),
        lambda: Campaign.objects.get(),
        lambda: Programme,
        lambda: Article,
    ],
    ids=["programme", "campaign", "new programme", "new article"],
)
def test_every_publishable_form_autosaves(client, content, obj):
    """Programmes, campaigns and the add forms too: the mixin is on the shared admin."""
    login_as(client, "publisher")
    target = obj()
    assert save(client, target).status_code == 200
    assert client.get(autosave_url(target)).json()["data"] == TYPED


def test_a_form_encoded_autosave_is_kept_without_the_csrf_token(client, article):
    login_as(client, "newsroom")
    response = client.post(autosave_url(article), {"title": "表单编码", "districts": ["1", "2"]})
    assert response.status_code == 200
    assert client.get(autosave_url(article)).json()["data"] == {
        "fields": [["title", "表单编码"], ["districts", "1"], ["districts", "2"]],
        "labels": {},
    }


def test_one_autosave_per_user_and_form(client, article, content):
    """Each autosave replaces the user's last one of that form; other users,
    other objects and the add form each have their own."""
    author = login_as(client, "newsroom")
    save(client, article)
    save(client, article, {"fields": [["title", "第二次"]]})
    save(client, Article, {"fields": [["title", "新稿件"]]})
    assert AutosavedForm.objects.filter(user=author).count() == 2
    assert client.get(autosave_url(article)).json()["data"]["fields"] == [["title", "第二次"]]
    assert client.get(autosave_url(Article)).json()["data"]["fields"] == [["title", "新稿件"]]
    other_article = make_article(districts=[District.objects.get(slug="shangcheng")])
    assert client.get(autosave_url(other_article)).status_code == 204

    colleague = Client()
    login_as(colleague, "publisher")
    assert colleague.get(autosave_url(article)).status_code == 204
    assert colleague.get(autosave_url(Article)).status_code == 204
    save(colleague, article, {"fields": [["title", "同事的"]]})
    assert client.get(autosave_url(article)).json()["data"]["fields"] == [["title", "第二次"]]


def test_one_row_per_user_and_form_in_the_database(article):
    """The database holds one row per user and form, the add form's included."""
    user = make_user("editor")
    content_type = ContentType.objects.get_for_model(Article)
    fields = {"user": user, "content_type": content_type, "data": {"fields": []}}
    AutosavedForm.objects.create(object_id=NEW_OBJECT, **fields)
    AutosavedForm.objects.create(object_id=str(article.pk), **fields)
    for object_id in (NEW_OBJECT, str(article.pk)):
        with pytest.raises(IntegrityError), transaction.atomic():
            AutosavedForm.objects.create(object_id=object_id, **fields)


def test_autosaving_touches_neither_the_content_nor_its_versions(client, article):
    """An autosave is not a version: no reversion Version, no change to the article."""
    login_as(client, "newsroom")
    before = Article.objects.filter(pk=article.pk).values().get()
    versions = Version.objects.count()
    save(client, article)
    discard(client, article)
    save(client, article)
    assert Article.objects.filter(pk=article.pk).values().get() == before
    assert Version.objects.count() == versions


@pytest.mark.parametrize("scope", ["other", "predecessor"])
def test_district_editors_autosave_only_their_districts_content(client, content, scope):
    """Out of scope: 403 "无权访问此内容" for reading, saving and discarding; the
    district it succeeded (江干区 for 上城区) is in scope."""
    slug = {"other": "gaoxin-binjiang", "predecessor": "jianggan"}[scope]
    article = make_article(districts=[District.objects.get(slug=slug)])
    login_as(client, "district")
    responses = [client.get(autosave_url(article)), save(client, article), discard(client, article)]
    if scope == "other":
        assert [r.status_code for r in responses] == [403, 403, 403]
        assert responses[1].json() == {"error": "无权访问此内容"}
        assert not AutosavedForm.objects.exists()
    else:
        assert [r.status_code for r in responses] == [204, 200, 200]


def test_no_autosave_without_permission_to_save_the_form(client, article):
    """Signed out, not staff, or without the add/change permission: 403 in JSON."""
    assert save(client, article).status_code == 403
    assert save(client, article).json() == {"error": "登录已失效，请重新登录。"}
    viewer = make_user("viewer")
    viewer.is_staff = False
    viewer.save()
    client.force_login(viewer)
    assert save(client, article).status_code == 403

    reader = make_user("reader")  # staff, no permissions at all
    client.force_login(reader)
    assert save(client, article).status_code == 403
    assert save(client, Article).status_code == 403
    assert client.get(autosave_url(Article)).status_code == 403
    assert not AutosavedForm.objects.exists()


def test_missing_object_is_404(client, content):
    login_as(client, "newsroom")
    url = reverse("admin:articles_article_autosave", args=[987654])
    assert client.get(url).status_code == 404


def test_autosave_needs_the_csrf_token(article):
    client = Client(enforce_csrf_checks=True)
    login_as(client, "newsroom")
    assert save(client, article).status_code == 403
    assert discard(client, article).status_code == 403
    assert not AutosavedForm.objects.exists()


def test_too_large_an_autosave_is_refused(client, article):
    """Over a megabyte: 413 with a message in Chinese, and nothing kept."""
    login_as(client, "newsroom")
    huge = {"fields": [["sections-0-body", "字" * 400_000]]}
    response = save(client, article, huge)
    assert response.status_code == 413
    assert "超过 1 MB" in response.json()["error"]
    assert not AutosavedForm.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps([["title", "x"]]),
        json.dumps({"fields": [["title"]]}),
        json.dumps({"fields": [["title", 3]]}),
        json.dumps({"fields": [["title", "nul\u0000"]]}),
        '{"fields": [["title", "\\ud800"]]}',
        json.dumps({"fields": [], "labels": {"districts": "上城区"}}),
    ],
    ids=["not json", "no fields", "no value", "a number", "nul", "lone surrogate", "bad labels"],
)
def test_malformed_autosave_is_refused(client, article, body):
    """What the database could not store (NUL, lone surrogates) is a 400, not a 500."""
    login_as(client, "newsroom")
    response = client.post(autosave_url(article), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "自动保存的内容格式不正确。"}


def test_saving_the_form_deletes_the_autosave(client, article):
    """Only a save that went through deletes it, and only the saving user's."""
    user = login_as(client, "newsroom")
    colleague = Client()
    login_as(colleague, "publisher")
    save(client, article)
    save(colleague, article)
    page = client.get(admin_url(Article, "change", article.pk))

    refused = client.post(
        admin_url(Article, "change", article.pk), {**form_data(page), "title": ""}
    )
    assert refused.status_code == 200
    assert AutosavedForm.objects.of(user, Article, article.pk).exists()

    data = {**form_data(page), "title": "保存后的标题"}
    saved = client.post(admin_url(Article, "change", article.pk), data)
    assert saved.status_code == 302
    assert not AutosavedForm.objects.of(user, Article, article.pk).exists()
    assert AutosavedForm.objects.filter(object_id=str(article.pk)).count() == 1  # the colleague's


def test_adding_deletes_the_autosave_of_the_add_form(client, article):
    user = login_as(client, "newsroom")
    save(client, Article)
    save(client, article)
    page = client.get(admin_url(Article, "add"))
    data = {
        **form_data(page),
        "title": "新建的稿件",
        "published_at_0": "2021-03-12",
        "published_at_1": "08:00:00",
        "source": "杭州日报",
        "districts": [str(District.objects.get(slug="shangcheng").pk)],
    }
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not AutosavedForm.objects.of(user, Article).exists()
    assert AutosavedForm.objects.of(user, Article, article.pk).exists()


def test_discarding_deletes_the_autosave(client, article):
    login_as(client, "newsroom")
    save(client, article)
    response = discard(client, article)
    assert response.json() == {"discarded": True}
    assert client.get(autosave_url(article)).status_code == 204
    assert not AutosavedForm.objects.exists()
    assert client.get(autosave_url(article, "autosave_discard")).status_code == 405


@pytest.mark.parametrize("how", ["delete view", "bulk action"])
def test_deleting_the_object_deletes_its_autosaves(client, article, how):
    login_as(client, "publisher")
    save(client, article)
    save(client, Article)
    colleague = Client()
    login_as(colleague, "newsroom")
    save(colleague, article)
    if how == "delete view":
        client.post(admin_url(Article, "delete", article.pk), {"post": "yes"})
    else:
        client.post(
            admin_url(Article, "changelist"),
            {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
        )
    assert not Article.objects.filter(pk=article.pk).exists()
    assert list(AutosavedForm.objects.values_list("object_id", flat=True)) == [NEW_OBJECT]


def test_an_autosave_older_than_the_last_save_is_not_offered(client, article):
    """Someone saved the article since: the form already shows newer content."""
    user = login_as(client, "newsroom")
    save(client, article)
    AutosavedForm.objects.filter(user=user).update(
        saved_at=timezone.now() - dt.timedelta(minutes=5)
    )
    article.title = "同事刚保存"
    article.save()
    assert client.get(autosave_url(article)).status_code == 204


def test_clear_autosave_takes_an_object_or_a_model(article):
    user = make_user("editor")
    store_autosave(user, Article, article.pk, TYPED)
    store_autosave(user, Article, None, TYPED)
    assert clear_autosave(user, article) == 1
    assert clear_autosave(user, Article, None) == 1
    assert clear_autosave(user, Article, article.pk) == 0


def test_the_change_form_loads_the_autosave_script(client, article, settings):
    """With its interval; ADMIN_AUTOSAVE_SECONDS = 0 leaves autosave out."""
    login_as(client, "newsroom")
    settings.ADMIN_AUTOSAVE_SECONDS = 7
    page = client.get(admin_url(Article, "change", article.pk)).content.decode()
    assert 'admin-extra/autosave.js" data-autosave-seconds="7"' in page
    assert "admin-extra/autosave.css" in page
    settings.ADMIN_AUTOSAVE_SECONDS = 0
    page = client.get(admin_url(Article, "change", article.pk)).content.decode()
    assert "autosave.js" not in page
