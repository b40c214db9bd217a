"""The one search used by the search page, /search.json and the admin."""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.publication import visibility
from documents.models import Document

from . import backends
from .indexing import ensure_user_words
from .models import SearchEntry
from .query import parse_query
from .registry import KINDS

SNIPPET_BEFORE = 40
SNIPPET_LENGTH = 140
MAX_PAGE = 100
ADMIN_LIMIT = 10_000


@dataclass
class AttachmentMatch:
    """The attachment (附件) a result was found by, or also found by."""

    title: str
    url: str
    title_html: str
    snippet: str  # plain text
    snippet_html: str


@dataclass
class SearchHit:
    kind: str
    obj: object
    title_html: str
    snippet_html: str
    date: object
    score: float
    attachment: AttachmentMatch | None = None

    @property
    def url(self):
        return self.obj.get_absolute_url()

    @property
    def kind_label(self):
        return KINDS[self.kind].label

    @property
    def result_template(self):
        return KINDS[self.kind].result_template

    @property
    def district_names(self):
        return KINDS[self.kind].district_names(self.obj)


@dataclass
class SearchResults:
    query: object
    total: int = 0
    hits: list = field(default_factory=list)
    page: int = 1
    per_page: int = 10

    @property
    def total_is_capped(self):
        return self.total > backends.COUNT_CAP

    @property
    def total_display(self):
        return f"{backends.COUNT_CAP}+" if self.total_is_capped else str(self.total)

    @property
    def num_pages(self):
        return max(1, -(-min(self.total, backends.COUNT_CAP) // self.per_page))

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < min(self.num_pages, MAX_PAGE)


@dataclass
class SearchFilters:
    """Which entries a search may return: visibility plus the reader's filters."""

    district: str | None = None
    tag: str | None = None
    year: int | None = None
    kinds: list | None = None
    include_unpublished: bool = False

    def sql(self, alias="e"):
        """The same conditions as SQL on `alias`, for the backends' raw queries
        (inline conditions are about twice as fast as `id IN (subquery)`)."""
        clauses, params = [], []
        if not self.include_unpublished:
            visible, visible_params = visibility_sql(alias)
            clauses.append(visible)
            params += visible_params
        find = "strpos" if connection.vendor == "postgresql" else "instr"
        for column, value in (("district_slugs", self.district), ("tag_slugs", self.tag)):
            if value:
                clauses.append(f"{find}({alias}.{column}, %s) > 0")
                params.append(f" {value} ")
        if self.year:
            clauses.append(f"{alias}.year = %s")
            params.append(self.year)
        if self.kinds:
            clauses.append(f"{alias}.kind IN ({', '.join(['%s'] * len(self.kinds))})")
            params += list(self.kinds)
        return " AND ".join(clauses) or "1 = 1", params


def visibility_sql(alias):
    """The visibility rule (core.publication), compiled by Django for the index
    table and rewritten onto `alias` for the backends' raw queries."""
    query = SearchEntry.objects.filter(visibility(SearchEntry)).query
    sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    return sql.replace(f"{table}.", f"{alias}."), list(params)


def search(
    text,
    *,
    district=None,
    tag=None,
    year=None,
    kinds=None,
    page=1,
    per_page=10,
    include_unpublished=False,
):
    ensure_user_words()
    query = parse_query(text)
    page = min(max(int(page), 1), MAX_PAGE)
    results = SearchResults(query=query, page=page, per_page=per_page)
    if query.empty:
        return results
    filters = SearchFilters(district, tag, year, kinds, include_unpublished)
    results.total, rows = backends.search(filters, query, per_page, (page - 1) * per_page)
    results.hits = _hits(rows, query)
    return results


def matching_ids(kind, text, include_unpublished=True):
    """Ids of the `kind` items matching `text`, for the admin's search box;
    None when the text has no searchable words."""
    ensure_user_words()
    query = parse_query(text)
    if query.empty:
        return None
    filters = SearchFilters(kinds=[kind], include_unpublished=include_unpublished)
    _, rows = backends.search(filters, query, ADMIN_LIMIT, 0)
    by_pk = dict(
        SearchEntry.objects.filter(pk__in=[pk for pk, _ in rows]).values_list("pk", "object_id")
    )
    return [by_pk[pk] for pk, _ in rows if pk in by_pk]


def _hits(rows, query):
    # Not the vector nor the words: several KB a row that a result never shows.
    entries = (
        SearchEntry.objects.select_related("document")
        .defer(
            "search_vector",
            "document__title_words",
            "document__body_words",
            "document__attachment_words",
        )
        .in_bulk([pk for pk, _ in rows])
    )
    wanted = {}
    for pk, _ in rows:
        if pk in entries:
            wanted.setdefault(entries[pk].kind, []).append(entries[pk].object_id)
    objects = {kind: KINDS[kind].results_queryset().in_bulk(ids) for kind, ids in wanted.items()}
    terms = query.highlight_terms
    hits = []
    for pk, score in rows:
        entry = entries.get(pk)
        obj = entry and objects[entry.kind].get(entry.object_id)
        if obj is None:
            continue
        hits.append(
            SearchHit(
                kind=entry.kind,
                obj=obj,
                title_html=typeset(highlight(entry.title, terms)),
                snippet_html=snippet(entry.document.body, terms),
                date=entry.sort_date,
                score=score,
                attachment=attachment_match(entry.document.attachments, terms),
            )
        )
    return hits


def attachment_match(attachments, terms):
    """Of an entry's attachments, the one whose title and text hold the most of
    the query's terms (the first of those), with a passage around the first
    match; None when no attachment holds any."""
    pattern = _pattern(terms)
    if pattern is None or not attachments:
        return None
    best, best_count = None, 0
    for attachment in attachments:
        found = {
            match.group(0).lower()
            for field in ("title", "text")
            for match in pattern.finditer(attachment[field])
        }
        if len(found) > best_count:
            best, best_count = attachment, len(found)
    if best is None:
        return None
    document = Document(pk=best["id"], title=best["title"], kind=best["kind"])
    text = _passage(best["text"], pattern)
    return AttachmentMatch(
        title=best["title"],
        url=document.get_absolute_url(),
        title_html=typeset(highlight(best["title"], terms)),
        snippet=text,
        snippet_html=snippet(best["text"], terms),
    )


def _pattern(terms):
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def highlight(text, terms):
    """`text`, escaped, with every query term in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(escape(text))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def _bounds(text, pattern):
    """(passage, prefix, suffix) of the short passage around the first match."""
    text = " ".join(text.split())
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - SNIPPET_BEFORE) if match else 0
    passage = text[start : start + SNIPPET_LENGTH]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_LENGTH < len(text) else ""
    return passage, prefix, suffix


def _passage(text, pattern):
    passage, prefix, suffix = _bounds(text, pattern)
    return f"{prefix}{passage}{suffix}"


def snippet(text, terms):
    """A short passage around the first match, highlighted."""
    passage, prefix, suffix = _bounds(text, _pattern(terms))
    return typeset(f"{prefix}{highlight(passage, terms)}{suffix}")


def typeset(html):
    """Highlighted HTML, safe to show. Chinese punctuation is set where every
    page's is, on the way out (core.typesetting), also in /search.json."""
    return mark_safe(html)
