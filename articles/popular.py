"""热门: the articles most visited in the last days, as city portals list them
beside the latest news. Counted by articles.visits, summed from ArticleVisitDay."""

import datetime as dt

from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Article, ArticleVisitDay

POPULAR_DAYS = 7


def first_day(days=POPULAR_DAYS, today=None):
    """The first of the last `days` calendar days (Beijing time), today included."""
    return (today or timezone.localdate()) - dt.timedelta(days=days - 1)


def _visits_since(since):
    return ArticleVisitDay.objects.filter(day__gte=since).order_by().values("article")


def latest_and_popular(articles, latest=10, popular=10, days=POPULAR_DAYS):
    """(the `latest` newest of `articles`, the `popular` most visited of them in
    the last `days` days, each with `recent_visits`), in one query: the home
    page lists both and its query budget has no room for a second.

    Only the two short lists' rows are read (their ids chosen by two LIMITed
    subqueries), never every article's count; both lists come out of them
    because the newest `latest` rows in the default order are the latest list."""
    since = first_day(days)
    newest = articles.order_by(*Article._meta.ordering).values("pk")[:latest]
    visited = (
        _visits_since(since)
        .filter(article__in=articles)
        .annotate(recent=Sum("count"))
        .order_by("-recent", "-article")
        .values("article")[:popular]
    )
    recent = _visits_since(since).filter(article=OuterRef("pk")).annotate(n=Sum("count"))
    rows = list(
        articles.filter(Q(pk__in=newest) | Q(pk__in=visited))
        .annotate(recent_visits=Coalesce(Subquery(recent.values("n")), 0))
        .order_by(*Article._meta.ordering)
    )
    most_visited = sorted(
        (row for row in rows if row.recent_visits > 0),
        key=lambda row: (-row.recent_visits, -row.pk),
    )
    return rows[:latest], most_visited[:popular]
