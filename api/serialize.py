"""Model rows as the API's answers (api.schemas): plain dicts, built from rows
the views have already loaded, so serialising makes no query."""

from django.urls import reverse
from django.utils import timezone

from articles.models import Byline
from core.richtext import paragraphs_from_html
from documents.kinds import CONTENT_TYPES

from .pictures import body_figures, body_html, lead_image

NAMESPACE = "api-v1"


def api_url(request, name, slug):
    return request.build_absolute_uri(reverse(f"{NAMESPACE}:{name}", args=[slug]))


def page_url(request, obj):
    return request.build_absolute_uri(obj.get_absolute_url())


def local(moment):
    """A time in Beijing time, as the pages give it (ISO 8601 with +08:00)."""
    return timezone.localtime(moment) if moment else None


def tag_ref(tag):
    return {"slug": tag.slug, "name": tag.name}


def district_ref(request, district):
    return {
        "slug": district.slug,
        "name": district.name,
        "dissolved_on": district.dissolved_on,
        "url": api_url(request, "district_detail", district.slug),
    }


def district(request, row):
    """Needs aliases, successors, predecessors and tags prefetched."""
    return {
        **district_ref(request, row),
        "page_url": page_url(request, row),
        "is_dissolved": row.is_dissolved,
        "aliases": [alias.name for alias in row.aliases.all()],
        "profile": row.profile,
        "change_note": row.change_note,
        "successors": [district_ref(request, d) for d in row.successors.all()],
        "predecessors": [district_ref(request, d) for d in row.predecessors.all()],
        "tags": [tag_ref(tag) for tag in row.tags.all()],
    }


def campaign_ref(request, campaign):
    if campaign is None or not campaign.is_public:
        return None
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "year": campaign.year,
        "url": api_url(request, "campaign_detail", campaign.slug),
    }


def programme_ref(request, programme):
    """Needs the district loaded with the programme."""
    return {
        "slug": programme.slug,
        "name": programme.name,
        "headline": programme.headline,
        "district": district_ref(request, programme.district),
        "url": api_url(request, "programme_detail", programme.slug),
    }


def programme(request, row):
    """Needs district, campaign and lead image loaded (its renditions by
    api.pictures.prefetch_lead_images); items, figures, events and tags prefetched."""
    return {
        **programme_ref(request, row),
        "page_url": page_url(request, row),
        "campaign": campaign_ref(request, row.campaign),
        "summary": row.summary,
        "lead_image": lead_image(request, row.lead_image),
        "items": [
            {
                "kind": item.kind,
                "kind_label": item.get_kind_display(),
                "position": item.position,
                "title": item.title,
                "description": item.description,
            }
            for item in row.items.all()
        ],
        "figures": [
            {
                "qualifier": figure.qualifier,
                "value": figure.value,
                "unit": figure.unit,
                "label": figure.label,
                "source_text": figure.source_text,
            }
            for figure in row.figures.all()
        ],
        "events": [
            {
                "title": event.title,
                "date": event.date.isoformat() if event.date else None,
                "date_precision": event.date_precision,
                "date_text": event.date_text,
                "note": event.note,
            }
            for event in row.events.all()
        ],
        "tags": [tag_ref(tag) for tag in row.tags.all()],
    }


def article_ref(request, article):
    if article is None or not article.is_public:
        return None
    return {
        "slug": article.slug,
        "title": article.title,
        "published_at": local(article.published_at),
        "url": api_url(request, "article_detail", article.slug),
    }


def article(request, row):
    """A list entry; needs districts and tags prefetched, the lead image loaded
    and its renditions fetched (api.pictures.prefetch_lead_images)."""
    return {
        "slug": row.slug,
        "url": api_url(request, "article_detail", row.slug),
        "page_url": page_url(request, row),
        "kicker": row.kicker,
        "title": row.title,
        "subtitle": row.subtitle,
        "summary": row.summary,
        "published_at": local(row.published_at),
        "published_time_known": row.published_time_known,
        "revised_at": local(row.revised_at),
        "source": row.source,
        "lead_image": lead_image(request, row.lead_image),
        "districts": [district_ref(request, d) for d in row.districts.all()],
        "tags": [tag_ref(tag) for tag in row.tags.all()],
    }


def article_detail(request, row):
    """The whole article; needs api.views.ARTICLE_DETAIL_LOOKUPS prefetched."""
    bylines = {kind: [] for kind in Byline.Kind.values}
    for byline in row.bylines.all():
        bylines[byline.kind].append({"role": byline.role, "name": byline.name})
    sections = row.sections.all()
    figures = body_figures(request, sections)
    return {
        **article(request, row),
        "dateline": row.dateline,
        "bylines": bylines,
        "sections": [
            {
                "position": section.position,
                "heading": section.heading,
                "district": district_ref(request, section.district) if section.district else None,
                "district_label": section.district_label,
                "html": body_html(section.body, figures),
                "text": "\n".join(paragraphs_from_html(section.body)),
            }
            for section in sections
        ],
        "closing_slogan": row.closing_slogan,
        "campaign": campaign_ref(request, row.campaign),
        "programmes": [programme_ref(request, p) for p in row.programmes.all()],
        "corrections": [
            {
                "kind": correction.kind,
                "kind_label": correction.get_kind_display(),
                "note": correction.note,
                "created_at": local(correction.created_at),
            }
            for correction in row.corrections.all()
        ],
        "attachments": [
            {
                "title": document.title,
                "kind": document.kind,
                "content_type": CONTENT_TYPES.get(document.kind, "application/octet-stream"),
                "size": document.size,
                "label": document.label,
                "url": page_url(request, document),
            }
            for document in row.attachments.all()
        ],
    }
