"""Save parsed article files to the database, safely and repeatably.

Each file is one transaction: it is written whole or not at all. An article is
found again by a stable key (source + title + published time), so importing a
file twice leaves one article, and an unchanged file writes nothing.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from districts.models import District, normalize_district_label

from .models import Article, ArticleSection, Byline, Status
from .parsing import ArticleFormatError, decode_article_bytes, parse_article

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"


@dataclass
class FileResult:
    path: Path
    action: str
    article: Article | None = None
    line: int = 0
    reason: str = ""

    def describe(self):
        if self.action == FAILED:
            return f"{self.path}:{self.line}: {self.reason}"
        return f"{self.action}: {self.path} -> {self.article.title}"


@dataclass
class ImportReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, action):
        return sum(1 for r in self.results if r.action == action)

    @property
    def failed(self):
        return [r for r in self.results if r.action == FAILED]

    def summary(self):
        return ", ".join(
            f"{action} {self.count(action)}" for action in (CREATED, UPDATED, UNCHANGED, FAILED)
        )


def district_index():
    """Map every normalised district name and alias to its district."""
    index = {}
    for district in District.objects.prefetch_related("aliases"):
        index[normalize_district_label(district.name)] = district
        for alias in district.aliases.all():
            index[normalize_district_label(alias.name)] = district
    return index


def article_import_key(parsed):
    identity = "\n".join([parsed.source, parsed.title, parsed.published_at.isoformat()])
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def collect_paths(paths):
    """Expand folders into the *.txt files below them, in a stable order."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.txt") if p.is_file())
        else:
            yield path


def import_paths(paths, *, status=Status.DRAFT, dry_run=False, campaign=None):
    report = ImportReport()
    districts = district_index()
    for path in collect_paths(paths):
        report.results.append(
            import_file(path, districts, status=status, dry_run=dry_run, campaign=campaign)
        )
    return report


def import_file(path, districts, *, status=Status.DRAFT, dry_run=False, campaign=None):
    path = Path(path)
    try:
        data = _read_limited(path)
        parsed = parse_article(
            decode_article_bytes(data),
            district_labels=frozenset(districts),
            normalize=normalize_district_label,
        )
    except ArticleFormatError as exc:
        return FileResult(path, FAILED, line=exc.line, reason=exc.reason)
    except OSError as exc:
        return FileResult(path, FAILED, reason=exc.strerror or str(exc))

    checksum = hashlib.sha256(data).hexdigest()
    key = article_import_key(parsed)
    existing = Article.objects.filter(import_key=key).first()
    if existing and existing.import_checksum == checksum:
        return FileResult(path, UNCHANGED, existing)
    action = UPDATED if existing else CREATED
    if dry_run:
        return FileResult(path, action, existing or Article(title=parsed.title))

    with transaction.atomic():
        article = existing or Article(import_key=key, status=status)
        article.title = parsed.title
        article.published_at = parsed.published_at
        article.published_time_known = parsed.published_time_known
        article.source = parsed.source
        article.closing_slogan = parsed.closing_slogan
        article.import_checksum = checksum
        article.source_file = path.name
        if campaign is not None:
            article.campaign = campaign
        article.save()
        _replace_body(article, parsed, districts)
    return FileResult(path, action, article)


def _read_limited(path):
    limit = settings.IMPORT_MAX_BYTES
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ArticleFormatError(f"file larger than the {limit}-byte limit")
    return data


def _replace_body(article, parsed, districts):
    article.sections.all().delete()
    article.bylines.all().delete()
    linked = []
    sections = []
    for position, section in enumerate(parsed.sections):
        district = districts.get(normalize_district_label(section.district_label))
        if district and district not in linked:
            linked.append(district)
        sections.append(
            ArticleSection(
                article=article,
                position=position,
                district=district,
                district_label=section.district_label,
                heading=section.heading,
                body="\n\n".join(section.paragraphs),
            )
        )
    ArticleSection.objects.bulk_create(sections)
    Byline.objects.bulk_create(
        Byline(article=article, position=i, kind=b.kind, role=b.role, name=b.name)
        for i, b in enumerate(parsed.bylines)
    )
    article.districts.set(linked)
