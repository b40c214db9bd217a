"""Turn an article text file, laid out like the Hangzhou Daily seed, into data.

The layout: an optional nav line (返 回), the title, a 发布时间 line, paragraphs
and headings separated by blank lines, a 来源/作者/编辑 footer line, then
optional slogan lines. Parsing is pure (no database) so it can be tested and
used for dry runs; `articles.importing` saves the result.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Characters that pad and separate fields besides the ordinary space.
_BLANKS = " \t\u00a0\u3000"
_NAV_LINE = re.compile(r"^返\s*回$")
_DATE_LINE = re.compile(r"^(?:发布时间|发布日期|时间)\s*[:：]\s*(?P<value>.+)$")
_DATE_FORMS = [
    (re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$"), True),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(\d{1,2}):(\d{2})(?::(\d{2}))?$"), True),
    (re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$"), False),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"), False),
]
_FOOTER_LABELS = {
    "来源": "source",
    "作者": "author",
    "记者": "author",
    "通讯员": "correspondent",
    "责任编辑": "responsible_editor",
    "编辑": "editor",
}
_FOOTER_FIELD = re.compile(r"(责任编辑|来源|作者|通讯员|编辑|记者)\s*[:：]")
ROLE_WORDS = ("见习记者", "特约记者", "记者", "通讯员")
_NAME_SEPARATORS = re.compile(r"[\s\u00a0\u3000、,，]+")
# A heading is short and does not end like a sentence.
_SENTENCE_END = tuple("。！？!?；;…：:，,")
MAX_HEADING_LENGTH = 40


class ArticleFormatError(ValueError):
    """The file cannot be read as an article; `line` is 1-based (0: whole file)."""

    def __init__(self, reason, line=0):
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass
class ParsedByline:
    kind: str
    name: str
    role: str = ""


@dataclass
class ParsedSection:
    heading: str = ""
    district_label: str = ""
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class ParsedArticle:
    title: str
    published_at: dt.datetime
    published_time_known: bool
    source: str = ""
    bylines: list[ParsedByline] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    closing_slogan: str = ""

    @property
    def paragraphs(self):
        return [p for section in self.sections for p in section.paragraphs]

    @property
    def district_labels(self):
        return [s.district_label for s in self.sections if s.district_label]


def decode_article_bytes(data):
    """Decode a file's bytes as UTF-8 (BOM or not) and normalise line endings."""
    if b"\x00" in data:
        raise ArticleFormatError("binary content (NUL bytes), not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleFormatError("not valid UTF-8 text", line=line) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_published_at(value, line):
    """Parse a 发布时间 value into an aware Asia/Shanghai datetime.

    Returns (datetime, time_known): a date without a time is kept at midnight
    but flagged, so pages never show an invented 00:00.
    """
    value = value.strip(_BLANKS)
    for pattern, has_time in _DATE_FORMS:
        match = pattern.match(value)
        if not match:
            continue
        parts = [int(p) if p else 0 for p in match.groups()]
        try:
            naive = dt.datetime(*parts[:3]) if not has_time else dt.datetime(*parts)
        except ValueError as exc:
            raise ArticleFormatError(f"impossible date {value!r}: {exc}", line=line) from exc
        return naive.replace(tzinfo=SHANGHAI), has_time
    raise ArticleFormatError(f"unrecognised date {value!r}", line=line)


def parse_footer(line):
    """Split a footer line into (source, bylines).

    `来源:杭州日报   作者:记者 李婷婷 孙钥 孟娇   编辑:高婷婷` gives source 杭州日报,
    three authors with role 记者 and one editor.
    """
    source = ""
    bylines = []
    matches = list(_FOOTER_FIELD.finditer(line))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        label = match.group(1)
        value = line[match.end() : end].strip(_BLANKS)
        kind = _FOOTER_LABELS[label]
        if kind == "source":
            source = value
            continue
        role = label if label in ROLE_WORDS else ""
        for token in _NAME_SEPARATORS.split(value):
            if not token:
                continue
            if token in ROLE_WORDS:
                role = token
                continue
            bylines.append(ParsedByline(kind=kind, name=token, role=role))
    return source, bylines


def _is_footer(line):
    return line.startswith(("来源", "作者", "编辑", "责任编辑")) and bool(_FOOTER_FIELD.match(line))


def _is_heading(line):
    return len(line) <= MAX_HEADING_LENGTH and not line.endswith(_SENTENCE_END)


def parse_article(text, district_labels=frozenset(), normalize=lambda s: s):
    """Parse article text. `district_labels` are the normalised names and aliases
    of known districts; a heading line equal to one starts that district's section.
    """
    lines = [(number, raw.strip(_BLANKS)) for number, raw in enumerate(text.split("\n"), 1)]
    content = [(n, line) for n, line in lines if line]
    if not content:
        raise ArticleFormatError("empty file: no title, no body", line=1)

    if _NAV_LINE.match(content[0][1]):
        content = content[1:]
    if not content:
        raise ArticleFormatError("no title after the navigation line", line=lines[-1][0])

    title_line, title = content[0]
    if _DATE_LINE.match(title) or _is_footer(title):
        raise ArticleFormatError("no title: the first line is a date or footer", line=title_line)
    rest = content[1:]

    published_at, time_known, date_line = None, False, title_line
    if rest and (match := _DATE_LINE.match(rest[0][1])):
        date_line = rest[0][0]
        published_at, time_known = parse_published_at(match.group("value"), date_line)
        rest = rest[1:]
    if published_at is None:
        raise ArticleFormatError("no 发布时间 line after the title", line=title_line + 1)

    footer_index = next((i for i, (_, line) in enumerate(rest) if _is_footer(line)), None)
    source, bylines, slogan_lines = "", [], []
    if footer_index is not None:
        source, bylines = parse_footer(rest[footer_index][1])
        slogan_lines = [line for _, line in rest[footer_index + 1 :]]
        rest = rest[:footer_index]

    sections = _split_sections(rest, district_labels, normalize)
    if not any(section.paragraphs for section in sections):
        raise ArticleFormatError("no body paragraphs", line=date_line + 1)

    return ParsedArticle(
        title=title,
        published_at=published_at,
        published_time_known=time_known,
        source=source,
        bylines=bylines,
        sections=sections,
        closing_slogan="\n".join(slogan_lines),
    )


def _split_sections(body, district_labels, normalize):
    """Group body lines into sections. Heading lines that follow one another
    (blank lines between them) form one heading, as in the seed's
    以“八学八新”推动 / 党史学习教育走深走实."""
    sections = [ParsedSection()]
    previous_was_heading = False
    for _, line in body:
        if normalize(line) in district_labels:
            sections.append(ParsedSection(district_label=line))
            previous_was_heading = True
            continue
        if _is_heading(line):
            current = sections[-1]
            if previous_was_heading and not current.paragraphs:
                current.heading += line
            else:
                sections.append(ParsedSection(heading=line))
            previous_was_heading = True
            continue
        sections[-1].paragraphs.append(line)
        previous_was_heading = False
    return [s for s in sections if s.heading or s.district_label or s.paragraphs]
