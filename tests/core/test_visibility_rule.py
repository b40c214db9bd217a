"""The one rule for what readers see (core.publication.visibility), applied by
the querysets, by `is_public`, by the admin's status column and by the search
backends' raw SQL: all four must agree on every combination."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, Programme
from core.publication import visibility
from core.status import Status
from search.models import SearchEntry
from search.service import visibility_sql
from tests.factories import make_article

STATUSES = [Status.DRAFT, Status.PUBLISHED, Status.UNPUBLISHED]
OFFSETS = {"none": None, "past": -timedelta(days=2), "future": timedelta(days=2)}


@pytest.fixture
def every_combination(db):
    """One article per status × publication time × expiry time."""
    now = timezone.now()
    articles = {}
    for status, published, expires in itertools.product(STATUSES, OFFSETS, OFFSETS):
        published_at = now + OFFSETS[published] if OFFSETS[published] else None
        expires_at = now + OFFSETS[expires] if OFFSETS[expires] else None
        articles[(status, published, expires)] = make_article(
            title=f"{status}-{published}-{expires}",
            status=status,
            published_at=published_at,
            expires_at=expires_at,
        )
    return articles


def test_only_published_articles_past_their_time_and_not_expired_are_visible(
    every_combination,
):
    visible = {a.title for a in Article.objects.published()}
    assert visible == {"published-past-none", "published-past-future"}
    assert {key for key, a in every_combination.items() if a.is_public} == {
        (Status.PUBLISHED, "past", "none"),
        (Status.PUBLISHED, "past", "future"),
    }


def test_the_search_sql_selects_exactly_what_the_rule_selects(every_combination):
    """The backends' raw SQL is compiled from the rule; run it as they do."""
    condition, params = visibility_sql("e")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.object_id FROM {SearchEntry._meta.db_table} e "
            f"WHERE e.kind = 'article' AND {condition}",
            params,
        )
        by_sql = {row[0] for row in cursor.fetchall()}
    by_orm = set(
        SearchEntry.objects.filter(visibility(SearchEntry), kind="article").values_list(
            "object_id", flat=True
        )
    )
    expected = {a.pk for a in every_combination.values() if a.is_public}
    assert by_sql == by_orm == expected


def test_the_admin_status_column_says_why_a_published_article_is_not_visible(
    every_combination,
):
    labels = {key: a.publication_label() for key, a in every_combination.items()}
    assert labels[(Status.PUBLISHED, "future", "none")] == "定时发布"
    assert labels[(Status.PUBLISHED, "past", "past")] == "已到期下线"
    assert labels[(Status.PUBLISHED, "past", "none")] == "已发布"
    assert labels[(Status.DRAFT, "past", "none")] == "草稿"


def test_programmes_without_a_schedule_follow_their_status_alone(content):
    programme = Programme.objects.get(slug="wu-xue-wu-zheng")
    assert programme.is_public and programme in Programme.objects.published()
    programme.status = Status.REVIEW
    programme.save()
    assert not programme.is_public
    assert programme not in Programme.objects.published()
    # The search index applies the same rule to the programme's entry.
    entry = SearchEntry.objects.get(kind="programme", object_id=programme.pk)
    assert not SearchEntry.objects.filter(visibility(SearchEntry), pk=entry.pk).exists()
