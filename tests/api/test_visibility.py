"""The one visibility rule in every operation: a draft, a scheduled and an
expired article, and a pending change to a live one, appear nowhere in the
API: not in lists, details, filters, counts or search."""

import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles.models import ArticleRedirect
from core.status import Status
from editorial.models import Submission
from tests.factories import make_article

pytestmark = pytest.mark.django_db

SECRET = "保密词"


@pytest.fixture
def hidden(content):
    from districts.models import District

    jianggan = District.objects.get(slug="jianggan")
    now = timezone.now()
    common = {"districts": [jianggan], "tags": ["未公开标签"], "paragraphs": [f"{SECRET}正文。"]}
    return [
        make_article(title=f"草稿{SECRET}", slug="draft", status=Status.DRAFT, **common),
        make_article(
            title=f"定时{SECRET}", slug="scheduled", published_at=now + timedelta(days=1), **common
        ),
        make_article(
            title=f"到期{SECRET}",
            slug="expired",
            published_at=now - timedelta(days=2),
            expires_at=now - timedelta(days=1),
            **common,
        ),
    ]


@pytest.fixture
def pending(seed):
    """A change to the live seed article, held for review."""
    return Submission.objects.create(
        content_type=ContentType.objects.get_for_model(seed),
        object_id=seed.pk,
        object_repr=seed.title,
        kind=Submission.Kind.CHANGE,
        data={"title": [f"待审{SECRET}"], "summary": [SECRET]},
        submitted_at=timezone.now(),
    )


LISTS = [
    "/api/v1/articles/",
    "/api/v1/articles/?district=jianggan",
    "/api/v1/articles/?year={year}",
    f"/api/v1/articles/?q={SECRET}",
    "/api/v1/districts/jianggan/",
    "/api/v1/campaigns/2021-dang-shi-xue-xi-jiao-yu/",
    "/api/v1/tags/?limit=100",
    f"/api/v1/search/?q={SECRET}",
    "/api/v1/search/?q=草稿",
]


def test_hidden_articles_appear_in_no_answer(api, hidden, pending):
    year = timezone.localdate().year
    for url in LISTS:
        response = api.get(url.format(year=year))
        assert response.status_code == 200, url
        data = response.json()
        data.pop("query", None)  # the search says what it was asked
        assert SECRET not in json.dumps(data, ensure_ascii=False), url
        assert "未公开标签" not in json.dumps(data, ensure_ascii=False), url
    for article in hidden:
        assert api.get(f"/api/v1/articles/{article.slug}/").status_code == 404


def test_hidden_articles_count_nowhere(api, hidden, pending):
    assert api.json("/api/v1/articles/")["count"] == 1
    assert api.json("/api/v1/articles/?district=jianggan")["count"] == 1
    assert api.json("/api/v1/districts/jianggan/")["article_count"] == 1
    assert api.json(f"/api/v1/search/?q={SECRET}")["count"] == 0
    # A tag only hidden articles carry names nothing a reader may see.
    tag = hidden[0].tags.get()
    assert api.json(f"/api/v1/articles/?tag={tag.slug}", status=404)["code"] == "not_found"


def test_a_pending_change_leaves_the_live_version(api, seed, pending):
    data = api.json(f"/api/v1/articles/{seed.slug}/")
    assert data["title"] == seed.title and SECRET not in str(data)


def test_an_old_slug_of_a_hidden_article_does_not_redirect(api, hidden):
    ArticleRedirect.objects.create(old_slug="was-draft", article=hidden[0])
    assert api.get("/api/v1/articles/was-draft/").status_code == 404


def test_scheduled_article_appears_when_its_time_comes(api, hidden, time_machine):
    time_machine.move_to(timezone.now() + timedelta(days=2))
    assert api.json("/api/v1/articles/scheduled/")["title"] == f"定时{SECRET}"
