"""Write an imported file's article to the database once the import has decided
to create or update it: the article's fields, its body rows, a version on
update, the run's options, suggested programmes, and the search index entry.

New articles of a batch can defer their body rows and index entries to one
bulk write per batch (`flush`).

A Word file's photos are in the library by now; a section body refers to each
where it stood (`<figure data-image="42"></figure>`, core.richtext), and the
links from sections to the pictures they show are written with the sections.
"""

from dataclasses import dataclass, field
from pathlib import Path

import reversion

from articles.models import Article, ArticleSection, Byline, link_body_images
from core.richtext import figure_html, html_from_paragraphs
from districts.models import normalize_district_label
from search.indexing import index_new_objects, index_object
from search.kinds import ArticleParts

from .files import STDIN, STDIN_NAME
from .fingerprints import imported_fingerprint
from .programmes import suggest_programmes

SOURCE_FILE_LENGTH = Article._meta.get_field("source_file").max_length


@dataclass
class BodyRows:
    """Unsaved section, byline and district-link rows of one or more articles."""

    sections: list = field(default_factory=list)
    bylines: list = field(default_factory=list)
    links: list = field(default_factory=list)

    @classmethod
    def of(cls, article, sections, bylines):
        """The rows of `article`, given its unsaved sections and parsed bylines."""
        for section in sections:
            section.article = article
        district_ids = dict.fromkeys(s.district_id for s in sections if s.district_id)
        return cls(
            sections=sections,
            bylines=[
                Byline(article=article, position=i, kind=b.kind, role=b.role, name=b.name)
                for i, b in enumerate(bylines)
            ],
            links=[
                Article.districts.through(article=article, district_id=pk) for pk in district_ids
            ],
        )

    def add(self, other):
        self.sections += other.sections
        self.bylines += other.bylines
        self.links += other.links

    def insert(self):
        ArticleSection.objects.bulk_create(self.sections)
        # bulk_create skips ArticleSection.save(), which records the pictures.
        if showing := [s for s in self.sections if "<figure" in s.body]:
            link_body_images(showing)
        Byline.objects.bulk_create(self.bylines)
        Article.districts.through.objects.bulk_create(self.links)


def delete_body_rows(article):
    ArticleSection.objects.filter(article=article).delete()
    Byline.objects.filter(article=article).delete()
    Article.districts.through.objects.filter(article=article).delete()


class ArticleWriter:
    """Writes files to articles under one run's options. `districts` maps
    normalised district labels to districts."""

    def __init__(self, options, districts):
        self.options = options
        self.districts = districts
        self.discard_pending()

    def write(self, item, existing, defer, figures=None):
        """Create the article of a parsed file (`existing` is None) or update
        `existing` from it, then apply the run's options, suggest programmes and
        index it. With `defer`, a new article's body rows and index entry wait
        for `flush`. `item` is a read and parsed file (path, parsed, checksum,
        key); `figures` maps its photo numbers to library image ids. Returns
        the article and the programme notes."""
        new = existing is None
        article = Article(import_key=item.key, status=self.options.status) if new else existing
        sections = self._fill(article, item, figures or {})
        if new:
            self._save_new(article, sections, item.parsed.bylines, defer)
        else:
            self._save_update(article, sections, item.parsed.bylines)
        self.apply_options(article)
        notes = self._suggest_programmes(article, item.parsed)
        self._index(article, item.parsed, sections, new=new, defer=defer)
        return article, notes

    def refresh_unchanged(self, article):
        """An unchanged file's article still gets this run's tags and campaign."""
        if self.options.dry_run or not (self.options.tags or self.options.campaign):
            return
        self.apply_options(article)
        index_object(article)

    def apply_options(self, article):
        campaign = self.options.campaign
        if campaign is not None and article.campaign_id != campaign.pk:
            article.campaign = campaign
            # save() would also bump edit_version and updated_at.
            Article.objects.filter(pk=article.pk).update(campaign=campaign)
        if self.options.tags:
            article.tags.add(*self.options.tags)

    def flush(self):
        """Write the deferred body rows and index entries of new articles."""
        self.pending_rows.insert()
        index_new_objects(self.pending_index)
        self.discard_pending()

    def discard_pending(self):
        self.pending_rows = BodyRows()
        self.pending_index = []

    def mark(self):
        """How far the deferred rows go now; `rewind(mark)` drops what was
        deferred after it (the rows of a file whose savepoint rolled back)."""
        rows = self.pending_rows
        return len(rows.sections), len(rows.bylines), len(rows.links), len(self.pending_index)

    def rewind(self, mark):
        sections, bylines, links, index = mark
        del self.pending_rows.sections[sections:]
        del self.pending_rows.bylines[bylines:]
        del self.pending_rows.links[links:]
        del self.pending_index[index:]

    def _fill(self, article, item, figures):
        """Set the article's fields from the file; returns its unsaved section rows."""
        parsed = item.parsed
        article.kicker = getattr(parsed, "kicker", "")
        article.title = parsed.title
        article.subtitle = getattr(parsed, "subtitle", "")
        article.imported_visits = getattr(parsed, "visits", None)
        article.published_at = parsed.published_at
        article.published_time_known = parsed.published_time_known
        article.source = parsed.source
        article.dateline = parsed.dateline
        article.closing_slogan = parsed.closing_slogan
        article.import_checksum = item.checksum
        article.source_file = (
            STDIN_NAME if item.path == STDIN else Path(item.path).name[:SOURCE_FILE_LENGTH]
        )
        sections = self._section_rows(parsed, figures)
        article.imported_fingerprint = imported_fingerprint(parsed, sections)
        return sections

    def _section_rows(self, parsed, figures):
        """Unsaved section rows for the parsed body, districts resolved."""
        return [
            ArticleSection(
                position=position,
                district=self.districts.get(normalize_district_label(section.district_label)),
                district_label=section.district_label,
                heading=section.heading,
                body=section_body(section, figures),
            )
            for position, section in enumerate(parsed.sections)
        ]

    def _save_new(self, article, sections, bylines, defer):
        article.save()
        rows = BodyRows.of(article, sections, bylines)
        if defer:
            self.pending_rows.add(rows)
        else:
            rows.insert()

    def _save_update(self, article, sections, bylines):
        # An update replaces text editors may know: keep it as a version they
        # can compare with and restore from.
        with reversion.create_revision():
            reversion.set_comment(f"导入更新：{article.source_file}")
            article.save()
            delete_body_rows(article)
            BodyRows.of(article, sections, bylines).insert()

    def _suggest_programmes(self, article, parsed):
        if not self.options.suggest_programmes:
            return []
        campaign = self.options.campaign or article.campaign
        return suggest_programmes(article, parsed, campaign, self.districts)

    def _index(self, article, parsed, sections, new, defer):
        # What the index reads is in memory already: hand it over.
        # A new article has no tags but the ones this run added.
        read_tags = not new or bool(self.options.tags)
        parts = article_parts(article, parsed, sections, read_tags, new)
        if new and defer:
            self.pending_index.append((article, parts))  # indexed with the batch
        else:
            index_object(article, new=new, parts=parts)


def section_body(section, figures):
    """A parsed section's body HTML: its paragraphs, and each photo's figure
    reference where it stood (`figures`: photo number -> image id)."""
    if not section.photos:
        return html_from_paragraphs(section.paragraphs)
    before = {}
    for index, number in section.photos:
        before.setdefault(index, []).append(number)
    parts = []
    for index in range(len(section.paragraphs) + 1):
        parts += [figure_html(figures[n]) for n in before.get(index, ()) if n in figures]
        if index < len(section.paragraphs):
            parts.append(html_from_paragraphs([section.paragraphs[index]]))
    return "".join(parts)


def article_parts(article, parsed, sections, read_tags, new=False):
    """What the search index reads of an article besides its own fields, from
    the parsed file and its section rows; tags are read only if `read_tags`.
    A new article has no attachments yet (an editor adds them later): not
    asking saves a query per file."""
    return ArticleParts(
        attachments=[] if new else None,
        sections=[
            (s.district_label, s.heading, list(p.paragraphs))
            for s, p in zip(sections, parsed.sections, strict=True)
        ],
        byline_names=[b.name for b in parsed.bylines],
        districts=list({s.district_id: s.district for s in sections if s.district}.values()),
        tags=list(article.tags.all()) if read_tags else [],
    )
