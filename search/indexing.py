"""Keep the search index in step with the content.

Saves and deletes of every registered kind (search.registry) and of its parts
re-index the item they belong to (search.signals). Bulk writers (the importer,
the content loader) pause the signals and index each item once when it is
complete, handing over what they already hold instead of having it re-read.
"""

import threading
import time
from contextlib import contextmanager

from django.db import connection
from django.db.models.expressions import RawSQL

from core.models import Tag

from . import kinds  # noqa: F401  (registers the searchable kinds)
from .models import SearchDocument, SearchEntry
from .registry import KINDS, kind_of
from .segment import load_user_words

# New district, programme and tag names saved by another process reach this
# one's segmenter within this many seconds.
USER_WORDS_MAX_AGE = 60

_state = threading.local()
_user_words_loaded_at = None


def ensure_user_words():
    global _user_words_loaded_at
    now = time.monotonic()
    if _user_words_loaded_at is None or now - _user_words_loaded_at > USER_WORDS_MAX_AGE:
        sources = [source for kind in KINDS.values() for source in kind.user_words]
        load_user_words([*sources, (Tag, "name")])
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


# SearchDocument's words and text; kinds without attachments leave them empty.
TEXT_FIELDS = ("body", "title_words", "body_words", "attachment_words")

# Title words weigh more than body words, and body words more than the words of
# attachments; `simple` keeps the words as they are.
VECTOR_SQL = (
    "setweight(to_tsvector('simple', {title}), 'A')"
    " || setweight(to_tsvector('simple', {body}), 'B')"
    " || setweight(to_tsvector('simple', {attachments}), 'D')"
)
_DOCUMENT_VECTOR = VECTOR_SQL.format(
    title="d.title_words", body="d.body_words", attachments="d.attachment_words"
)
POSTGRES_VECTOR_SQL = f"""
    UPDATE articles_searchentry AS e
    SET search_vector = {_DOCUMENT_VECTOR}
    FROM articles_searchdocument AS d
    WHERE d.entry_id = e.id
"""


def _split(values):
    text = {name: values.pop(name, "") for name in TEXT_FIELDS}
    text["attachments"] = values.pop("attachments", None) or []
    return values, text


def _update_vectors(entry_id):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(POSTGRES_VECTOR_SQL + " AND e.id = %s", [entry_id])


def _vector(text):
    """The vector of a new entry, computed by PostgreSQL within its INSERT.
    Bulk writers insert it with the row: filling it in by a later UPDATE would
    leave a dead copy of every row at the front of the table, which searches
    scan past until VACUUM."""
    if connection.vendor != "postgresql":
        return None
    sql = VECTOR_SQL.format(title="%s::text", body="%s::text", attachments="%s::text")
    return RawSQL(sql, [text["title_words"], text["body_words"], text["attachment_words"]])


def index_object(obj, new=False, parts=None):
    """Write (or rewrite) the index entry of one item of a registered kind.
    `new=True` (an item just created) skips looking for an existing entry;
    `parts` is what the caller already holds of it (see kinds.ArticleParts)."""
    kind = kind_of(obj)
    ensure_user_words()
    values, text = _split(kind.entry(obj, parts))
    values["boost"] = kind.boost
    if new:
        entry = SearchEntry.objects.create(kind=kind.name, object_id=obj.pk, **values)
        SearchDocument.objects.create(entry=entry, **text)
    else:
        entry, _ = SearchEntry.objects.update_or_create(
            kind=kind.name, object_id=obj.pk, defaults=values
        )
        SearchDocument.objects.update_or_create(entry=entry, defaults=text)
    _update_vectors(entry.pk)
    return entry


def index_new_objects(items):
    """Index items created in bulk (the importer), given as [(obj, parts)]:
    two INSERTs for all of them."""
    if not items:
        return
    ensure_user_words()
    kind = kind_of(items[0][0])
    _bulk_write(kind, [(obj.pk, _split(kind.entry(obj, parts))) for obj, parts in items])


def _bulk_write(kind, pairs):
    """Insert entries and their documents for [(object id, (values, text))]."""
    entries = SearchEntry.objects.bulk_create(
        SearchEntry(
            kind=kind.name, object_id=pk, boost=kind.boost, search_vector=_vector(text), **values
        )
        for pk, (values, text) in pairs
    )
    SearchDocument.objects.bulk_create(
        SearchDocument(entry=entry, **text)
        for entry, (_, (_, text)) in zip(entries, pairs, strict=True)
    )
    return entries


def remove_object(obj):
    SearchEntry.objects.filter(kind=kind_of(obj).name, object_id=obj.pk).delete()


def querysets():
    """Everything the index holds, loaded with what the entries need."""
    return {kind: kind.indexing_queryset() for kind in KINDS.values()}


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
            batch.append((obj.pk, _split(kind.entry(obj))))
            if len(batch) >= chunk_size:
                total += _write_batch(kind, batch, progress)
                batch = []
        if batch:
            total += _write_batch(kind, batch, progress)
    _merge_pending_words()
    return total


def _merge_pending_words():
    """Merge what the GIN index holds in its pending list into the index proper.
    Fast updates leave up to 4 MB of new entries there, which every search that
    uses the index reads in full (6–9 ms at 100,000 articles) until a VACUUM."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('articles_searchentry_vector_gin'::regclass)")


def _write_batch(kind, batch, progress):
    _bulk_write(kind, batch)
    if progress:
        progress(len(batch))
    return len(batch)


def count_items():
    return sum(queryset.count() for queryset in querysets().values())
