"""Articles, programmes and districts as the search index sees them.

Each entry builder returns the values of one SearchEntry and its document.
Items without a schedule of their own (programmes, districts) enter the index
with their creation time as publication time, so one visibility rule
(core.publication) covers every entry.

An article's attachments (附件) enter its entry with the lowest weight: their
titles and the start of their extracted text, bounded so that a 900-page PDF
cannot bloat the index, kept apart so a result can say which one matched.
"""

import re
from dataclasses import dataclass

from django.db.models import Prefetch
from django.db.models.functions import Left

from articles.models import (
    Article,
    ArticleSection,
    KeyFigure,
    Programme,
    ProgrammeEvent,
    ProgrammeItem,
)
from core.richtext import paragraphs_from_html
from core.status import Status
from districts.models import District, DistrictAlias
from documents.models import Document

from .registry import SearchableKind, register
from .segment import add_user_words, index_text

# Of each attachment, the first ATTACHMENT_CHARS characters of its text are
# indexed, and of all an article's attachments together at most
# ATTACHMENTS_TOTAL_CHARS (PostgreSQL refuses a tsvector over 1 MB).
ATTACHMENT_CHARS = 20_000
ATTACHMENTS_TOTAL_CHARS = 100_000

# PDF text breaks lines inside words (党史学\n习教育): whitespace between two
# Chinese characters is dropped before the text is segmented and shown.
_BROKEN_CJK = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def attachments_queryset():
    """Attachments as the index reads them: the start of their text only."""
    return Document.objects.only("pk", "title", "kind").annotate(
        search_text=Left("extracted_text", ATTACHMENT_CHARS)
    )


@dataclass
class ArticleParts:
    """What the index reads of an article besides its own fields. A bulk writer
    (the importer) that holds them already passes them in; otherwise they are
    read from the database (or from prefetched relations). Attachments left at
    None are read from the database."""

    sections: list  # [(district label, heading, [paragraph, …])]
    byline_names: list
    districts: list
    tags: list
    attachments: list | None = None  # Documents, from attachments_queryset()

    @classmethod
    def of(cls, article):
        return cls(
            sections=[
                (s.district_label, s.heading, paragraphs_from_html(s.body))
                for s in article.sections.all()
            ],
            byline_names=[byline.name for byline in article.bylines.all()],
            districts=list(article.districts.all()),
            tags=list(article.tags.all()),
            attachments=_attachments_of(article),
        )


def _attachments_of(article):
    cache = getattr(article, "_prefetched_objects_cache", {})
    if "attachments" in cache:
        return list(cache["attachments"])
    return list(attachments_queryset().filter(articles=article))


def attachment_texts(documents):
    """[{"id", "title", "kind", "text"}] of the attachments readers may open,
    their text bounded (see ATTACHMENT_CHARS): what the index stores to match
    and to show which attachment a result was found by."""
    texts, room = [], ATTACHMENTS_TOTAL_CHARS
    for document in documents:
        if not document.is_public:
            continue
        text = getattr(document, "search_text", None)
        if text is None:
            text = document.extracted_text
        text = _BROKEN_CJK.sub("", text or "")[: min(ATTACHMENT_CHARS, max(room, 0))]
        room -= len(text)
        texts.append(
            {"id": document.pk, "title": document.title, "kind": document.kind, "text": text}
        )
    return texts


def _slugs(items):
    slugs = [item.slug for item in items]
    return f" {' '.join(slugs)} " if slugs else ""


def article_entry(article, parts=None):
    parts = parts or ArticleParts.of(article)
    add_user_words(tag.name for tag in parts.tags)
    texts = [article.summary]
    for district_label, heading, paragraphs in parts.sections:
        texts += [district_label, heading, *paragraphs]
    texts.append(article.closing_slogan)
    body = "\n".join(t for t in texts if t)
    extra = " ".join(
        [
            *(t.name for t in parts.tags),
            *(d.name for d in parts.districts),
            article.source,
            *parts.byline_names,
        ]
    )
    attachments = attachment_texts(
        parts.attachments if parts.attachments is not None else _attachments_of(article)
    )
    return {
        "title": article.title[:300],
        "body": body,
        # 引题 and 副题 are part of the headline: weighted with the title.
        "title_words": index_text(
            " ".join(filter(None, [article.kicker, article.title, article.subtitle]))
        ),
        "body_words": index_text(body + "\n" + extra),
        "attachment_words": index_text(
            "\n".join(f"{a['title']}\n{a['text']}" for a in attachments)
        ),
        "attachments": attachments,
        "status": article.status,
        "published_at": article.published_at,
        "expires_at": article.expires_at,
        "sort_date": article.published_at,
        "year": article.published_at.year if article.published_at else None,
        "district_slugs": _slugs(parts.districts),
        "tag_slugs": _slugs(parts.tags),
    }


def programme_entry(programme, parts=None):
    tags = list(programme.tags.all())
    add_user_words([programme.name, *(t.name for t in tags)])
    texts = [programme.headline, programme.summary]
    texts += [f"{item.title} {item.description}" for item in programme.items.all()]
    texts += [f.source_text for f in programme.figures.all()]
    texts += [f"{e.date_text} {e.title}" for e in programme.events.all()]
    body = "\n".join(t for t in texts if t)
    title = f"{programme.district.name} · {programme.name}"
    extra = " ".join([*(t.name for t in tags), programme.district.name, programme.campaign.title])
    return {
        "title": title[:300],
        "body": body,
        "title_words": index_text(f"{programme.name} {programme.headline}"),
        "body_words": index_text(body + "\n" + extra),
        "status": programme.status,
        "published_at": programme.created_at,
        "expires_at": None,
        "sort_date": programme.updated_at,
        "year": programme.campaign.year,
        "district_slugs": _slugs([programme.district]),
        "tag_slugs": _slugs(tags),
    }


def district_entry(district, parts=None):
    aliases = [alias.name for alias in district.aliases.all()]
    tags = list(district.tags.all())
    add_user_words([district.name, *aliases])
    # `body` is the text snippets are cut from: the page's prose only. Aliases
    # and tags are matched through the words alone; appended to the text they
    # ended snippets with a stray "。 上城".
    body = "\n".join(p for p in [district.profile, district.change_note] if p)
    return {
        "title": district.name,
        "body": body,
        "title_words": index_text(" ".join([district.name, *aliases])),
        "body_words": index_text(
            "\n".join([body, "、".join(aliases), " ".join(t.name for t in tags)])
        ),
        # Every district page is public.
        "status": Status.PUBLISHED,
        "published_at": district.created_at,
        "expires_at": None,
        "sort_date": district.updated_at,
        "year": None,
        "district_slugs": _slugs([district]),
        "tag_slugs": _slugs(tags),
    }


ARTICLE = register(
    SearchableKind(
        name="article",
        label="新闻",
        model=Article,
        boost=1.0,
        entry=article_entry,
        indexing_queryset=lambda: Article.objects.prefetch_related(
            "sections",
            "bylines",
            "tags",
            "districts",
            Prefetch("attachments", queryset=attachments_queryset()),
        ),
        results_queryset=lambda: Article.objects.prefetch_related("districts"),
        district_names=lambda article: [d.name for d in article.districts.all()],
        parts=((ArticleSection, "article"),),
        relations=(
            Article.districts.through,
            Article.programmes.through,
            Article.attachments.through,
        ),
        sources=((Document, "attachments"),),
    )
)
PROGRAMME = register(
    SearchableKind(
        name="programme",
        label="举措",
        model=Programme,
        boost=0.3,
        entry=programme_entry,
        indexing_queryset=lambda: Programme.objects.select_related(
            "district", "campaign"
        ).prefetch_related("items", "figures", "events", "tags"),
        results_queryset=lambda: Programme.objects.select_related("district"),
        district_names=lambda programme: [programme.district.name],
        parts=(
            (ProgrammeItem, "programme"),
            (KeyFigure, "programme"),
            (ProgrammeEvent, "programme"),
        ),
        user_words=((Programme, "name"),),
    )
)
DISTRICT = register(
    SearchableKind(
        name="district",
        label="城区",
        model=District,
        boost=0.2,
        entry=district_entry,
        indexing_queryset=lambda: District.objects.prefetch_related("aliases", "tags"),
        results_queryset=lambda: District.objects.all(),
        district_names=lambda district: [district.name],
        parts=((DistrictAlias, "district"),),
        user_words=((District, "name"), (DistrictAlias, "name")),
        admin_search=False,
    )
)
