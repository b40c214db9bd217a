"""Give articles back: in the import layout (text) or as JSON for other systems.

The text form is what `import_articles` reads, so exporting and importing into
an empty database gives the same content.
"""

from django.utils import timezone

from articles.models import Byline

FIELD_SEPARATOR = "   "


def _local(value):
    return timezone.localtime(value) if value is not None else None


def format_published_at(article):
    when = _local(article.published_at)
    if when is None:
        return ""
    return when.strftime("%Y-%m-%d %H:%M:%S" if article.published_time_known else "%Y-%m-%d")


def _names(bylines):
    """记者 李婷婷 孙钥: a role word is written once, before the names it covers."""
    words, role = [], None
    for byline in bylines:
        if byline.role != role:
            role = byline.role
            if role:
                words.append(role)
        words.append(byline.name)
    return " ".join(words)


_FIELD_LABELS = {
    Byline.Kind.AUTHOR: "作者",
    Byline.Kind.CORRESPONDENT: "作者",
    Byline.Kind.EDITOR: "编辑",
    Byline.Kind.RESPONSIBLE_EDITOR: "责任编辑",
    Byline.Kind.PHOTOGRAPHER: "摄影",
}


def footer_line(article):
    """来源, then the bylines in their stored order, a field per run of one kind."""
    fields = [f"来源:{article.source}"] if article.source else []
    runs = []
    for byline in article.bylines.all():
        label = _FIELD_LABELS[byline.kind]
        if runs and runs[-1][0] == label:
            runs[-1][1].append(byline)
        else:
            runs.append((label, [byline]))
    fields += [f"{label}:{_names(bylines)}" for label, bylines in runs]
    return FIELD_SEPARATOR.join(fields)


def article_to_text(article):
    """The article in the import layout (no final newline, as in the seed).
    A headline's other parts are labelled (引题:, 副题:) so they read back as
    such whatever they look like."""
    lines = [f"引题:{article.kicker}"] if article.kicker else []
    lines.append(article.title)
    if article.subtitle:
        lines.append(f"副题:{article.subtitle}")
    published = format_published_at(article)
    if published:
        lines.append(f"发布时间:{published}")
    for section in article.sections.all():
        if section.district_label or section.heading:
            lines.append("")
        if section.district_label:
            lines += [section.district_label, ""]
        if section.heading:
            lines.append(section.heading)
        for paragraph in section.paragraphs:
            lines += ["", paragraph]
    footer = footer_line(article)
    if footer:
        lines += ["", footer]
    if article.closing_slogan:
        lines += ([] if footer else [""]) + article.closing_slogan.split("\n")
    return "\n".join(lines)


def article_to_dict(article):
    """The stable JSON shape other systems rely on (see README, "Export")."""
    sections = list(article.sections.all())
    bylines = list(article.bylines.all())
    when = _local(article.published_at)
    return {
        "kicker": article.kicker,
        "title": article.title,
        "subtitle": article.subtitle,
        "slug": article.slug,
        "url": article.get_absolute_url(),
        "published_at": when.isoformat() if when else None,
        "published_time_known": article.published_time_known,
        "source": article.source,
        "dateline": article.dateline,
        "authors": [
            b.name for b in bylines if b.kind in (Byline.Kind.AUTHOR, Byline.Kind.CORRESPONDENT)
        ],
        "bylines": [{"kind": b.kind, "role": b.role, "name": b.name} for b in bylines],
        "editor": " ".join(b.name for b in bylines if b.kind == Byline.Kind.EDITOR),
        "photographers": [b.name for b in bylines if b.kind == Byline.Kind.PHOTOGRAPHER],
        "paragraphs": [p for s in sections for p in s.paragraphs],
        "headings": [s.heading for s in sections if s.heading],
        "districts": [d.name for d in article.districts.all()],
        "tags": sorted(t.name for t in article.tags.all()),
        "slogan": article.closing_slogan,
        "status": article.status,
    }
