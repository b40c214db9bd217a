"""The figures the annual report of a government website asks for
(政府网站工作年度报表): for a year, the items published and the visits, per
column (the columns of website.health) and per month.

Months are Beijing months. An item counts in the month it was published and
only if readers can see it now; a visit counts in the month it was made
(ArticleVisitDay), and the site's row counts every visit of the year, to
articles since taken down too, since those visits happened."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from articles.models import Article, ArticleVisitDay

from .health import column_articles

MONTHS = range(1, 13)
MONTH_LABELS = [f"{month}月" for month in MONTHS]


@dataclass
class AnnualRow:
    key: str
    name: str
    url: str
    published: list  # 12 counts, January first
    visits: list

    @property
    def published_total(self):
        return sum(self.published)

    @property
    def visits_total(self):
        return sum(self.visits)

    @property
    def months(self):
        return list(zip(MONTH_LABELS, self.published, self.visits, strict=True))


@dataclass
class AnnualReport:
    year: int
    site: AnnualRow
    columns: list

    @property
    def rows(self):
        return [self.site, *self.columns]


def _by_month(rows):
    counts = dict(rows)
    return [counts.get(month, 0) or 0 for month in MONTHS]


def _published(articles, year):
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    return _by_month(
        articles.filter(published_at__gte=start, published_at__lt=end)
        .annotate(month=ExtractMonth("published_at", tzinfo=tz))
        .order_by()
        .values("month")
        .annotate(n=Count("pk", distinct=True))
        .values_list("month", "n")
    )


def _visits(days, year):
    return _by_month(
        days.filter(day__gte=dt.date(year, 1, 1), day__lt=dt.date(year + 1, 1, 1))
        .annotate(month=ExtractMonth("day"))
        .order_by()
        .values("month")
        .annotate(n=Sum("count"))
        .values_list("month", "n")
    )


def annual_report(year, now=None):
    now = now or timezone.now()
    site = AnnualRow(
        "site",
        "全站",
        "/",
        _published(Article.objects.published(now), year),
        _visits(ArticleVisitDay.objects.all(), year),
    )
    columns = [
        AnnualRow(
            key,
            name,
            url,
            _published(articles, year),
            _visits(ArticleVisitDay.objects.filter(article__in=articles.values("pk")), year),
        )
        for key, name, url, articles in column_articles(now)
    ]
    return AnnualReport(year, site, columns)


def years(now=None):
    """The years a report can be asked for: from the first published article's
    (or this year) to this one, newest first."""
    this_year = timezone.localdate(now or timezone.now()).year
    first = (
        Article.objects.published()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    start = timezone.localtime(first).year if first else this_year
    return list(range(this_year, min(start, this_year) - 1, -1))
