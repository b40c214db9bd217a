"""Save parsed article files to the database, safely and repeatably.

- Each file is written whole or not at all (a savepoint per file).
- An article is found again by a stable key (source + title + 发布时间), so a
  file imported twice gives one article; a byte-identical file is "unchanged"
  and writes nothing.
- An article an editor has changed since its import is not overwritten: it is
  a "conflict" unless `force` is set.
- Files are read one at a time, so memory stays flat however many there are.
- Only regular files are read (and folders walked, and - for standard input):
  a named pipe, device or socket is a failed file, never a hang.
- Every parsed value is checked against its column's max_length before
  anything is written, so SQLite never keeps what PostgreSQL would refuse.
"""

import hashlib
import os
import stat
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import reversion
from django.conf import settings
from django.db import DatabaseError, transaction

from articles.models import Article, ArticleSection, Byline, Programme, ProgrammeItem
from core.richtext import html_from_paragraphs
from core.status import Status
from districts.models import District, normalize_district_label
from search.indexing import index_new_objects, index_object, signals_paused
from search.kinds import ArticleParts

from .enumerations import find_enumerations
from .parser import ArticleFormatError, decode_article_bytes, parse_article

CREATED, UPDATED, UNCHANGED, CONFLICT, FAILED = (
    "created",
    "updated",
    "unchanged",
    "conflict",
    "failed",
)
ACTIONS = (CREATED, UPDATED, UNCHANGED, CONFLICT, FAILED)
STDIN = "-"
# Files per transaction: one commit per file is what makes SQLite slow, and a
# savepoint per file still keeps each file all-or-nothing.
BATCH_SIZE = 200
BATCH_BYTES = 8 * 1024 * 1024


@dataclass
class ImportOptions:
    status: str = Status.DRAFT
    campaign: object = None
    tags: tuple = ()
    dry_run: bool = False
    force: bool = False
    strict: bool = False
    suggest_programmes: bool = False


@dataclass
class FileResult:
    path: str
    action: str
    line: int = 0
    reason: str = ""
    title: str = ""
    slug: str = ""
    url: str = ""
    warnings: list = field(default_factory=list)
    suggested_programmes: list = field(default_factory=list)

    def describe(self):
        if self.action == FAILED:
            return f"{self.path}:{self.line}: {self.reason}"
        if self.action == CONFLICT:
            return f"{self.path}: conflict: {self.reason}"
        return f"{self.action}: {self.path} -> {self.title}"

    def as_dict(self):
        return asdict(self)


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    results: list | None = None
    stopped_early: bool = False
    rolled_back: bool = False

    def add(self, result):
        self.counts[result.action] += 1
        if result.action == FAILED:
            self.failures.append(result)
        elif result.action == CONFLICT:
            self.conflicts.append(result)
        if self.results is not None:
            self.results.append(result)

    def summary(self):
        counts = ", ".join(f"{action} {self.counts[action]}" for action in ACTIONS)
        if self.rolled_back:
            counts += " (stopped at the first error; everything this run wrote was rolled back)"
        return counts

    def as_dict(self):
        return {
            "summary": {action: self.counts[action] for action in ACTIONS},
            "stopped_early": self.stopped_early,
            "rolled_back": self.rolled_back,
            "files": [r.as_dict() for r in self.results or []],
        }


@dataclass
class _Pending:
    """A file on its way through a batch."""

    path: object
    name: str
    data: bytes = b""
    checksum: str = ""
    parsed: object = None
    key: str = ""
    result: FileResult | None = None


class StrictStop(Exception):
    """Raised in strict mode to stop at the first failure and roll back."""


def district_index():
    """Map every normalised district name and alias to its district."""
    index = {}
    for district in District.objects.prefetch_related("aliases"):
        index[normalize_district_label(district.name)] = district
        for alias in district.aliases.all():
            index[normalize_district_label(alias.name)] = district
    return index


def collect_paths(paths):
    """Expand folders into the *.txt entries below them, in a stable order.
    `-` stands for standard input. Entries that are not regular files (a FIFO
    named x.txt) are kept, so the import reports them instead of skipping them
    unseen; `read_source` refuses them."""
    for path in paths:
        if str(path) == STDIN:
            yield STDIN
            continue
        path = Path(path)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.txt") if not p.is_dir())
        else:
            yield path


BYLINE_FIELDS = ("kind", "role", "name")


def check_field_lengths(parsed):
    """Refuse a parsed article with a value longer than its column: SQLite
    would store it whole, PostgreSQL would refuse it (or, in a batch, make the
    whole batch be retried file by file)."""
    lines = parsed.field_lines
    values = [
        (Article, name, getattr(parsed, name), lines.get(name, 0))
        for name in ("title", "source", "dateline", "closing_slogan")
    ]
    for section in parsed.sections:
        values.append((ArticleSection, "heading", section.heading, section.line))
        values.append((ArticleSection, "district_label", section.district_label, section.line))
    for byline in parsed.bylines:
        values += [(Byline, name, getattr(byline, name), byline.line) for name in BYLINE_FIELDS]
    for model, name, value, line in values:
        column = model._meta.get_field(name)
        if column.max_length is not None and len(value) > column.max_length:
            raise ArticleFormatError(
                f"{model.__name__}.{name} “{column.verbose_name}” is {len(value)} characters "
                f"long, more than its limit of {column.max_length}",
                line=line,
            )


def article_import_key(parsed):
    when = parsed.published_at.isoformat() if parsed.published_at else ""
    identity = "\n".join([parsed.source, parsed.title, when])
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def content_fingerprint(
    title, published_at, time_known, source, slogan, dateline, sections, bylines
):
    """A hash of what an import writes, to tell later whether an editor changed it."""
    when = published_at.timestamp() if published_at else ""
    parts = [title, str(when), str(time_known), source, slogan, dateline]
    parts += ["\x1f".join(map(str, section)) for section in sections]
    parts += ["\x1f".join(byline) for byline in bylines]
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()


def article_fingerprint(article):
    return content_fingerprint(
        article.title,
        article.published_at,
        article.published_time_known,
        article.source,
        article.closing_slogan,
        article.dateline,
        [
            (s.district_id or "", s.district_label, s.heading, s.body)
            for s in article.sections.order_by("position")
        ],
        [(b.kind, b.role, b.name) for b in article.bylines.order_by("position")],
    )


class Importer:
    def __init__(self, options=None, keep_results=False):
        self.options = options or ImportOptions()
        self.districts = district_index()
        self.labels = frozenset(self.districts)
        self.keep_results = keep_results
        self.existing = {}
        self.deferred = False
        self._discard_pending()

    def run(self, paths, progress=None):
        """Import every file under `paths`; `progress` is called once per file."""
        report = ImportReport(results=[] if self.keep_results else None)
        try:
            if self.options.strict:
                with transaction.atomic():
                    self._run_batches(paths, report, progress)
            else:
                self._run_batches(paths, report, progress)
        except StrictStop:
            report.stopped_early = True
            report.rolled_back = not self.options.dry_run
        return report

    def _run_batches(self, paths, report, progress):
        batch, size = [], 0
        for path in paths:
            item = self._read(path)
            batch.append(item)
            size += len(item.data)
            if len(batch) >= BATCH_SIZE or size >= BATCH_BYTES:
                self._run_batch(batch, report, progress)
                batch, size = [], 0
        if batch:
            self._run_batch(batch, report, progress)

    def _run_batch(self, batch, report, progress):
        """Look the whole batch up in two queries, write each file's article,
        then the bodies and index entries of new articles in a few bulk INSERTs."""
        self._prepare(batch)
        try:
            results = self._write_batch(batch, report, deferred=True)
        except DatabaseError:
            # The batch could not be written together: write it file by file,
            # so only a file the database refuses fails.
            self._discard_pending()
            self._lookup_existing(batch)
            results = self._write_batch(batch, report, deferred=False)
        for result in results:
            report.add(result)
            if progress:
                progress(result)

    def _write_batch(self, batch, report, deferred):
        self.deferred = deferred
        results = []
        with transaction.atomic():
            for item in batch:
                result = item.result or self._write(item)
                results.append(result)
                if result.action == FAILED and self.options.strict:
                    for done in results:
                        report.add(done)
                    raise StrictStop
            self._flush()
        return results

    def _flush(self):
        """Write what new articles of this batch still need, in bulk."""
        ArticleSection.objects.bulk_create(self.pending["sections"])
        Byline.objects.bulk_create(self.pending["bylines"])
        Article.districts.through.objects.bulk_create(self.pending["links"])
        index_new_objects(self.pending["created"])
        self._discard_pending()

    def _discard_pending(self):
        self.pending = {"sections": [], "bylines": [], "links": [], "created": []}

    def import_one(self, path):
        batch = [self._read(path)]
        self._prepare(batch)
        results = self._write_batch(batch, ImportReport(), deferred=False)
        return results[0]

    def _read(self, path):
        item = _Pending(path=path, name="<stdin>" if path == STDIN else str(path))
        try:
            item.data = read_source(path)
        except ArticleFormatError as exc:
            item.result = FileResult(item.name, FAILED, line=exc.line, reason=exc.reason)
        except OSError as exc:
            item.result = FileResult(item.name, FAILED, reason=exc.strerror or str(exc))
        else:
            item.checksum = hashlib.sha256(item.data).hexdigest()
        return item

    def _prepare(self, batch):
        """Settle unchanged files by checksum, parse the rest, find their articles."""
        pending = [item for item in batch if item.result is None]
        if not self.options.tags and not self.options.campaign:
            known = {
                checksum: (title, slug)
                for checksum, title, slug in Article.objects.filter(
                    import_checksum__in={item.checksum for item in pending}
                )
                .order_by()
                .values_list("import_checksum", "title", "slug")
            }
            for item in pending:
                if item.checksum in known:
                    # A byte-identical file was imported before: nothing to do.
                    title, slug = known[item.checksum]
                    url = Article(slug=slug).get_absolute_url()
                    item.result = FileResult(item.name, UNCHANGED, title=title, slug=slug, url=url)
        for item in pending:
            if item.result is None:
                self._parse(item)
        self._lookup_existing(batch)
        for item in batch:
            item.data = b""  # parsed now; keep memory flat

    def _lookup_existing(self, batch):
        keys = {item.key for item in batch if item.result is None and item.key}
        self.existing = {
            article.import_key: article
            for article in Article.objects.filter(import_key__in=keys).order_by()
        }

    def _parse(self, item):
        try:
            text, encoding = decode_article_bytes(item.data)
            item.parsed = parse_article(text, self.labels, normalize_district_label)
            check_field_lengths(item.parsed)
        except ArticleFormatError as exc:
            item.result = FileResult(item.name, FAILED, line=exc.line, reason=exc.reason)
            return
        item.key = article_import_key(item.parsed)
        if encoding != "utf-8":
            item.parsed.warnings.append(f"decoded as {encoding}")

    def _write(self, item):
        parsed = item.parsed
        result = FileResult(item.name, CREATED, title=parsed.title, warnings=list(parsed.warnings))
        try:
            with transaction.atomic(), signals_paused():
                self._save(item, result)
        except DatabaseError as exc:
            return FileResult(item.name, FAILED, reason=f"database refused the article: {exc}")
        return result

    def _save(self, item, result):
        path, parsed, checksum, key = item.path, item.parsed, item.checksum, item.key
        options = self.options
        existing = self.existing.get(key)
        if existing is not None:
            result.slug, result.url = existing.slug, existing.get_absolute_url()
            if existing.import_checksum == checksum:
                result.action = UNCHANGED
                if not options.dry_run and (options.tags or options.campaign):
                    self._apply_options(existing)
                    index_object(existing)
                return
            edited = existing.imported_fingerprint != article_fingerprint(existing)
            if edited and not options.force:
                result.action = CONFLICT
                result.reason = (
                    f"“{existing.title}” was edited since its import; use --force to overwrite"
                )
                return
            result.action = UPDATED
        if options.dry_run:
            result.suggested_programmes = [
                f"{e.name} ({len(e.items)})" for e in self._enumerations(parsed)
            ]
            return

        article = existing or Article(import_key=key, status=options.status)
        article.title = parsed.title
        article.published_at = parsed.published_at
        article.published_time_known = parsed.published_time_known
        article.source = parsed.source
        article.dateline = parsed.dateline
        article.closing_slogan = parsed.closing_slogan
        article.import_checksum = checksum
        article.source_file = "<stdin>" if path == STDIN else Path(path).name[:255]
        sections = self._sections(parsed)
        article.imported_fingerprint = content_fingerprint(
            parsed.title,
            parsed.published_at,
            parsed.published_time_known,
            parsed.source,
            parsed.closing_slogan,
            parsed.dateline,
            [(s.district_id or "", s.district_label, s.heading, s.body) for s in sections],
            [(b.kind, b.role, b.name) for b in parsed.bylines],
        )
        if existing is None:
            article.save()
            self._write_body(
                article, sections, parsed.bylines, replace=False, defer=self.deferred
            )
        else:
            # An update replaces text editors may know: keep it as a version
            # they can compare with and restore from.
            with reversion.create_revision():
                reversion.set_comment(f"导入更新：{article.source_file}")
                article.save()
                self._write_body(article, sections, parsed.bylines, replace=True)
        # A later file in this batch with the same identity updates this article.
        self.existing[key] = article
        self._apply_options(article)
        if options.suggest_programmes:
            result.suggested_programmes = self._suggest_programmes(article, parsed)
        # What the index reads is in memory already: hand it over.
        parts = ArticleParts(
            sections=[
                (s.district_label, s.heading, list(p.paragraphs))
                for s, p in zip(sections, parsed.sections, strict=True)
            ],
            byline_names=[b.name for b in parsed.bylines],
            districts=list({s.district_id: s.district for s in sections if s.district}.values()),
            tags=list(article.tags.all()) if existing is not None or options.tags else [],
        )
        if existing is None and self.deferred:
            self.pending["created"].append((article, parts))  # indexed with the batch
        else:
            index_object(article, new=existing is None, parts=parts)
        result.slug, result.url = article.slug, article.get_absolute_url()

    def _apply_options(self, article):
        if self.options.campaign is not None and article.campaign_id != self.options.campaign.pk:
            article.campaign = self.options.campaign
            Article.objects.filter(pk=article.pk).update(campaign=self.options.campaign)
        if self.options.tags:
            article.tags.add(*self.options.tags)

    def _sections(self, parsed):
        """Unsaved section rows for the parsed body, districts resolved."""
        rows = []
        for position, section in enumerate(parsed.sections):
            row = ArticleSection(
                position=position,
                district=self.districts.get(normalize_district_label(section.district_label)),
                district_label=section.district_label,
                heading=section.heading,
                body=html_from_paragraphs(section.paragraphs),
            )
            rows.append(row)
        return rows

    def _write_body(self, article, sections, bylines, replace, defer=False):
        """Write the body rows, or with `defer` queue them for the batch's flush."""
        if replace:
            ArticleSection.objects.filter(article=article).delete()
            Byline.objects.filter(article=article).delete()
            Article.districts.through.objects.filter(article=article).delete()
        for section in sections:
            section.article = article
        byline_rows = [
            Byline(article=article, position=i, kind=b.kind, role=b.role, name=b.name)
            for i, b in enumerate(bylines)
        ]
        district_ids = dict.fromkeys(s.district_id for s in sections if s.district_id)
        links = [Article.districts.through(article=article, district_id=pk) for pk in district_ids]
        if defer:
            self.pending["sections"] += sections
            self.pending["bylines"] += byline_rows
            self.pending["links"] += links
            return byline_rows
        ArticleSection.objects.bulk_create(sections)
        Byline.objects.bulk_create(byline_rows)
        Article.districts.through.objects.bulk_create(links)
        return byline_rows

    def _enumerations(self, parsed):
        return [
            enumeration
            for section in parsed.sections
            for enumeration in find_enumerations(section.paragraphs, section.heading)
        ]

    def _suggest_programmes(self, article, parsed):
        """Create draft programmes for enumerated slogans, in their district's
        section, for an editor to review. Returns one line per finding."""
        campaign = self.options.campaign or article.campaign
        notes = []
        for section in parsed.sections:
            district = self.districts.get(normalize_district_label(section.district_label))
            for enumeration in find_enumerations(section.paragraphs, section.heading):
                label = f"{enumeration.name} ({len(enumeration.items)})"
                if campaign is None or district is None:
                    notes.append(f"{label}: not created (needs a campaign and a district section)")
                    continue
                programme, created = Programme.objects.get_or_create(
                    campaign=campaign,
                    district=district,
                    name=enumeration.name,
                    defaults={
                        "headline": section.heading or enumeration.name,
                        "status": Status.DRAFT,
                    },
                )
                if created:
                    ProgrammeItem.objects.bulk_create(
                        ProgrammeItem(programme=programme, position=i, title=title)
                        for i, title in enumerate(enumeration.items)
                    )
                    index_object(programme)
                    notes.append(f"{label}: draft programme created for {district.name}")
                else:
                    notes.append(f"{label}: already exists for {district.name}")
                article.programmes.add(programme)
        return notes


def read_source(path):
    """Read a file (or standard input) whole, refusing one over the size limit."""
    limit = settings.IMPORT_MAX_BYTES
    if path == STDIN:
        data = sys.stdin.buffer.read(limit + 1)
    else:
        data = _read_regular_file(path, limit + 1)
    if len(data) > limit:
        raise ArticleFormatError(f"file larger than the {limit}-byte limit")
    return data


_NOT_REGULAR = [
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
]


def _refuse_unless_regular(mode):
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _NOT_REGULAR if test(mode)), "a special file")
    raise ArticleFormatError(
        f"not a regular file but {kind}; "
        "only regular files, folders and - (standard input) can be imported"
    )


def _read_regular_file(path, size):
    """Read at most `size` bytes of a regular file. Anything else is refused
    before it is opened: opening a FIFO waits for a writer forever, and
    opening a device can act on it."""
    _refuse_unless_regular(os.stat(path).st_mode)
    # The path may be swapped for a FIFO between the stat and the open: a
    # non-blocking open cannot wait for a writer, and fstat checks what was
    # actually opened. Reads of a regular file ignore O_NONBLOCK.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    with open(os.open(path, flags), "rb") as handle:
        _refuse_unless_regular(os.fstat(handle.fileno()).st_mode)
        return handle.read(size)


def import_file(path, **options):
    """Import one file; a convenience for callers outside the command."""
    return Importer(ImportOptions(**options)).import_one(path)
