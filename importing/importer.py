"""Import parsed article files into the database, safely and repeatably.

- Each file is written whole or not at all (a savepoint per file).
- A file imported twice gives one article (see fingerprints); a byte-identical
  file is "unchanged" and writes nothing.
- An article an editor has changed since its import is not overwritten: it is
  a "conflict" unless `force` is set (see decisions).
- Files are read one at a time, so memory stays flat however many there are;
  only regular files are read (see files).
- Every parsed value is checked against its column before anything is written
  (see field_limits).
- A Word file (.docx) is read as the same text (see word), and its photos go
  into the image library with its article, in the same savepoint; the files
  of photos whose article fails are deleted again (see photos).
"""

import errno
import hashlib
from dataclasses import dataclass

from django.db import DatabaseError, transaction

from articles.models import Article
from audit.log import collected, write_collected
from districts.models import District, normalize_district_label
from proofreading.checker import Proofreader
from proofreading.texts import (
    CLOSING_SLOGAN,
    TITLE,
    SectionText,
    district_place,
    heading_place,
    labelled_texts,
    paragraph_place,
)
from search.indexing import signals_paused

from .decisions import decide
from .field_limits import check_field_lengths
from .files import display_name, read_source
from .fingerprints import article_import_key, may_be_the_same
from .parser import ArticleFormatError, ParseWarning, decode_article_bytes, parse_article
from .photos import PhotoStorageError, PhotoStore, check_photos, describe
from .programmes import preview_programmes
from .report import (
    CONFLICT,
    CREATED,
    FAILED,
    UNCHANGED,
    FileResult,
    ImportOptions,
    ImportReport,
)
from .word import is_word_path, read_word
from .writing import ArticleWriter

# Files per transaction: one commit per file is what makes SQLite slow, and a
# savepoint per file still keeps each file all-or-nothing.
BATCH_SIZE = 200
BATCH_BYTES = 8 * 1024 * 1024


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
    photos: dict | None = None  # a Word file's checked photos, by number


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


class Importer:
    def __init__(self, options=None, keep_results=False):
        self.options = options or ImportOptions()
        self.districts = district_index()
        self.labels = frozenset(self.districts)
        self.keep_results = keep_results
        self.writer = ArticleWriter(self.options, self.districts)
        self.photo_store = PhotoStore(self.districts)
        # The word list, loaded once for the run (proofreading.checker).
        self.proofreader = Proofreader.load()
        self.existing = {}
        self.uncertain = {}
        self.deferred = False
        self.audit_entries = []  # of the batch's saved files, written with it

    def run(self, paths, progress=None):
        """Import every file under `paths`; `progress` is called once per file."""
        report = ImportReport(results=[] if self.keep_results else None)
        try:
            if self.options.strict:
                with self.photo_store.undo_on_failure(), transaction.atomic():
                    self._run_batches(paths, report, progress)
                self.photo_store.forget_if_committed()
            else:
                self._run_batches(paths, report, progress)
        except StrictStop:
            report.stopped_early = True
            report.rolled_back = not self.options.dry_run
        return report

    def import_one(self, path):
        batch = [self._read(path)]
        self._prepare(batch)
        results = self._write_batch(batch, ImportReport(), deferred=False)
        return results[0]

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
            self.writer.discard_pending()
            self.audit_entries = []
            self._lookup_existing(batch)
            results = self._write_batch(batch, report, deferred=False)
        for result in results:
            report.add(result)
            if progress:
                progress(result)

    def _write_batch(self, batch, report, deferred):
        self.deferred = deferred
        self.audit_entries = []
        results = []
        with self.photo_store.undo_on_failure(), transaction.atomic():
            for item in batch:
                result = item.result or self._write(item)
                results.append(result)
                if result.action == FAILED and self.options.strict:
                    for done in results:
                        report.add(done)
                    raise StrictStop
            self._flush()
        self.photo_store.forget_if_committed()
        return results

    def _flush(self):
        """Write what new articles of this batch still need, in bulk."""
        self.writer.flush()
        write_collected(self.audit_entries)
        self.audit_entries = []

    def _read(self, path):
        item = _Pending(path=path, name=display_name(path))
        try:
            item.data = read_source(path)
        except ArticleFormatError as exc:
            item.result = _failed(item.name, exc)
        except OSError as exc:
            item.result = FileResult(
                item.name, FAILED, reason=exc.strerror or str(exc), message=_os_error_message(exc)
            )
        else:
            item.checksum = hashlib.sha256(item.data).hexdigest()
        return item

    def _prepare(self, batch):
        """Settle unchanged files by checksum, parse the rest, find their articles."""
        pending = [item for item in batch if item.result is None]
        # Tags and a campaign are applied even to an unchanged file's article,
        # so then every file goes the whole way.
        if not self.options.tags and not self.options.campaign:
            self._settle_known_files(pending)
        for item in pending:
            if item.result is None:
                self._parse(item)
        self._lookup_existing(batch)
        for item in batch:
            item.data = b""  # parsed now; keep memory flat

    def _settle_known_files(self, pending):
        """Mark files byte-identical to an earlier import unchanged, in one query."""
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
                title, slug = known[item.checksum]
                url = Article(slug=slug).get_absolute_url()
                item.result = FileResult(item.name, UNCHANGED, title=title, slug=slug, url=url)

    def _lookup_existing(self, batch):
        keys = {item.key for item in batch if item.result is None and item.key}
        self.existing = {
            article.import_key: article
            for article in Article.objects.filter(import_key__in=keys).order_by()
        }
        self._lookup_uncertain([item for item in batch if item.key in keys - self.existing.keys()])

    def _lookup_uncertain(self, items):
        """Imported articles that files without an exact match may still be:
        same title, with the source or the 发布时间 missing on one side."""
        self.uncertain = {}
        titles = {item.parsed.title for item in items}
        if not titles:
            return
        candidates = (
            Article.objects.filter(title__in=titles, import_key__isnull=False)
            .only("pk", "title", "slug", "source", "published_at", "import_key")
            .order_by("pk")
        )
        for article in candidates:
            for item in items:
                if item.key not in self.uncertain and may_be_the_same(item.parsed, article):
                    self.uncertain[item.key] = article

    def _parse(self, item):
        try:
            if is_word_path(item.path):
                encoding = self._parse_word(item)
            else:
                text, encoding = decode_article_bytes(item.data)
                item.parsed = parse_article(text, self.labels, normalize_district_label)
            check_field_lengths(item.parsed)
        except ArticleFormatError as exc:
            item.result = _failed(item.name, exc)
            return
        item.key = article_import_key(item.parsed)
        if encoding != "utf-8":
            item.parsed.warnings.append(
                ParseWarning("encoding", f"文件不是 UTF-8，按 {encoding.upper()} 解码")
            )

    def _parse_word(self, item):
        word = read_word(item.data, self.labels, normalize_district_label)
        item.parsed = parse_article(
            word.text, self.labels, normalize_district_label, heading_lines=word.heading_lines
        )
        item.parsed.warnings += word.warnings
        item.photos = check_photos(word)
        return "utf-8"

    def _write(self, item):
        parsed = item.parsed
        result = FileResult(item.name, CREATED, title=parsed.title, warnings=list(parsed.warnings))
        result.preview = preview_of(parsed)
        result.warnings += proofreading_warnings(parsed, self.proofreader)
        # What the file adds to the batch's deferred rows and audit entries is
        # kept only if its own rows are saved: its savepoint may roll back.
        mark = self.writer.mark()
        try:
            with (
                collected() as audit,
                self.photo_store.undo_on_failure(),
                transaction.atomic(),
                signals_paused(),
            ):
                self._save(item, result)
            self.audit_entries += audit.entries
        except DatabaseError as exc:
            self.writer.rewind(mark)
            return FileResult(
                item.name,
                FAILED,
                reason=f"database refused the article: {exc}",
                message=f"数据库拒绝保存这篇稿件，文件没有导入（{exc}）",
            )
        except PhotoStorageError as exc:
            self.writer.rewind(mark)
            return FileResult(item.name, FAILED, reason=str(exc), message=exc.message)
        return result

    def _save(self, item, result):
        """Decide what the file needs, then do it and record it in `result`."""
        existing = self.existing.get(item.key)
        if existing is None and (twin := self.uncertain.get(item.key)) is not None:
            # Never guessed: a missing date or source could hide another article.
            result.action = CONFLICT
            result.reason, result.message = _uncertain_reason(item.parsed, twin)
            _link(result, twin)
            return
        decision = decide(item.checksum, existing, self.options.force)
        result.action, result.reason = decision.action, decision.reason
        result.message = decision.message
        if decision.article is not None:
            _link(result, decision.article)
        if decision.action == UNCHANGED:
            self.writer.refresh_unchanged(decision.article)
        elif decision.action == CONFLICT:
            return  # the article keeps the editor's text
        elif self.options.dry_run:
            result.suggested_programmes = preview_programmes(item.parsed)
            result.photos = [describe(photo) for _, photo in sorted((item.photos or {}).items())]
        else:
            self._store(item, decision.article, result)

    def _store(self, item, existing, result):
        figures = {}
        if item.photos:
            figures, result.photos = self.photo_store.store(item.parsed, item.photos)
        article, result.suggested_programmes = self.writer.write(
            item, existing, self.deferred, figures
        )
        # A later file in this batch with the same identity updates this article.
        self.existing[item.key] = article
        _link(result, article)


def _failed(name, exc):
    """The failed result of a file the importer refused (ArticleFormatError)."""
    return FileResult(name, FAILED, line=exc.line, reason=exc.reason, message=exc.message)


# Chinese for the errors reading a file is likely to meet; others are named
# by the system's (English) text.
_OS_ERRORS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取这个文件的权限",
    errno.EPERM: "没有读取这个文件的权限",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ELOOP: "符号链接循环",
    errno.EIO: "磁盘读取出错",
}


def _os_error_message(exc):
    known = _OS_ERRORS.get(exc.errno)
    return f"无法读取文件：{known or exc.strerror or exc}"


def _uncertain_reason(parsed, article):
    """(English reason, Chinese message) of a conflict with an article that may
    or may not be the file's: a date or source is missing on one side."""
    missing = [
        name
        for name, here, there in (
            ("发布时间", parsed.published_at, article.published_at),
            ("来源", parsed.source, article.source),
        )
        if not here or not there
    ]
    file_lacks = not parsed.published_at or not parsed.source
    side = "the file" if file_lacks else "the article"
    reason = (
        f"“{article.title}” has the same title but {side} has no {'/'.join(missing)}: "
        "cannot tell whether it is the same article, so nothing was imported "
        "(--force does not apply; give the file its date and source)"
    )
    message = (
        f"已有同标题的稿件“{article.title}”，但{'文件' if file_lacks else '稿件'}缺少"
        f"{'和'.join(missing)}，无法确定是不是同一篇，这个文件没有导入"
        "（--force 也不适用）：请补全文件的来源和发布时间"
    )
    return reason, message


def preview_of(parsed):
    """What the admin's import page shows of a parsed file (importing.admin_views),
    in JSON types, so --json can print it."""
    return {
        "kicker": getattr(parsed, "kicker", ""),
        "subtitle": getattr(parsed, "subtitle", ""),
        "published_at": parsed.published_at.isoformat() if parsed.published_at else None,
        "time_known": parsed.published_time_known,
        "source": parsed.source,
        "bylines": [[b.kind, b.role, b.name] for b in parsed.bylines],
        "paragraphs": len(parsed.paragraphs),
        "districts": [s.district_label for s in parsed.sections if s.district_label],
    }


def proofreading_warnings(parsed, proofreader):
    """The word list's hits in a parsed file, one warning each, with the line
    of the file and the place in the article (正文第2节第3段) they are in."""
    lines = {
        TITLE: parsed.field_lines.get("title", 0),
        CLOSING_SLOGAN: parsed.field_lines.get("closing_slogan", 0),
    }
    for number, section in enumerate(parsed.sections, 1):
        lines[district_place(number)] = lines[heading_place(number)] = section.line
        for n, line in enumerate(section.paragraph_lines, 1):
            lines[paragraph_place(number, n)] = line
    texts = labelled_texts(
        title=parsed.title,
        closing_slogan=parsed.closing_slogan,
        sections=[
            SectionText(
                district_label=section.district_label,
                heading=section.heading,
                paragraphs=section.paragraphs,
            )
            for section in parsed.sections
        ],
    )
    warnings = []
    for hit in proofreader.check(texts, on=parsed.published_at):
        line = lines.get(hit.label, 0)
        warnings.append(
            ParseWarning("proofreading", f"校对：{hit.describe()} {hit.explanation}", line)
        )
    return warnings


def _link(result, article):
    result.slug, result.url = article.slug, article.get_absolute_url()


def import_file(path, **options):
    """Import one file; a convenience for callers outside the command."""
    return Importer(ImportOptions(**options)).import_one(path)
