"""Related items: published articles and programmes sharing tags with an item,
ranked by how many tags they share, then by recency.

One query for both kinds (a UNION ALL ranked and limited as a whole) rather
than one per kind, as it runs on every article, programme and report page.
Shared tags are counted in the database instead of by django-taggit's
`similar_objects()`, which loads every tagged item into Python. Never the item
itself, never unpublished content.
"""

from dataclasses import dataclass

from django.db.models import BigIntegerField, CharField, Count, F, Q, Value

from districts.models import District

from .models import Article, Programme

DEFAULT_LIMIT = 6

# The union's columns. Both halves select them by these names, so they line up
# by position; names differ from the models' fields, which annotations may not
# shadow.
COLUMNS = (
    "item_kind",
    "item_id",
    "item_label",
    "item_slug",
    "item_headline",
    "item_source",
    "item_date",
    "item_district_id",
    "item_district_name",
    "item_district_slug",
    "shared",
)
# Ranking: most shared tags, then most recent (publication for articles, last
# change for programmes). On a full tie an article comes before a programme and
# the newer row first, as when each kind was ranked apart and then merged.
ORDERING = ("-shared", "-item_date", "item_kind", "-item_id")


@dataclass
class RelatedItem:
    kind: str  # "article" or "programme": which card the template shows
    obj: object
    shared: int
    date: object  # for ranking ties: publication for articles, last change for programmes


def _nothing(output_field=None):
    # Typed, so PostgreSQL can match it against the other half's column.
    return Value(None, output_field=output_field or CharField())


def _ranked_rows(queryset, shared, **columns):
    """One half of the union: `columns` and the shared-tag count per item.

    Selecting the columns before counting groups by them alone, not by every
    field of the model (long texts included). Parts of a compound query may not
    be ordered on SQLite, so order_by() drops the model's default ordering;
    only the union is ranked and limited."""
    return (
        queryset.order_by()
        .annotate(**columns)
        .values(*columns)
        .annotate(shared=shared)
        .values(*COLUMNS)
    )


def related_items(obj, limit=DEFAULT_LIMIT, exclude_articles=()):
    """Up to `limit` related published articles and programmes for `obj`
    (an Article, Programme or Campaign whose tags may be prefetched), leaving
    out the articles with pks in `exclude_articles`: those the page lists
    already (a programme's 相关稿件), which would otherwise show twice."""
    tag_ids = [tag.pk for tag in obj.tags.all()]
    if not tag_ids:
        return []

    articles = Article.objects.published().filter(tags__in=tag_ids)
    if exclude_articles:
        articles = articles.exclude(pk__in=list(exclude_articles))
    programmes = Programme.objects.published().filter(tags__in=tag_ids)
    if isinstance(obj, Article):
        articles = articles.exclude(pk=obj.pk)
    elif isinstance(obj, Programme):
        programmes = programmes.exclude(pk=obj.pk)
    else:
        # A campaign: its own report article is the page itself.
        report_id = getattr(obj, "report_article_id", None)
        if report_id:
            articles = articles.exclude(pk=report_id)

    shared = Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
    article_rows = _ranked_rows(
        articles,
        shared,
        item_kind=Value("article", output_field=CharField()),
        item_id=F("pk"),
        item_label=F("title"),
        item_slug=F("slug"),
        item_headline=_nothing(),
        item_source=F("source"),
        item_date=F("published_at"),
        item_district_id=_nothing(BigIntegerField()),
        item_district_name=_nothing(),
        item_district_slug=_nothing(),
    )
    programme_rows = _ranked_rows(
        programmes,
        shared,
        item_kind=Value("programme", output_field=CharField()),
        item_id=F("pk"),
        item_label=F("name"),
        item_slug=F("slug"),
        item_headline=F("headline"),
        item_source=_nothing(),
        item_date=F("updated_at"),
        item_district_id=F("district_id"),
        item_district_name=F("district__name"),
        item_district_slug=F("district__slug"),
    )
    rows = article_rows.union(programme_rows, all=True).order_by(*ORDERING)[:limit]
    return [_item(row, rows.db) for row in rows]


def _loaded(model, db, **values):
    """An instance as the ORM builds it from a row holding only `values`: the
    other fields are deferred, as with `.only()`, and it counts as saved."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


def _item(row, db):
    """A RelatedItem whose object holds just what the card shows and links to,
    so rendering it costs no query."""
    if row["item_kind"] == "article":
        obj = _loaded(
            Article,
            db,
            id=row["item_id"],
            title=row["item_label"],
            slug=row["item_slug"],
            published_at=row["item_date"],
            source=row["item_source"],
        )
    else:
        obj = _loaded(
            Programme,
            db,
            id=row["item_id"],
            district_id=row["item_district_id"],
            name=row["item_label"],
            slug=row["item_slug"],
            headline=row["item_headline"],
            updated_at=row["item_date"],
        )
        # Cached on the programme, as select_related would: no query for the card.
        obj.district = _loaded(
            District,
            db,
            id=row["item_district_id"],
            name=row["item_district_name"],
            slug=row["item_district_slug"],
        )
    return RelatedItem(row["item_kind"], obj, row["shared"], row["item_date"])
