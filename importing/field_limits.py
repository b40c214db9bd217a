"""Check parsed values against their columns' max_length before anything is
written, so SQLite never keeps what PostgreSQL would refuse."""

from articles.models import Article, ArticleSection, Byline

from .parser import ArticleFormatError

ARTICLE_FIELDS = ("title", "source", "dateline", "closing_slogan")
SECTION_FIELDS = ("heading", "district_label")
BYLINE_FIELDS = ("kind", "role", "name")


def check_field_lengths(parsed):
    """Refuse a parsed article with a value longer than its column: SQLite
    would store it whole, PostgreSQL would refuse it (or, in a batch, make the
    whole batch be retried file by file)."""
    for model, name, value, line in _parsed_values(parsed):
        column = model._meta.get_field(name)
        if column.max_length is not None and len(value) > column.max_length:
            raise ArticleFormatError(
                f"{model.__name__}.{name} “{column.verbose_name}” is {len(value)} characters "
                f"long, more than its limit of {column.max_length}",
                line=line,
                message=f"“{column.verbose_name}”有 {len(value)} 个字，超过 "
                f"{column.max_length} 个字的上限，请删短后再导入",
            )


def _parsed_values(parsed):
    """(model, field name, value, line) for every parsed value that has a column."""
    lines = parsed.field_lines
    for name in ARTICLE_FIELDS:
        yield Article, name, getattr(parsed, name), lines.get(name, 0)
    for section in parsed.sections:
        for name in SECTION_FIELDS:
            yield ArticleSection, name, getattr(section, name), section.line
    for byline in parsed.bylines:
        for name in BYLINE_FIELDS:
            yield Byline, name, getattr(byline, name), byline.line
