"""校对 in the article form: hits are shown, and "须改正" hits stop submitting
and publishing unless a publisher gives a reason, which is audited."""

import pytest

from articles.models import Article
from audit.choices import Action
from audit.models import AuditEntry
from core.status import Status
from tests.admin_helpers import admin_url, form_data, login_as
from tests.factories import make_article

pytestmark = pytest.mark.django_db

# Dated after 江干区 was dissolved (2021-04-09): it must read 原江干区.
LATE = "2022-05-01"


def late_article(**fields):
    from django.utils.dateparse import parse_datetime

    return make_article(
        title="江干区的新消息",
        status=Status.DRAFT,
        published_at=parse_datetime(f"{LATE}T08:00:00+08:00"),
        **fields,
    )


def post(client, article, **changes):
    page = client.get(admin_url(article, "change", article.pk))
    return client.post(admin_url(article, "change", article.pk), {**form_data(page), **changes})


def test_hits_are_shown_in_the_form(client, content):
    login_as(client, "newsroom")
    article = late_article()
    page = client.get(admin_url(article, "change", article.pk)).content.decode()
    assert "校对提示" in page and "<mark>江干区</mark>" in page and "原江干区" in page


def test_a_draft_with_a_serious_hit_may_be_saved_but_not_submitted(client, content):
    login_as(client, "newsroom")
    article = late_article()
    assert post(client, article).status_code == 302
    response = post(client, article, _submit_review="1")
    assert response.status_code == 200
    assert "须改正的问题（江干区）" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    # An editor's reason counts for nothing.
    response = post(client, article, _submit_review="1", proofreading_override="我觉得没问题")
    assert response.status_code == 200


def test_a_publisher_publishes_over_a_hit_with_a_reason_that_is_audited(client, content):
    login_as(client, "publisher")
    article = late_article()
    assert post(client, article, _publish="1").status_code == 200
    response = post(client, article, _publish="1", proofreading_override="引用的是旧文件原文")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    entry = AuditEntry.objects.get(action=Action.PROOFREAD_OVERRIDE, object_id=str(article.pk))
    assert "引用的是旧文件原文" in entry.detail and "原江干区" in entry.detail


def test_the_seed_article_has_no_hits_in_the_form(client, content):
    login_as(client, "publisher")
    seed = Article.objects.get(title__startswith="上城江干滨江")
    page = client.get(admin_url(seed, "change", seed.pk)).content.decode()
    assert "proofreading-hits" not in page
