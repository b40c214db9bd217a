"""Turn an article text file, laid out like the Hangzhou Daily seed, into data.

The layout: an optional nav line (返 回), the title, a 发布时间 line, paragraphs
and headings separated by blank lines, a 来源/作者/编辑 footer, then optional
slogan lines. Real files vary (encodings, widths, date forms, missing fields);
this module accepts the variants and refuses what it cannot read faithfully.

Parsing is pure (no database) so it can be tested and used for dry runs;
`articles.importing` saves the result.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Characters that pad and separate fields besides the ordinary space.
BLANKS = " \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"
_BLANK_RUN = f"[{BLANKS}]"
_NAV_LINE = re.compile(rf"^返{_BLANK_RUN}*回$")
_COLON = "[:：]"
_DATE_LINE = re.compile(
    rf"^(?:发布时间|发布日期|时间){_BLANK_RUN}*{_COLON}{_BLANK_RUN}*(?P<value>.+)$"
)
_TIME = r"(?:[T\s]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?"
_DATE_FORMS = [
    re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$"),
    re.compile(rf"^(\d{{4}})/(\d{{1,2}})/(\d{{1,2}}){_TIME}$"),
    re.compile(rf"^(\d{{4}})\.(\d{{1,2}})\.(\d{{1,2}}){_TIME}$"),
    re.compile(rf"^(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日{_TIME}$"),
]

# Footer labels and the byline kind each gives; 记者/通讯员 used as labels are
# also the role of the names after them.
FOOTER_LABELS = {
    "来源": "source",
    "作者": "author",
    "记者": "author",
    "见习记者": "author",
    "通讯员": "correspondent",
    "责任编辑": "responsible_editor",
    "编辑": "editor",
}
_FOOTER_FIELD = re.compile(
    rf"(?<![\u4e00-\u9fff])(责任编辑|见习记者|来源|作者|通讯员|编辑|记者){_BLANK_RUN}*{_COLON}"
)
ROLE_WORDS = ("见习记者", "特约记者", "首席记者", "记者", "通讯员", "实习生")
_ROLE_KIND = {"通讯员": "correspondent"}
_NAME_SEPARATORS = re.compile(rf"[{BLANKS}、,，;；/]+")
MAX_FOOTER_VALUE = 40

# A dateline opens the first paragraph: 杭州日报讯, 本报讯（记者 张三）, 新华社杭州3月10日电.
_DATELINE = re.compile(
    r"^(?P<dateline>"
    r"(?:本报|[\u4e00-\u9fff]{1,10}(?:日报|晚报|早报|报|新闻网|新闻|社|网|台))讯"
    r"|(?:新华社|中新社|中新网)[\u4e00-\u9fff]{0,8}\d{1,2}月\d{1,2}日电"
    r")(?:[(（][^()（）]{1,40}[)）])?"
)

# A heading is short and does not end like a sentence.
_SENTENCE_END = tuple("。！？!?；;…：:，,、")
MAX_HEADING_LENGTH = 40
MAX_TITLE_LENGTH = 200
MAX_SLOGAN_LINES = 3
MAX_SLOGAN_LENGTH = 30

# A picture of a Word file (importing.word) stands in the text as a line of its
# own, made of private-use characters: a text file cannot carry them
# (decode_article_bytes refuses them), so no text can pose as a photo.
_PHOTO_LINE = re.compile("^\ue000photo (\\d{1,6})\ue000$")


def photo_line(number):
    """The line that stands for photo `number` in a Word file's text."""
    return f"\ue000photo {int(number)}\ue000"


def photo_number(line):
    """The photo number of a photo line, None for any other line."""
    match = _PHOTO_LINE.match(line)
    return int(match.group(1)) if match else None


def is_date_line(line):
    return bool(_DATE_LINE.match(line))


def is_sentence_end(line):
    """Whether `line` ends like body prose (a sentence or a clause)."""
    return line.endswith(_SENTENCE_END)


class ArticleFormatError(ValueError):
    """The file cannot be read as an article; `line` is 1-based (0: whole file)."""

    def __init__(self, reason, line=0):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _line_number():
    """A 1-based line number (0: unknown) kept for error messages; it takes no
    part in comparing parsed data."""
    return field(default=0, compare=False, repr=False)


@dataclass
class ParsedByline:
    kind: str
    name: str
    role: str = ""
    line: int = _line_number()


@dataclass
class ParsedSection:
    heading: str = ""
    district_label: str = ""
    paragraphs: list[str] = field(default_factory=list)
    line: int = _line_number()  # of the heading or district line, else the first paragraph
    paragraph_lines: list[int] = field(default_factory=list, compare=False, repr=False)
    # Word files only: (index, photo number), the photo standing before
    # paragraphs[index] (index == len(paragraphs): after the last one). Kept
    # apart so that whatever reads paragraphs reads text only.
    photos: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class ParsedArticle:
    title: str
    published_at: dt.datetime | None
    published_time_known: bool
    source: str = ""
    bylines: list[ParsedByline] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    closing_slogan: str = ""
    dateline: str = ""
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
    # Where each single-line field came from: "title", "source", "dateline",
    # "closing_slogan" -> line number.
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def paragraphs(self):
        return [p for section in self.sections for p in section.paragraphs]


def decode_article_bytes(data):
    """Decode a file's bytes and normalise line endings; return (text, encoding).

    UTF-8 (with or without BOM) first, then GB18030, which covers GBK and
    GB2312. Bytes that are neither are refused rather than stored as mojibake.
    """
    if b"\x00" in data:
        raise ArticleFormatError("binary content (NUL bytes), not a text file")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text, encoding = data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise ArticleFormatError(
                "undecodable bytes: neither UTF-8 nor GB18030", line=line
            ) from utf8_error
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    refuse_control_characters(text)
    return text, encoding


# C0/C1 controls other than tab and form feeds, surrogates and private-use
# code points: they mean binary data or a wrong encoding, never article text.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff]"
)


def refuse_control_characters(text):
    """Refuse text with characters no article has (see _FORBIDDEN); the
    error names the line."""
    if match := _FORBIDDEN.search(text):
        char = match.group(0)
        raise ArticleFormatError(
            f"control or private-use character U+{ord(char):04X}: "
            "binary content or a wrong encoding",
            line=text.count("\n", 0, match.start()) + 1,
        )


def parse_published_at(value, line):
    """Parse a 发布时间 value into an aware Asia/Shanghai datetime.

    Returns (datetime, time_known): a date without a time is kept at midnight
    but flagged, so pages never show an invented 00:00.
    """
    value = value.strip(BLANKS)
    for pattern in _DATE_FORMS:
        match = pattern.match(value)
        if not match:
            continue
        year, month, day, hour, minute, second = match.groups()
        time_known = hour is not None
        try:
            naive = dt.datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
            )
        except ValueError as exc:
            raise ArticleFormatError(f"impossible date {value!r} ({exc})", line=line) from exc
        return naive.replace(tzinfo=SHANGHAI), time_known
    raise ArticleFormatError(f"unrecognised date {value!r}", line=line)


def split_fields(line):
    """Split `来源:杭州日报 作者:记者 李婷婷` into [(label, value), ...].

    Returns None unless the whole line is fields (nothing before the first
    label) and every value is short, so a body sentence such as an interview's
    `记者：你们是怎么做的？` is not mistaken for a footer.
    """
    matches = list(_FOOTER_FIELD.finditer(line))
    if not matches or line[: matches[0].start()].strip(BLANKS):
        return None
    fields = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        value = line[match.end() : end].strip(BLANKS)
        if len(value) > MAX_FOOTER_VALUE or value.endswith(_SENTENCE_END):
            return None
        fields.append((match.group(1), value))
    return fields


def parse_footer_fields(fields):
    """Turn footer fields into (source, bylines), roles kept apart from names."""
    source, bylines, _ = _footer_values([(label, value, 0) for label, value in fields])
    return source, bylines


def _footer_values(fields):
    """(source, bylines, source's line) from (label, value, line) triples."""
    source, source_line = "", 0
    bylines = []
    for label, value, line in fields:
        kind = FOOTER_LABELS[label]
        if kind == "source":
            source, source_line = value, line
            continue
        role = label if label in ROLE_WORDS else ""
        for token in _NAME_SEPARATORS.split(value):
            if not token:
                continue
            if token in ROLE_WORDS:
                role = token
                continue
            prefix = next(
                (w for w in ROLE_WORDS if token.startswith(w) and len(token) > len(w)), ""
            )
            if prefix:
                role, token = prefix, token[len(prefix) :]
            byline_kind = _ROLE_KIND.get(role, kind) if kind == "author" else kind
            bylines.append(ParsedByline(kind=byline_kind, name=token, role=role, line=line))
    return source, bylines, source_line


def parse_footer(line):
    """Parse one footer line; see parse_footer_fields."""
    return parse_footer_fields(split_fields(line) or [])


def _is_heading(line):
    return (
        len(line) <= MAX_HEADING_LENGTH
        and not line.endswith(_SENTENCE_END)
        and photo_number(line) is None
    )


def _is_slogan(line):
    return (
        len(line) <= MAX_SLOGAN_LENGTH
        and not line.endswith(_SENTENCE_END)
        and photo_number(line) is None
    )


def _take_photos(content):
    """Split the photo lines off the front of `content`: (photo lines, rest)."""
    index = 0
    while index < len(content) and photo_number(content[index][1]) is not None:
        index += 1
    return content[:index], content[index:]


def parse_article(
    text, district_labels=frozenset(), normalize=lambda s: s, heading_lines=frozenset()
):
    """Parse article text. `district_labels` are the normalised names and aliases
    of known districts; a heading line equal to one starts that district's section.
    `heading_lines` are numbers of lines known to be headings whatever their
    length or last character (a Word file's heading styles).

    Photo lines (Word files) are carried as the body's own items; one above the
    title or between the title and the 发布时间 line opens the body.
    """
    lines = [(number, raw.strip(BLANKS)) for number, raw in enumerate(text.split("\n"), 1)]
    content = [(n, line) for n, line in lines if line]
    if not content:
        raise ArticleFormatError("empty file: no title, no body", line=1)

    leading_photos, content = _take_photos(content)
    if content and (_NAV_LINE.match(content[0][1]) or content[0][1] == "返回"):
        content = content[1:]
    if not content:
        raise ArticleFormatError("no title after the navigation line", line=lines[-1][0])

    title_line, title = content[0]
    if _DATE_LINE.match(title) or split_fields(title):
        raise ArticleFormatError("no title: the first line is a date or footer", line=title_line)
    if len(title) > MAX_TITLE_LENGTH:
        raise ArticleFormatError(
            f"title longer than {MAX_TITLE_LENGTH} characters: not an article title",
            line=title_line,
        )
    more_photos, rest = _take_photos(content[1:])
    leading_photos += more_photos

    article = ParsedArticle(title=title, published_at=None, published_time_known=False)
    article.field_lines["title"] = title_line
    head_fields = []
    body_starts = title_line + 1
    if rest and (match := _DATE_LINE.match(rest[0][1])):
        date_line = rest[0][0]
        value = match.group("value")
        # Government sites often put 来源 on the date line: 发布时间:… 来源:….
        if inline := _FOOTER_FIELD.search(value):
            head_fields = [
                (label, text, date_line)
                for label, text in split_fields(value[inline.start() :]) or []
            ]
            value = value[: inline.start()]
        article.published_at, article.published_time_known = parse_published_at(value, date_line)
        rest = rest[1:]
        body_starts = date_line + 1
    else:
        article.warnings.append("no 发布时间 line: imported without a publication time")

    rest = leading_photos + rest
    rest, footer_fields, slogans = _split_footer(rest)
    article.source, article.bylines, source_line = _footer_values(head_fields + footer_fields)
    article.field_lines["source"] = source_line
    article.closing_slogan = "\n".join(line for _, line in slogans)
    article.field_lines["closing_slogan"] = slogans[0][0] if slogans else 0

    article.sections = _split_sections(rest, district_labels, normalize, heading_lines)
    if not any(section.paragraphs or section.photos for section in article.sections):
        raise ArticleFormatError("no body paragraphs", line=rest[0][0] if rest else body_starts)

    first = article.sections[0]
    if first.paragraphs and (match := _DATELINE.match(first.paragraphs[0])):
        article.dateline = match.group(0)
        article.field_lines["dateline"] = first.paragraph_lines[0]
    return article


def _split_footer(body):
    """Find the footer block at the end: footer lines, then at most a few slogan
    lines. Returns (body without footer, footer fields as (label, value, line
    number), slogan lines as (line number, text)). Photos below the footer
    (Word files) end the body."""
    index = len(body)
    while index > 0 and photo_number(body[index - 1][1]) is not None:
        index -= 1
    trailing_photos, body = body[index:], body[:index]
    slogans = []
    while index > 0 and len(slogans) < MAX_SLOGAN_LINES:
        line = body[index - 1][1]
        if split_fields(line) or not _is_slogan(line):
            break
        slogans.insert(0, body[index - 1])
        index -= 1
    footer_start = index
    while footer_start > 0 and split_fields(body[footer_start - 1][1]):
        footer_start -= 1
    if footer_start == index:
        # No footer: what looked like slogans are the body's last lines.
        return body + trailing_photos, [], []
    fields = [
        (label, value, number)
        for number, line in body[footer_start:index]
        for label, value in split_fields(line)
    ]
    return body[:footer_start] + trailing_photos, fields, slogans


def _split_sections(body, district_labels, normalize, heading_lines=frozenset()):
    """Group body lines into sections. Heading lines that follow one another
    (blank lines between them) form one heading, as in the seed's
    以“八学八新”推动 / 党史学习教育走深走实."""
    sections = [ParsedSection()]
    previous_was_heading = False
    for number, line in body:
        if (photo := photo_number(line)) is not None:
            current = sections[-1]
            current.photos.append((len(current.paragraphs), photo))
            current.line = current.line or number
            previous_was_heading = False
            continue
        if normalize(line) in district_labels:
            sections.append(ParsedSection(district_label=line, line=number))
            previous_was_heading = True
            continue
        if number in heading_lines or _is_heading(line):
            current = sections[-1]
            if previous_was_heading and not current.paragraphs:
                current.heading += line
            else:
                sections.append(ParsedSection(heading=line, line=number))
            previous_was_heading = True
            continue
        current = sections[-1]
        current.paragraphs.append(line)
        current.paragraph_lines.append(number)
        current.line = current.line or number
        previous_was_heading = False
    return [s for s in sections if s.heading or s.district_label or s.paragraphs or s.photos]
