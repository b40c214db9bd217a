"""Related items: published articles and programmes sharing tags with an item,
ranked by how many tags they share, then by recency.

Two queries (one per kind), each counting shared tags in the database, instead
of django-taggit's `similar_objects()`, which loads every tagged item into
Python. Never the item itself, never unpublished content.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from .models import Article, Programme

DEFAULT_LIMIT = 6


@dataclass
class RelatedItem:
    kind: str  # "article" or "programme": which card the template shows
    obj: object
    shared: int
    date: object  # for ranking ties: publication for articles, last change for programmes


def related_items(obj, limit=DEFAULT_LIMIT):
    """Up to `limit` related published articles and programmes for `obj`
    (an Article, Programme or Campaign whose tags may be prefetched)."""
    tag_ids = [tag.pk for tag in obj.tags.all()]
    if not tag_ids:
        return []

    articles = Article.objects.published().filter(tags__in=tag_ids)
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
    ranked_articles = (
        articles.annotate(shared=shared)
        .order_by("-shared", "-published_at", "-pk")
        .only("title", "slug", "published_at", "source")[:limit]
    )
    ranked_programmes = (
        programmes.annotate(shared=shared)
        .select_related("district")
        .order_by("-shared", "-updated_at", "-pk")
        .only("name", "slug", "headline", "updated_at", "district__name", "district__slug")[:limit]
    )
    items = [RelatedItem("article", a, a.shared, a.published_at) for a in ranked_articles]
    items += [RelatedItem("programme", p, p.shared, p.updated_at) for p in ranked_programmes]
    items.sort(key=lambda item: (item.shared, item.date), reverse=True)
    return items[:limit]
