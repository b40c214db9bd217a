"""Keep the search index in step with the content.

Saves and deletes of articles, programmes, districts and their parts re-index
the item they belong to (signals, connected in ArticlesConfig.ready). Bulk
writers (the importer, the content loader) pause the signals and index each
item once when it is complete.
"""

import threading
import time
from contextlib import contextmanager

from django.db import connection

from articles.models import Article, SearchDocument, SearchEntry, Status
from articles.richtext import paragraphs_from_html

from .segment import add_user_words, index_text, load_user_words

# Articles are the reporting; programme and district pages summarise them, so
# an article that matches as well ranks first.
BOOST = {"article": 1.0, "programme": 0.3, "district": 0.2}
# New district, programme and tag names saved by another process reach this
# one's segmenter within this many seconds.
USER_WORDS_MAX_AGE = 60

_state = threading.local()
_user_words_loaded_at = None


def ensure_user_words():
    global _user_words_loaded_at
    now = time.monotonic()
    if _user_words_loaded_at is None or now - _user_words_loaded_at > USER_WORDS_MAX_AGE:
        load_user_words()
        _user_words_loaded_at = now


@contextmanager
def signals_paused():
    """Within this block, saves do not re-index; the caller indexes explicitly."""
    previous = getattr(_state, "paused", False)
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = previous


def signals_are_paused():
    return getattr(_state, "paused", False)


def _slugs(items):
    slugs = [item.slug for item in items]
    return f" {' '.join(slugs)} " if slugs else ""


def _words(text):
    return index_text(text)


def article_entry(article):
    sections = list(article.sections.all())
    tags = list(article.tags.all())
    districts = list(article.districts.all())
    add_user_words(tag.name for tag in tags)
    parts = [article.summary]
    for section in sections:
        # The importer hands over the paragraphs it parsed; others parse the HTML.
        paragraphs = getattr(section, "plain_paragraphs", None)
        if paragraphs is None:
            paragraphs = paragraphs_from_html(section.body)
        parts += [section.district_label, section.heading, *paragraphs]
    parts.append(article.closing_slogan)
    body = "\n".join(p for p in parts if p)
    names = [byline.name for byline in article.bylines.all()]
    extra = " ".join(
        [*(t.name for t in tags), *(d.name for d in districts), article.source, *names]
    )
    return {
        "title": article.title[:300],
        "body": body,
        "title_words": _words(article.title),
        "body_words": _words(body + "\n" + extra),
        "status": article.status,
        "published_at": article.published_at,
        "expires_at": article.expires_at,
        "sort_date": article.published_at,
        "year": article.published_at.year if article.published_at else None,
        "district_slugs": _slugs(districts),
        "tag_slugs": _slugs(tags),
    }


def programme_entry(programme):
    items = list(programme.items.all())
    tags = list(programme.tags.all())
    add_user_words([programme.name, *(t.name for t in tags)])
    parts = [programme.headline, programme.summary]
    parts += [f"{item.title} {item.description}" for item in items]
    parts += [f.source_text for f in programme.figures.all()]
    parts += [f"{e.date_text} {e.title}" for e in programme.events.all()]
    body = "\n".join(p for p in parts if p)
    title = f"{programme.district.name} · {programme.name}"
    extra = " ".join([*(t.name for t in tags), programme.district.name, programme.campaign.title])
    return {
        "title": title[:300],
        "body": body,
        "title_words": _words(f"{programme.name} {programme.headline}"),
        "body_words": _words(body + "\n" + extra),
        "status": programme.status,
        "published_at": None,
        "expires_at": None,
        "sort_date": programme.updated_at,
        "year": programme.campaign.year,
        "district_slugs": _slugs([programme.district]),
        "tag_slugs": _slugs(tags),
    }


def district_entry(district):
    aliases = [alias.name for alias in district.aliases.all()]
    tags = list(district.tags.all())
    add_user_words([district.name, *aliases])
    body = "\n".join(p for p in [district.profile, district.change_note, "、".join(aliases)] if p)
    return {
        "title": district.name,
        "body": body,
        "title_words": _words(" ".join([district.name, *aliases])),
        "body_words": _words(body + " " + " ".join(t.name for t in tags)),
        "status": Status.PUBLISHED,
        "published_at": None,
        "expires_at": None,
        "sort_date": district.updated_at,
        "year": None,
        "district_slugs": _slugs([district]),
        "tag_slugs": _slugs(tags),
    }


BUILDERS = {"article": article_entry, "programme": programme_entry, "district": district_entry}
TEXT_FIELDS = ("body", "title_words", "body_words")

# Title words weigh more than body words; `simple` keeps the words as they are.
POSTGRES_VECTOR_SQL = """
    UPDATE articles_searchentry AS e
    SET search_vector = setweight(to_tsvector('simple', d.title_words), 'A')
                     || setweight(to_tsvector('simple', d.body_words), 'B')
    FROM articles_searchdocument AS d
    WHERE d.entry_id = e.id
"""


def _split(values):
    text = {name: values.pop(name) for name in TEXT_FIELDS}
    return values, text


def _update_vectors(entry_id=None):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if entry_id is None:
            cursor.execute(POSTGRES_VECTOR_SQL)
        else:
            cursor.execute(POSTGRES_VECTOR_SQL + " AND e.id = %s", [entry_id])


def kind_of(obj):
    return obj._meta.model_name if obj._meta.model_name in BUILDERS else None


def index_object(obj, new=False):
    """Write (or rewrite) the index entry of one article, programme or district.
    `new=True` (an item just created) skips looking for an existing entry."""
    kind = kind_of(obj)
    ensure_user_words()
    values, text = _split(BUILDERS[kind](obj))
    values["boost"] = BOOST[kind]
    if new:
        entry = SearchEntry.objects.create(kind=kind, object_id=obj.pk, **values)
        SearchDocument.objects.create(entry=entry, **text)
    else:
        entry, _ = SearchEntry.objects.update_or_create(
            kind=kind, object_id=obj.pk, defaults=values
        )
        SearchDocument.objects.update_or_create(entry=entry, defaults=text)
    _update_vectors(entry.pk)
    return entry


def index_new_objects(objects):
    """Index items created in bulk (the importer): two INSERTs for all of them."""
    if not objects:
        return
    ensure_user_words()
    kind = kind_of(objects[0])
    entries = _bulk_write(kind, [(obj.pk, _split(BUILDERS[kind](obj))) for obj in objects])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                POSTGRES_VECTOR_SQL + " AND e.id = ANY(%s)", [[entry.pk for entry in entries]]
            )


def _bulk_write(kind, pairs):
    """Insert entries and their documents for [(object id, (values, text))]."""
    entries = SearchEntry.objects.bulk_create(
        SearchEntry(kind=kind, object_id=pk, boost=BOOST[kind], **values)
        for pk, (values, _) in pairs
    )
    SearchDocument.objects.bulk_create(
        SearchDocument(entry=entry, **text)
        for entry, (_, (_, text)) in zip(entries, pairs, strict=True)
    )
    return entries


def remove_object(kind, pk):
    SearchEntry.objects.filter(kind=kind, object_id=pk).delete()


def querysets():
    """Everything the index holds, loaded with what the entries need."""
    from districts.models import District, Programme

    return {
        "article": Article.objects.prefetch_related("sections", "bylines", "tags", "districts"),
        "programme": Programme.objects.select_related("district", "campaign").prefetch_related(
            "items", "figures", "events", "tags"
        ),
        "district": District.objects.prefetch_related("aliases", "tags"),
    }


def rebuild(progress=None, chunk_size=500):
    """Rebuild the whole index; `progress(n)` is told how many items were done."""
    global _user_words_loaded_at
    _user_words_loaded_at = None
    ensure_user_words()
    SearchEntry.objects.all().delete()
    total = 0
    for kind, queryset in querysets().items():
        batch = []
        for obj in queryset.order_by("pk").iterator(chunk_size=chunk_size):
            batch.append((obj.pk, _split(BUILDERS[kind](obj))))
            if len(batch) >= chunk_size:
                total += _write_batch(kind, batch, progress)
                batch = []
        if batch:
            total += _write_batch(kind, batch, progress)
    _update_vectors()
    return total


def _write_batch(kind, batch, progress):
    _bulk_write(kind, batch)
    if progress:
        progress(len(batch))
    return len(batch)


def count_items():
    return sum(queryset.count() for queryset in querysets().values())
