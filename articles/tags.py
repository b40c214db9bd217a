"""Which tags readers and editors may see."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q

from core.models import Tag
from districts.models import District
from districts.scoping import own_district_ids, sees_all_districts

from .models import Article, Programme
from .scoping import scoped_articles, scoped_programmes


def visible_tags():
    """Tags a visitor may see: on an article visible now, on a published
    programme, or on a district. A tag used only on drafts, scheduled or
    expired articles has no public page, feed or list filter: its name alone
    could announce unpublished news."""
    return Tag.objects.filter(
        Exists(Article.objects.published().filter(tags=OuterRef("pk")))
        | Exists(Programme.objects.published().filter(tags=OuterRef("pk")))
        | Exists(District.objects.filter(tags=OuterRef("pk")))
    )


def tags_on_published_articles():
    """Tags used by at least one published article (joined through their
    tagged items, so counts can be annotated on the same join)."""
    return Tag.objects.filter(
        tagged_items__content_type=ContentType.objects.get_for_model(Article),
        tagged_items__object_id__in=Article.objects.published().values("pk"),
    )


def tags_with_article_counts():
    """Tags used by at least one published article, with that count, in one query."""
    return (
        tags_on_published_articles()
        .annotate(article_count=Count("tagged_items", distinct=True))
        .order_by("-article_count", "name")
    )


def tags_for_index():
    """The tag index: every visible tag (as visible_tags()) with how many
    articles visible now, published programmes and districts carry it, in one
    query. A tag used only on districts or programmes is listed too, as their
    pages link to it; one used only on unpublished items is not. Article tags
    come first, ordered as before (most articles first)."""
    content_types = ContentType.objects.get_for_models(Article, Programme, District)

    def count(model, visible):
        # One join to the tagged items, counted per kind: each tagging is a
        # row of its own (unique per item and tag), so no count is inflated.
        return Count(
            "tagged_items",
            filter=Q(
                tagged_items__content_type=content_types[model],
                tagged_items__object_id__in=visible.values("pk"),
            ),
        )

    return (
        Tag.objects.annotate(
            article_count=count(Article, Article.objects.published()),
            programme_count=count(Programme, Programme.objects.published()),
            district_count=count(District, District.objects.all()),
        )
        .filter(Q(article_count__gt=0) | Q(programme_count__gt=0) | Q(district_count__gt=0))
        .order_by("-article_count", "-programme_count", "-district_count", "name")
    )


def tags_in_scope(user):
    """Every tag for newsroom staff; for a district editor, the tags on the
    articles, programmes and districts they work on (other districts' tags,
    drafts included, are not theirs to browse)."""
    if sees_all_districts(user):
        return Tag.objects.all()
    content_types = ContentType.objects.get_for_models(Article, Programme, District)
    used_on = {
        Article: scoped_articles(user).values("pk"),
        Programme: scoped_programmes(user).values("pk"),
        District: District.objects.filter(pk__in=own_district_ids(user)).values("pk"),
    }
    in_scope = Q()
    for model, pks in used_on.items():
        in_scope |= Q(
            tagged_items__content_type=content_types[model], tagged_items__object_id__in=pks
        )
    return Tag.objects.filter(pk__in=Tag.objects.filter(in_scope).values("pk"))
