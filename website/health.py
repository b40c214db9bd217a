"""Column health (栏目更新): whether every list a visitor reaches from the
navigation is updated as often as the quarterly inspection of government
sites expects (国办秘函〔2019〕19号).

A column is a public list of dated items: the home page, the news list, each
district's page, each published programme's page, and each tag the home page
shows among its popular tags (or that has an expectation of its own). Its last
update is the latest publication time among the articles it lists *now*, by
the one visibility rule (core.publication): a scheduled article counts from
its publication time once that has passed, an expired one no longer counts.
Each column is measured against its ColumnExpectation (or the default) and the
site against the inspection's veto rules (单项否决), see `site_health`.

Used by `manage.py site_health` and the admin's 网站健康 page.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Programme
from articles.tags import tags_with_article_counts, visible_tags
from districts.models import District

from .models import DEFAULT_THRESHOLDS, ColumnExpectation

Kind = ColumnExpectation.Kind

OK = "ok"
WARN = "warn"
FAIL = "fail"
EMPTY = "empty"
STATE_LABELS = {OK: "正常", WARN: "预警", FAIL: "不合格", EMPTY: "空白"}
# Worst first: a report is as bad as its worst part.
_SEVERITY = {OK: 0, WARN: 1, FAIL: 2}

HOME = "home"
NEWS = "news"
# How many tags the home page shows (website.views.HomeView's popular_tags).
POPULAR_TAGS = 20
# The inspection's veto (单项否决) counts and the margin vendors warn at.
STALE_COLUMNS_FAIL = 5
EMPTY_COLUMNS_WARN = 3  # "more than 2"
EMPTY_COLUMNS_FAIL = 5


@dataclass
class Column:
    key: str
    name: str
    url: str
    kind: str
    thresholds: tuple | None  # (warn days, fail days); None: need not update
    custom: bool  # an administrator set its expectation
    items: int = 0  # what the column lists now, dated or not
    last_update: object = None  # aware datetime of the latest visible article
    days: int | None = None  # calendar days (Beijing time) since then
    undated: list = field(default_factory=list)  # (id, title) of listed undated articles
    state: str = OK

    @property
    def kind_label(self):
        return Kind(self.kind).label.split("（")[0]

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    def as_dict(self):
        warn, fail = self.thresholds or (None, None)
        return {
            "key": self.key,
            "name": self.name,
            "url": self.url,
            "kind": self.kind,
            "custom": self.custom,
            "warn_days": warn,
            "fail_days": fail,
            "items": self.items,
            "last_update": self.last_update.isoformat() if self.last_update else None,
            "days": self.days,
            "state": self.state,
            "undated": [{"id": pk, "title": title} for pk, title in self.undated],
        }


@dataclass
class Verdict:
    """One of the inspection's site-wide rules and how the site stands on it."""

    key: str
    label: str
    state: str
    detail: str

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    def as_dict(self):
        return {"label": self.label, "state": self.state, "detail": self.detail}


@dataclass
class HealthReport:
    checked_at: object
    columns: list
    verdicts: list

    @property
    def state(self):
        return max((v.state for v in self.verdicts), key=_SEVERITY.__getitem__, default=OK)

    @property
    def failed(self):
        return self.state == FAIL

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    def as_dict(self):
        return {
            "checked_at": self.checked_at.isoformat(),
            "state": self.state,
            "verdicts": {v.key: v.as_dict() for v in self.verdicts},
            "columns": [c.as_dict() for c in self.columns],
        }


def default_kind(key, district=None):
    """A column's expectation when no administrator has set one: news-like,
    except a dissolved district's page (江干区), which is history and gets no
    new articles of its own."""
    if district is not None and district.is_dissolved:
        return Kind.NONE
    return Kind.NEWS


def _sources(now):
    """(key, name, url, articles listed, other items listed, district) for every
    column, in navigation order. The article querysets are the ones the pages
    list (website.views, articles.views), without their slicing: a column
    whose newest article is visible anywhere on it is updated."""
    articles = Article.objects.published(now)
    # Home lists the latest articles and the campaigns whose report (an
    # article, so already among them) is published.
    yield HOME, "首页", reverse("home"), articles, 0, None
    yield NEWS, "新闻", reverse("articles:article_list"), articles, 0, None
    programmes = Programme.objects.published()
    for district in District.objects.all():
        yield (
            f"district:{district.slug}",
            f"城区：{district.name}",
            district.get_absolute_url(),
            articles.filter(districts=district),
            programmes.filter(district=district).count(),
            district,
        )
    for programme in programmes.select_related("district"):
        yield (
            f"programme:{programme.slug}",
            f"举措：{programme.district.name}“{programme.name}”",
            programme.get_absolute_url(),
            articles.filter(programmes=programme),
            0,
            None,
        )
    for tag in _tag_columns():
        yield (
            f"tag:{tag.slug}",
            f"标签：{tag.name}",
            reverse("articles:tag_detail", args=[tag.slug]),
            articles.filter(tags=tag),
            programmes.filter(tags=tag).count() + District.objects.filter(tags=tag).count(),
            None,
        )


def _tag_columns():
    """The tags the home page links to, then any other visible tag an
    administrator gave an expectation (a tag page watched on purpose)."""
    popular = list(tags_with_article_counts()[:POPULAR_TAGS])
    shown = {tag.slug for tag in popular}
    watched = [
        key.removeprefix("tag:")
        for key in ColumnExpectation.objects.filter(key__startswith="tag:").values_list(
            "key", flat=True
        )
    ]
    extra = visible_tags().filter(slug__in=set(watched) - shown).order_by("name")
    return [*popular, *extra]


def _measure(column, listed, other_items, now):
    stats = listed.aggregate(
        count=Count("pk"),
        last=Max("published_at"),
        undated=Count("pk", filter=Q(published_at__isnull=True)),
    )
    column.items = stats["count"] + other_items
    column.last_update = stats["last"]
    if stats["undated"]:
        # The visibility rule keeps undated articles off the site today; this
        # holds the rule to it should it ever change (an import, a new type).
        column.undated = list(listed.filter(published_at__isnull=True).values_list("pk", "title"))
    if column.last_update is not None:
        column.days = (timezone.localdate(now) - timezone.localdate(column.last_update)).days
    column.state = _column_state(column)


def _column_state(column):
    if column.items == 0:
        return EMPTY
    if column.thresholds is None:
        return OK
    warn, fail = column.thresholds
    if column.days is None or column.days > fail:
        # Items but no dated one: nothing shows the column was ever updated.
        return FAIL
    return WARN if column.days > warn else OK


def columns(now=None):
    """Every column, measured at `now`."""
    now = now or timezone.now()
    expectations = {e.key: e for e in ColumnExpectation.objects.all()}
    result = []
    for key, name, url, listed, other_items, district in _sources(now):
        expectation = expectations.get(key)
        if expectation is None:
            kind = default_kind(key, district)
            thresholds = DEFAULT_THRESHOLDS.get(kind)
        else:
            kind, thresholds = expectation.kind, expectation.thresholds()
        column = Column(key, name, url, kind, thresholds, custom=expectation is not None)
        _measure(column, listed, other_items, now)
        result.append(column)
    return result


def _names(columns, limit=10):
    names = "、".join(c.name for c in columns[:limit])
    return names + (f" 等 {len(columns)} 个" if len(columns) > limit else "")


def _by_count(count, warn_at, fail_at):
    if count >= fail_at:
        return FAIL
    return WARN if count >= warn_at else OK


def _verdicts(columns):
    home = next(c for c in columns if c.key == HOME)
    others = [c for c in columns if c.key != HOME]

    if home.state == EMPTY:
        home_state, home_detail = FAIL, "首页没有可见的稿件。"
    elif home.days is None:
        home_state, home_detail = home.state, "首页列出的稿件都没有发布时间。"
    else:
        home_state = home.state
        home_detail = f"首页最近更新于 {home.days} 天前" + (
            f"（超过 {home.thresholds[0]} 天预警，超过 {home.thresholds[1]} 天不合格）。"
            if home.thresholds
            else "。"
        )

    stale = [c for c in others if c.state == FAIL]
    stale_state = _by_count(len(stale), warn_at=1, fail_at=STALE_COLUMNS_FAIL)
    stale_detail = f"{len(stale)} 个（{STALE_COLUMNS_FAIL} 个及以上不合格）" + (
        f"：{_names(stale)}。" if stale else "。"
    )

    empty = [c for c in others if c.state == EMPTY]
    empty_state = _by_count(len(empty), warn_at=EMPTY_COLUMNS_WARN, fail_at=EMPTY_COLUMNS_FAIL)
    empty_detail = (
        f"{len(empty)} 个（超过 {EMPTY_COLUMNS_WARN - 1} 个预警，"
        f"{EMPTY_COLUMNS_FAIL} 个及以上不合格）" + (f"：{_names(empty)}。" if empty else "。")
    )

    undated = {pk: title for c in columns for pk, title in c.undated}
    undated_detail = f"{len(undated)} 条" + (
        "：" + "、".join(f"#{pk}《{title}》" for pk, title in list(undated.items())[:10]) + "。"
        if undated
        else "（应为 0）。"
    )

    return [
        Verdict("home", "首页更新", home_state, home_detail),
        Verdict("stale_columns", "应更新未更新栏目", stale_state, stale_detail),
        Verdict("empty_columns", "空白栏目", empty_state, empty_detail),
        Verdict("undated_items", "未标注发布时间的信息", FAIL if undated else OK, undated_detail),
    ]


def site_health(now=None):
    """Every column and the site-wide verdicts, at `now` (default: now)."""
    now = now or timezone.now()
    measured = columns(now)
    return HealthReport(checked_at=now, columns=measured, verdicts=_verdicts(measured))


def column_choices(now=None):
    """(key, name) of every column, for the expectation form."""
    return [(key, name) for key, name, *_ in _sources(now or timezone.now())]


def column_articles(now=None):
    """(key, name, url, articles listed now) of every column, in navigation
    order, for other reports on the same columns (website.annual)."""
    return [
        (key, name, url, listed) for key, name, url, listed, *_ in _sources(now or timezone.now())
    ]
