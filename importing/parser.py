"""Turn an article text file into data: the seed's layout and real pages.

The seed's layout (content/2021/articles/000_*.txt): an optional nav line
(返 回), the title, a 发布时间 line, paragraphs and headings separated by blank
lines, a 来源/作者/编辑 footer, then optional slogan lines. Real files are a
reader's copy of a page (tests/import/real_layouts): site chrome around the
article, metadata in many shapes and places, captions and credits in the body.
`importing.layout` says what each line is; this module decides where the
headline, the metadata and the body are:

- The title is the line just above the first metadata line (date, 来源 …),
  unless that line is a bare column name and a headline stands below the
  metadata, or nothing but chrome stands above it (时间/来源 printed above the
  title, archive headers). Without metadata it is the first line, or, when the
  file opens with chrome, the last headline-like line before the body.
- A three-line headline (no blank lines between, below the metadata) is
  kicker, title, subtitle; a line starting with —— under the title, or 副题:,
  is the subtitle; 引题: above it the kicker.
- Bylines, affiliations, repeats of the headline and further metadata lines
  under the headline belong to the head, not the body.
- The footer is read at the very end only; the body stops at 返回.
- Headings: short lines that do not end like prose. Two heading lines in a row
  form one heading (以“八学八新”推动 / 党史学习教育走深走实) unless the first is a
  label (a known district, an organisation or place, 人民日报社:) or the
  second starts with numbering (第一章, 一、): a label starts a section of its
  own and is never glued to the heading under it.

Everything dropped or guessed is reported as a ParseWarning (in Chinese).
Parsing is pure (no database) so it can be tested and used for dry runs;
`articles.importing` saves the result.
"""

import re
from dataclasses import dataclass, field

from . import layout
from .layout import BLANKS, LABELS, SENTENCE_END, SHANGHAI, DateError

__all__ = ["BLANKS", "SHANGHAI"]  # re-exported: callers import them from here

_BLANK_RUN = f"[{BLANKS}]"
_BLANK_RUNS = re.compile(f"{_BLANK_RUN}+")
_NAV_LINE = re.compile(rf"^返{_BLANK_RUN}*回$")
_COLON = "[:：]"
_DATE_LINE = re.compile(
    rf"^(?:发布时间|发布日期|时间){_BLANK_RUN}*{_COLON}{_BLANK_RUN}*(?P<value>.+)$"
)

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
ROLE_WORDS = layout.ROLE_WORDS
_ROLE_KIND = {"通讯员": "correspondent", "通訊員": "correspondent"}
MAX_FOOTER_VALUE = 40

# A dateline opens the first paragraph: 杭州日报讯, 本报讯（记者 张三）,
# 新华社杭州3月10日电, 湖北日报消息, 浙江在线10月05日讯.
_DATELINE = re.compile(
    r"^(?P<dateline>"
    r"(?:本报|[\u4e00-\u9fff]{1,10}(?:[-·][\u4e00-\u9fff]{1,10})?(?:日报|晚报|早报|报|新闻网|新闻|社|网|台|在线))"
    r"(?:\d{1,2}月\d{1,2}日)?(?:讯|消息)"
    r"|(?:新华社|新華社|中新社|中新网|中新網)[\u4e00-\u9fff]{0,8}\d{1,2}月\d{1,2}日[电電]"
    r")(?:[(（](?P<credit>[^()（）]{1,40})[)）])?"
)

# (福州日报记者 欧阳进权 文/摄): the names wrote the text and took the pictures.
_TEXT_AND_PICTURES = re.compile(
    rf"{_BLANK_RUN}*(?:文{_BLANK_RUN}*[/／]{_BLANK_RUN}*)?(?P<pictures>[摄攝图圖])$"
)
# …区位优势。(记者 晓亮): a credit closing a paragraph.
_CLOSING_CREDIT = re.compile(
    rf"[(（](?P<credit>(?:{'|'.join(layout.ROLE_WORDS)}){_BLANK_RUN}*[^()（）]{{2,30}})[)）]$"
)

# A heading is short and does not end like a sentence.
_SENTENCE_END = SENTENCE_END
MAX_HEADING_LENGTH = 80
MAX_TITLE_LENGTH = 200
MAX_SLOGAN_LINES = 3
MAX_SLOGAN_LENGTH = 30
# How far from the top the headline and metadata are looked for.
HEAD_SCAN = 120
# A column name (国内新闻) rather than a headline above the metadata.
MAX_COLUMN_NAME = 5
# Longest line kept as a caption when it stands before the dateline.
MAX_LOOSE_CAPTION = 30

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
    """A labelled publication date line, or a line opening with a date that
    holds nothing but metadata."""
    if _DATE_LINE.match(line):
        return True
    meta = layout.read_meta(line)
    return meta is not None and meta.date is not None


def is_sentence_end(line):
    """Whether `line` ends like body prose (a sentence or a clause)."""
    return line.endswith(_SENTENCE_END)


class ArticleFormatError(ValueError):
    """The file cannot be read as an article; `line` is 1-based (0: whole file).

    `reason` is English and stable: the command prints it and operators'
    scripts match it. `message` says the same in Chinese for the admin's
    import page (falls back to `reason` for a caller that gives none)."""

    def __init__(self, reason, line=0, message=""):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.message = message or reason


def human_size(size):
    """A byte count as people read it in a message: 800 字节, 12.5 KB, 5 MB."""
    if size < 1024:
        return f"{size} 字节"
    for unit, scale in (("KB", 1024), ("MB", 1024**2), ("GB", 1024**3)):
        shown = round(size / scale, 1)
        if shown < 1024 or unit == "GB":
            return f"{shown:.1f}".removesuffix(".0") + f" {unit}"


@dataclass(frozen=True)
class ParseWarning:
    """What the importer guessed or dropped in a file. `code` is stable (for
    programs), `message` is Chinese (for people), `line` 1-based (0: the file)."""

    code: str
    message: str
    line: int = 0

    def __str__(self):
        return self.message

    def describe(self):
        """The warning with its line, as the command prints it."""
        return f"line {self.line}: {self.message}" if self.line else self.message

    def as_dict(self):
        return {"code": self.code, "message": self.message, "line": self.line}


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
    published_at: object  # datetime.datetime | None
    published_time_known: bool
    source: str = ""
    bylines: list[ParsedByline] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)
    closing_slogan: str = ""
    dateline: str = ""
    encoding: str = "utf-8"
    warnings: list[ParseWarning] = field(default_factory=list)
    # The headline's other parts: 引题 above the title, 副题 below it.
    kicker: str = ""
    subtitle: str = ""
    # The page's visit counter (点击数, 浏览次数) when it shows one.
    visits: int | None = None
    # Where each single-line field came from: "title", "source", "dateline",
    # "closing_slogan" (and "kicker", "subtitle" when set) -> line number.
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
        raise ArticleFormatError(
            "binary content (NUL bytes), not a text file",
            message="文件含有二进制内容（NUL 字节），不是文本文件",
        )
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text, encoding = data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise ArticleFormatError(
                "undecodable bytes: neither UTF-8 nor GB18030",
                line=line,
                message="文件编码无法识别：既不是 UTF-8 也不是 GB18030（GBK），请另存为 UTF-8 再导入",
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
            message=f"含有控制字符或私用区字符 U+{ord(char):04X}：文件含二进制内容或编码不对",
        )


# The Chinese for the "no title" error both places that find a date or footer
# where the headline should be.
_NO_TITLE_ABOVE_META = "没有找到标题：第一行是日期或来源、作者等文末信息，标题应写在发布时间行之上"

# datetime's ValueError texts (see layout.date_from_match), by what they are about.
_DATE_PARTS = (
    ("day", "日期不存在"),
    ("month", "月份不存在"),
    ("hour", "时间不存在"),
    ("minute", "时间不存在"),
    ("second", "时间不存在"),
    ("year", "年份超出范围"),
)


def _impossible_date_message(value, exc):
    """无法识别的日期“2021-02-30”：日期不存在 — the part that cannot be, in Chinese."""
    detail = next((text for word, text in _DATE_PARTS if word in str(exc)), "日期不存在")
    return f"无法识别的日期“{value}”：{detail}"


def parse_published_at(value, line):
    """Parse a 发布时间 value into an aware Asia/Shanghai datetime.

    Returns (datetime, time_known): a date without a time is kept at midnight
    but flagged, so pages never show an invented 00:00. Text after the date
    (星期五, 浏览次数:97) is not part of it and does not make it unreadable.
    """
    value = value.strip(BLANKS)
    match = layout.find_date(value)
    if not match or value[: match.start()].strip(BLANKS + "(（"):
        raise ArticleFormatError(
            f"unrecognised date {value!r}", line=line, message=f"无法识别的日期“{value}”"
        )
    try:
        return layout.date_from_match(match)
    except DateError as exc:
        raise ArticleFormatError(
            f"impossible date {value!r} ({exc})",
            line=line,
            message=_impossible_date_message(value, exc),
        ) from exc


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
    source, bylines, _ = _field_values([(label, value, 0) for label, value in fields])
    return source, bylines


def _field_values(fields):
    """(source, bylines, source's line) from (label, value, line) triples; the
    last 来源 with a value wins, as a footer corrects the head."""
    source, source_line = None, 0
    bylines = []
    for label, value, line in fields:
        what, kind = LABELS.get(label, ("ignored", None))
        if what == "source":
            if value or source is None:
                source, source_line = value, line
        elif what == "byline":
            bylines += _bylines(label, kind, value, line)
    return source or "", bylines, source_line


def _bylines(label, kind, value, line):
    role = label if label in ROLE_WORDS else ""
    bylines = []
    for own_role, name in layout.split_names(value):
        if not name:
            continue
        role_here = own_role or role
        byline_kind = _ROLE_KIND.get(role_here, kind) if kind == "author" else kind
        bylines.append(ParsedByline(kind=byline_kind, name=name, role=role_here, line=line))
    return bylines


def parse_footer(line):
    """Parse one footer line; see parse_footer_fields."""
    return parse_footer_fields(split_fields(line) or [])


@dataclass
class _Line:
    number: int
    text: str
    gap: bool  # a blank line stands just above it


def _lines(text):
    lines, gap = [], False
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip(BLANKS)
        if not line:
            gap = True
            continue
        lines.append(_Line(number, line, gap))
        gap = False
    return lines


def _is_slogan(line):
    return (
        len(line) <= MAX_SLOGAN_LENGTH
        and not line.endswith(_SENTENCE_END)
        and photo_number(line) is None
    )


def _take_photos(content):
    """Split the photo lines off the front of `content`: (photo lines, rest)."""
    index = 0
    while index < len(content) and photo_number(content[index].text) is not None:
        index += 1
    return content[:index], content[index:]


def _is_prose(line):
    """Body text for sure: a long line, or a sentence of some length."""
    if len(line) > 120:
        return True
    return len(line) >= 26 and (layout.ends_like_prose(line) or "。" in line[:-1])


def _is_heading_text(line):
    return (
        len(line) <= MAX_HEADING_LENGTH
        and not layout.ends_like_prose(line)
        and "。" not in line
        and photo_number(line) is None
    )


def _squeezed(line):
    return _BLANK_RUNS.sub("", line)


class _Notes:
    """The warnings of one file; dropped chrome is summed up in one."""

    def __init__(self):
        self.warnings = []
        self.chrome = []

    def add(self, code, message, line=0):
        self.warnings.append(ParseWarning(code, message, line))

    def dropped(self, item):
        self.chrome.append(item.number)

    def finish(self):
        if self.chrome:
            shown = "、".join(str(n) for n in self.chrome[:12])
            more = " 等" if len(self.chrome) > 12 else ""
            self.add(
                "chrome_dropped",
                f"略去 {len(self.chrome)} 行网页杂项（菜单、导航、按钮、计数等）：第 {shown}{more} 行",
                self.chrome[0],
            )
        return self.warnings


@dataclass
class _Head:
    title: int = -1
    kicker: str = ""
    subtitle: str = ""
    kicker_line: int = 0
    subtitle_line: int = 0
    end: int = 0  # index of the first body line
    metas: list = field(default_factory=list)  # (line number, layout.Meta)
    bylines: list = field(default_factory=list)  # (role, name, line number)
    photos: list = field(default_factory=list)
    title_guessed: str = ""
    title_text: str = ""  # a title broken over lines, joined


_HEADLINE_LABEL = re.compile(
    rf"^(?P<label>引题|副题){_BLANK_RUN}*{_COLON}{_BLANK_RUN}*(?P<value>.*)$"
)


def _head_kind(line):
    """What a line near the top is: photo, headline (引题:/副题:), chrome, link,
    meta, caption, prose or short (a headline candidate)."""
    if photo_number(line) is not None:
        return "photo", None
    if _HEADLINE_LABEL.match(line):
        return "headline", None
    meta = layout.read_meta(line)
    if meta is not None and meta.says_something and _tells(meta):
        return "meta", meta
    if layout.chrome_reason(line):
        return "chrome", None
    if layout.is_link_label(line):
        return "link", None
    if meta is not None and meta.says_something:
        return "meta", meta
    if layout.is_caption(line):
        return "caption", None
    if _is_prose(line):
        return "prose", None
    return "short", None


def _tells(meta):
    """Whether a metadata line says something about the article (a date, its
    source, its people), rather than only fields the article has no use for."""
    return bool(meta.date or meta.pending_label or meta.site) or any(
        LABELS[label][0] not in ("ignored",) for label, _ in meta.fields
    )


def _read_head(items, notes):
    """Find the headline and the metadata at the top of `items`."""
    scan = min(len(items), HEAD_SCAN)
    kinds, metas = [], {}
    prose_seen = None
    for index in range(scan):
        kind, meta = _head_kind(items[index].text)
        kinds.append(kind)
        if meta is not None:
            metas[index] = meta
        if kind == "prose" and prose_seen is None:
            prose_seen = index
        if prose_seen is not None and index >= prose_seen + 3:
            # The head is above the text: a few lines past its start are enough.
            scan = index + 1
            break
    for index in range(scan - 1):
        # A headline may end like a sentence (…多图直击现场!): right above a
        # date line it is the headline all the same.
        if (
            kinds[index] == "prose"
            and len(items[index].text) <= 60
            and kinds[index + 1] == "meta"
            and metas[index + 1].date is not None
        ):
            kinds[index] = "short"
    first_prose = next((i for i, k in enumerate(kinds) if k == "prose"), scan)

    def has_body_after(index):
        rest = kinds[index + 1 :]
        return any(k not in ("meta", "chrome") for k in rest) or scan < len(items)

    # The first metadata line before the body: a date always counts, other
    # fields only when something follows them (else they are a footer).
    meta_at = next(
        (
            i
            for i in range(first_prose)
            if kinds[i] == "meta" and (metas[i].date or metas[i].pending_label or has_body_after(i))
        ),
        -1,
    )
    head = _Head()
    if meta_at >= 0:
        block_end = meta_at
        while block_end + 1 < scan and kinds[block_end + 1] in ("meta", "chrome"):
            block_end += 1
        above = _title_above(items, kinds, meta_at)
        below = _title_below(items, kinds, block_end + 1)
        # A government table's 名称 names the document: the line under the
        # table that repeats it is the title, whatever stands above the table.
        named = {
            value
            for index in range(meta_at, block_end + 1)
            if index in metas
            for label, value in metas[index].fields
            if label in ("名称", "标题") and value
        }
        if below >= 0 and items[below].text in named:
            above = -1
        # A column name above the metadata (国内新闻 / 时间:… / 来源:… / headline):
        # the headline then follows the metadata directly, the text right under it.
        short_above = (
            above >= 0
            and len(items[above].text) <= MAX_COLUMN_NAME
            and not any(c in items[above].text for c in "。！？!?")
            and below >= 0
            and not items[below].gap
            and below + 1 < scan
            and kinds[below + 1] == "prose"
            and len(items[below].text) > len(items[above].text)
        )
        if above >= 0 and not (short_above and below >= 0):
            head.title = above
            _headline_around(items, kinds, head, above, below=False)
            head.end = max(block_end + 1, head.title + 1)
        elif below >= 0:
            head.title = below
            if above >= 0:
                head.title_guessed = (
                    f"标题取自元数据下方第 {items[below].number} 行；"
                    f"上方的“{items[above].text}”看作栏目名"
                )
            _headline_around(items, kinds, head, below, below=True)
        else:
            line = items[meta_at].number
            raise ArticleFormatError(
                "no title: the first line is a date or footer",
                line=line,
                message=_NO_TITLE_ABOVE_META,
            )
        pending = _take_metas(items, kinds, metas, meta_at, block_end + 1, head)
        if head.end != block_end + 1:
            pending = ""  # the headline stands between the metadata and the body
        head.end = max(head.end, block_end + 1)
    else:
        if kinds and kinds[0] in ("short", "prose", "caption"):
            head.title = 0
        else:
            candidates = [
                i
                for i in range(min(first_prose, scan))
                if kinds[i] == "short"
                and not layout.ends_like_prose(items[i].text)
                and not layout.is_role_byline(items[i].text)
            ]
            # A bare name right under a headline line is its byline (刘祺).
            candidates = [
                i
                for i in candidates
                if not (i - 1 in candidates and layout.is_person_name(items[i].text))
            ]
            candidates = _without_link_blocks(items, kinds, candidates, first_prose)
            if not candidates:
                raise ArticleFormatError(
                    "no title: nothing before the body reads as a headline",
                    line=items[0].number,
                    message="没有找到标题：正文之前没有一行像标题",
                )
            # The headline is the last short line before the text; without
            # text that says where it begins, the first one.
            head.title = candidates[-1] if first_prose < scan else candidates[0]
            head.title_guessed = (
                f"没有发布时间行：标题取第 {items[head.title].number} 行（页面杂项之后的短行）"
            )
        _headline_around(items, kinds, head, head.title, below=True)
        pending = ""
    _finish_head(items, kinds, metas, head, notes, pending)
    return head


def _title_above(items, kinds, meta_at):
    """The headline line nearest above the metadata, -1 when only chrome is there."""
    for index in range(meta_at - 1, -1, -1):
        kind, text = kinds[index], items[index].text
        if kind in ("chrome", "meta", "photo"):
            continue
        if kind == "headline" or text.startswith("——"):
            continue  # a subtitle or a labelled kicker: the title is above it
        if kind in ("short", "prose", "caption") and len(text) <= MAX_TITLE_LENGTH:
            return index
        return -1
    return -1


def _title_below(items, kinds, start):
    """The headline line under the metadata: a short line before the body."""
    for index in range(start, len(kinds)):
        kind = kinds[index]
        if kind in ("chrome", "photo", "meta", "headline"):
            continue
        text = items[index].text
        if kind == "short" and not layout.ends_like_prose(text) and not layout.is_role_byline(text):
            return index
        return -1
    return -1


def _without_link_blocks(items, kinds, candidates, end):
    """Drop candidates inside a link block (点击查看…: and the titles under it)."""
    blocked, inside = set(), False
    for index in range(end):
        if kinds[index] == "link":
            inside = True
        elif inside:
            blocked.add(index)
    return [i for i in candidates if i not in blocked]


# The kind of document that ends an official document's title (公文的文种).
_DOCUMENT_KINDS = tuple(
    [
        "通知",
        "通告",
        "公告",
        "意见",
        "决定",
        "办法",
        "规定",
        "方案",
        "通报",
        "批复",
        "报告",
        "细则",
        "规则",
        "决议",
        "纲要",
        "规划",
        "函",
    ]
)


def _document_title_lines(items, kinds, title):
    """How many lines below `title` continue it: an official document's title
    set over several lines (…办公室 / 关于规范… / 有关事项的通知), joined it
    names what it is about (关于) and ends with the kind of document."""
    text = items[title].text
    if text.endswith(_DOCUMENT_KINDS):
        return 0
    for extra in (1, 2):
        index = title + extra
        if index >= len(kinds) or items[index].gap or kinds[index] != "short":
            return 0
        text += items[index].text
        if text.endswith(_DOCUMENT_KINDS) and "关于" in text and len(text) <= MAX_TITLE_LENGTH:
            return extra
    return 0


def _headline_around(items, kinds, head, title, below):
    """Kicker and subtitle around the title; head.end after the headline."""
    if extra := _document_title_lines(items, kinds, title):
        head.title_text = "".join(item.text for item in items[title : title + extra + 1])
        head.end = max(head.end, title + extra + 1)
        return
    end = title + 1
    # 引题: above the title, 副题: or ——… below it (the exporter's forms).
    match = _HEADLINE_LABEL.match(items[title - 1].text) if title > 0 else None
    if match and match.group("label") == "引题":
        head.kicker, head.kicker_line = match.group("value"), items[title - 1].number
    if end < len(items) and not items[end].gap:
        text = items[end].text
        match = _HEADLINE_LABEL.match(text)
        if match and match.group("label") == "副题":
            head.subtitle, head.subtitle_line = match.group("value"), items[end].number
            end += 1
        elif text.startswith("——") and not layout.ends_like_prose(text):
            head.subtitle, head.subtitle_line = text, items[end].number
            end += 1
        elif below and not head.kicker and end + 1 < len(items) and end + 1 < len(kinds):
            # Three headline lines in a row: 引题, 主题, 副题.
            after = items[end + 1]
            if (
                kinds[end] == "short"
                and kinds[end + 1] == "short"
                and not after.gap
                and not layout.is_role_byline(text)
                and not layout.is_role_byline(after.text)
                and (
                    end + 2 >= len(kinds)
                    or kinds[end + 2] != "short"
                    or items[end + 2].gap
                    or layout.ends_like_prose(items[end + 2].text)
                )
            ):
                head.kicker, head.kicker_line = items[title].text, items[title].number
                head.title = end
                head.subtitle, head.subtitle_line = after.text, after.number
                end += 2
    if head.subtitle and not head.kicker and title > 0 and not items[title].gap:
        # Kicker, title and a ——subtitle set as one block above the date: the
        # short line right above the title is the 引题 (a lone line above a
        # title without a subtitle may as well be a column name, so not then).
        above, kind = items[title - 1].text, kinds[title - 1]
        if (
            kind == "short"
            and not layout.ends_like_prose(above)
            and not layout.is_role_byline(above)
            and not _HEADLINE_LABEL.match(above)
        ):
            head.kicker, head.kicker_line = above, items[title - 1].number
    head.end = max(head.end, end)


def _take_metas(items, kinds, metas, start, stop, head, pending=""):
    """Record the metadata lines in items[start:stop]; returns the label still
    waiting for its value (• 发布日期: with the date on the next line)."""
    for index in range(start, stop):
        if kinds[index] != "meta":
            pending = ""
            continue
        pending = _take_meta(items[index], metas[index], head, pending)
    return pending


def _take_meta(item, meta, head, pending):
    """Record one metadata line; a date alone under a waiting date label is its value."""
    if pending and LABELS[pending][0] == "date" and meta.date is not None and not meta.fields:
        meta.date_rank, meta.date_label, meta.site = LABELS[pending][1], pending, ""
    head.metas.append((item.number, meta))
    return meta.pending_label


def _finish_head(items, kinds, metas, head, notes, pending=""):
    """Take the head lines under the headline: more metadata, bylines,
    affiliations, repeats of the headline, chrome, link blocks."""
    title = head.title_text or items[head.title].text
    headline = {title, head.subtitle, head.kicker} - {""}
    index = head.end
    after_byline = link_block = False
    while index < len(items):
        item = items[index]
        text = item.text
        if index < len(kinds):
            kind, meta = kinds[index], metas.get(index)
        else:
            kind, meta = _head_kind(text)
        link_block = link_block and kind in ("short", "caption", "link")
        byline_here = False
        if kind == "photo":
            head.photos.append(item)
        elif kind == "meta":
            # Past the scanned lines kinds has no entry: the line was classified here.
            pending = _take_meta(item, meta, head, pending)
            byline_here = any(LABELS[label][0] == "byline" for label, _ in meta.fields)
            index += 1
            after_byline = byline_here
            continue
        elif pending and kind == "short" and not layout.unknown_label(text):
            # The value of a bulleted field (• 来源: / 镇巴县人民政府).
            if LABELS[pending][0] in ("source", "byline"):
                head.metas.append((item.number, layout.Meta(fields=[(pending, text)])))
        elif kind == "chrome":
            notes.dropped(item)
        elif kind == "link":
            link_block = True
            notes.add("related_dropped", f"略去链接栏“{text}”及其下的链接标题", item.number)
        elif link_block:
            pass
        elif text in headline or (len(text) >= 4 and title.startswith(text)):
            notes.add("repeat_dropped", f"略去重复的标题“{text}”", item.number)
        elif after_byline and layout.is_parenthesised(text) and len(text) <= 60:
            pass  # an affiliation under a byline
        elif kind == "short" and (names := layout.byline_names(text)) is not None:
            head.bylines += [(role, name, item.number) for role, name in names]
            byline_here = True
        else:
            break
        pending = ""
        after_byline = byline_here
        index += 1
    head.end = index


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
    items = _lines(text)
    if not items:
        raise ArticleFormatError(
            "empty file: no title, no body", line=1, message="文件是空的：没有标题，也没有正文"
        )
    leading_photos, items = _take_photos(items)
    if items and (_NAV_LINE.match(items[0].text) or items[0].text == "返回"):
        items = items[1:]
    if not items:
        raise ArticleFormatError(
            "no title after the navigation line",
            line=text.count("\n") + 1,
            message="导航行（返回）之后没有标题",
        )
    opens_with_fields = _DATE_LINE.match(items[0].text) or split_fields(items[0].text)
    if opens_with_fields and not any(_head_kind(i.text)[0] == "short" for i in items[1:HEAD_SCAN]):
        raise ArticleFormatError(
            "no title: the first line is a date or footer",
            line=items[0].number,
            message=_NO_TITLE_ABOVE_META,
        )

    notes = _Notes()
    head = _read_head(items, notes)
    title_item = items[head.title]
    if len(title_item.text) > MAX_TITLE_LENGTH:
        raise ArticleFormatError(
            f"title longer than {MAX_TITLE_LENGTH} characters: not an article title",
            line=title_item.number,
            message=f"标题超过 {MAX_TITLE_LENGTH} 个字，不像稿件标题：请检查第一行是不是正文",
        )
    article = ParsedArticle(
        title=head.title_text or title_item.text, published_at=None, published_time_known=False
    )
    article.kicker, article.subtitle = head.kicker, head.subtitle
    article.field_lines["title"] = title_item.number
    if head.kicker:
        article.field_lines["kicker"] = head.kicker_line
    if head.subtitle:
        article.field_lines["subtitle"] = head.subtitle_line
    if head.title_guessed:
        notes.add("title_guessed", head.title_guessed, title_item.number)
    for item in items[: head.title]:
        if layout.chrome_reason(item.text):
            notes.dropped(item)
        elif label := layout.unknown_label(item.text):
            notes.add("unknown_field", f"未知字段“{label}”，已略去", item.number)

    body = leading_photos + head.photos + items[head.end :]
    # Where the body should have started, for the error when there is none.
    body_starts = max([title_item.number] + [n for n, m in head.metas if m.date is not None]) + 1
    body, below = _cut_at_return(body)
    if below:
        notes.add(
            "footer_repeat_dropped",
            f"“返回”以下 {len(below)} 行是页面重复的内容，已略去",
            below[0].number,
        )
    body, footer_metas, slogans, dropped = _split_footer(body)
    for item in dropped:
        notes.dropped(item)

    metas = head.metas + footer_metas
    _set_date(article, metas, notes)
    fields = [(label, value, number) for number, meta in metas for label, value in meta.fields]
    reader = _BodyReader(article, district_labels, normalize, heading_lines, notes)
    article.sections = reader.read(body)
    fields += reader.fields
    article.source, bylines, source_line = _field_values(fields)
    article.field_lines["source"] = source_line
    if not any(layout.LABELS[label][0] == "source" for label, _, _ in fields):
        article.source, extra = _site_source(metas)
        bylines = extra + bylines
    head_bylines = [
        ParsedByline(kind=_ROLE_KIND.get(role, "author"), name=name, role=role, line=number)
        for role, name, number in head.bylines
    ]
    article.bylines = _unique_bylines(head_bylines + bylines + reader.photographers)
    article.visits = next((m.visits for _, m in metas if m.visits is not None), None)
    article.closing_slogan = "\n".join(item.text for item in slogans)
    article.field_lines["closing_slogan"] = slogans[0].number if slogans else 0

    if not any(section.paragraphs or section.photos for section in article.sections):
        raise ArticleFormatError(
            "no body paragraphs",
            line=body[0].number if body else body_starts,
            message="没有找到正文段落",
        )
    first = article.sections[0]
    if first.paragraphs and (match := _DATELINE.match(first.paragraphs[0])):
        article.dateline = match.group(0)
        article.field_lines["dateline"] = first.paragraph_lines[0]
        if credit := match.group("credit"):
            line = first.paragraph_lines[0]
            pictures = _TEXT_AND_PICTURES.search(credit)
            credit = credit[: pictures.start()] if pictures else credit
            named = {b.name for b in article.bylines}
            credited = [b for b in _bylines("", "author", credit, line) if b.role]
            extra = [b for b in credited if b.name not in named]
            if pictures:
                taken = {b.name for b in article.bylines if b.kind == "photographer"}
                extra += [
                    ParsedByline(kind="photographer", name=b.name, line=line)
                    for b in credited
                    if b.name not in taken
                ]
            article.bylines = extra + article.bylines
    _closing_credits(article)
    article.warnings = notes.finish()
    return article


def _closing_credits(article):
    """Authors named in a credit closing a paragraph ((记者 晓亮), (通讯员 郭飞));
    the credit stays in its paragraph, as a dateline does."""
    named = {b.name for b in article.bylines if b.kind != "photographer"}
    for section in article.sections:
        for text, line in zip(section.paragraphs, section.paragraph_lines, strict=True):
            if text.endswith((")", "）")) and (match := _CLOSING_CREDIT.search(text)):
                for byline in _bylines("", "author", match.group("credit"), line):
                    if byline.role and byline.name not in named:
                        named.add(byline.name)
                        article.bylines.append(byline)


def _set_date(article, metas, notes):
    """The publication time: the best-ranked dated metadata line (发布时间 over
    时间 over an unlabelled date over 发文日期), the first among equals.
    No date is None, never a guess."""
    best = None
    for number, meta in metas:
        if meta.date is not None and (best is None or meta.date_rank < best[1].date_rank):
            best = (number, meta)
    if best is None:
        bad = next(((n, m) for n, m in metas if m.bad_date), None)
        if bad:
            raise ArticleFormatError(
                f"unrecognised date {bad[1].bad_date!r}",
                line=bad[0],
                message=f"无法识别的日期“{bad[1].bad_date}”",
            )
        notes.add("no_date", "没有找到发布时间：导入后不设发布时间，也不会发布", 0)
        return
    number, meta = best
    try:
        article.published_at, article.published_time_known = layout.date_from_match(meta.date)
    except DateError as exc:
        raise ArticleFormatError(
            f"impossible date {meta.date.group(0)!r} ({exc})",
            line=number,
            message=_impossible_date_message(meta.date.group(0), exc),
        ) from exc
    dated = [m for _, m in metas if m.date is not None]
    if len({m.date.group(0) for m in dated}) > 1:
        label = meta.date_label or "无标签的日期"
        notes.add(
            "date_chosen",
            f"页面有多个日期，发布时间取第 {number} 行（{label}）：{meta.date.group(0)}",
            number,
        )


def _site_source(metas):
    """Without a 来源 field, a name or domain next to an unlabelled date is the
    source (2016-09-14 07:09:11 杭州网, 人民日报2025.12.22); a person's name
    there (2017-05-11池建东) is an author. Returns (source, bylines)."""
    for number, meta in metas:
        site = meta.site
        if not site:
            continue
        if layout.is_person_name(site):
            return "", [ParsedByline(kind="author", name=site.replace(" ", ""), line=number)]
        return site, []
    return "", []


def _unique_bylines(bylines):
    seen, unique = set(), []
    for byline in bylines:
        key = (byline.kind == "photographer", byline.name)
        if byline.name and key not in seen:
            seen.add(key)
            unique.append(byline)
    return unique


_RETURN = {"返回", "返回顶部", "返回首页", "返回列表", "【返回】", "[返回]"}


def _cut_at_return(body):
    """The article ends at a 返回 button: below it the page repeats itself."""
    for index, item in enumerate(body):
        if index and _squeezed(item.text) in _RETURN:
            return body[:index], body[index + 1 :]
    return body, []


def _footer_meta(line):
    meta = layout.read_meta(line)
    if meta is not None and (meta.fields or meta.pending_label) and not meta.site:
        return meta
    return None


def _split_footer(body):
    """Find the footer block at the end: footer lines, then at most a few slogan
    lines; chrome around them is dropped. Returns (body without footer,
    footer metas as (line number, Meta), slogan lines, dropped chrome lines).
    Photos below the footer (Word files) end the body."""
    index = len(body)
    while index > 0 and photo_number(body[index - 1].text) is not None:
        index -= 1
    trailing_photos, body = body[index:], body[:index]
    tail = []  # (item, kind, meta), bottom up
    seen_field = False
    slogans = 0
    while index > 0:
        item = body[index - 1]
        text = item.text
        if photo_number(text) is not None:
            break
        if layout.chrome_reason(text) or layout.is_link_label(text):
            tail.append((item, "chrome", None))
        elif meta := _footer_meta(text):
            tail.append((item, "field", meta))
            seen_field = True
        elif not seen_field and slogans < MAX_SLOGAN_LINES and _is_slogan(text):
            tail.append((item, "slogan", None))
            slogans += 1
        else:
            break
        index -= 1
    tail.reverse()
    kept = body[:index]
    if not seen_field:
        # No footer: what looked like slogans are the body's last lines.
        kept += [item for item, kind, _ in tail if kind == "slogan"]
        dropped = [item for item, kind, _ in tail if kind == "chrome"]
        return kept + trailing_photos, [], [], dropped
    last_field = max(i for i, (_, kind, _) in enumerate(tail) if kind == "field")
    metas = [(item.number, meta) for item, kind, meta in tail if kind == "field"]
    slogan_lines = [item for item, kind, _ in tail[last_field:] if kind == "slogan"]
    dropped = [item for item, kind, _ in tail if kind == "chrome"]
    return kept + trailing_photos, metas, slogan_lines, dropped


def _is_dated_item(text):
    """一、活动时间:2023年9月21日9:30: a labelled list item giving a date, not a heading."""
    _, colon, value = text.partition(":") if ":" in text else text.partition("：")
    return bool(colon) and layout.find_date(value) is not None


class _BodyReader:
    """Group body lines into sections, dropping chrome, captions, credits,
    link blocks, jump lines and repeats, and keeping their bylines."""

    def __init__(self, article, district_labels, normalize, heading_lines, notes):
        self.article = article
        self.district_labels = district_labels
        self.normalize = normalize
        self.heading_lines = heading_lines
        self.notes = notes
        self.fields = []  # (label, value, line) of labelled lines in the body
        self.photographers = []
        self.sections = [ParsedSection()]
        self.previous_was_heading = False
        self.previous_was_label = False

    def read(self, body):
        texts = [item.text for item in body]
        counts = {}
        for text in texts:
            if len(text) <= 60:
                counts[text] = counts.get(text, 0) + 1
        loose_captions = self._before_dateline(body)
        headline = {self.article.title, self.article.subtitle, self.article.kicker} - {""}
        seen = set()
        link_block = False
        list_intro = False
        for index, item in enumerate(body):
            text = item.text
            if (photo := photo_number(text)) is not None:
                current = self.sections[-1]
                current.photos.append((len(current.paragraphs), photo))
                current.line = current.line or item.number
                self.previous_was_heading = self.previous_was_label = False
                continue
            if item.number in self.heading_lines:
                self._heading(text, item.number)
                continue
            if self.normalize(text) in self.district_labels:
                self._label(text, item.number)
                continue
            if link_block:
                if _is_prose(text) or _footer_meta(text):
                    link_block = False
                else:
                    continue
            if layout.chrome_reason(text):
                self.notes.dropped(item)
                continue
            if layout.is_link_label(text):
                link_block = True
                self.notes.add(
                    "related_dropped", f"略去链接栏“{text}”及其下的链接标题", item.number
                )
                continue
            if layout.is_jump_line(text):
                self.notes.add("jump_dropped", f"略去转版标记“{text}”", item.number)
                continue
            text = layout.strip_jumps(text)
            if index in loose_captions or layout.is_caption(text):
                self._caption(text, item.number)
                continue
            if counts.get(text, 0) > 1 and not layout.ends_like_prose(text):
                self._caption(text, item.number)  # a gallery repeats its captions
                continue
            if (meta := _footer_meta(text)) and not meta.pending_label:
                self.fields += [(label, value, item.number) for label, value in meta.fields]
                continue
            if (names := self._agency_byline(text)) is not None:
                self.fields += [
                    ("作者", f"{role} {name}".strip(), item.number) for role, name in names
                ]
                continue
            if text in headline or (
                len(text) >= 4
                and self.article.title.startswith(text)
                and self._next_to_picture(body, index)
            ):
                # The page repeats its headline, or an image's alt text its start.
                self.notes.add("repeat_dropped", f"略去重复的标题“{text}”", item.number)
                continue
            if text in seen and len(text) > 10:
                self.notes.add("duplicate_dropped", "略去重复的段落", item.number)
                continue
            seen.add(text)
            following = body[index + 1] if index + 1 < len(body) else None
            if self._is_label_line(text, following):
                self._label(text, item.number)
                continue
            if self._reads_as_heading(text, item, following, list_intro):
                self._heading(text, item.number)
                continue
            self._paragraph(text, item.number)
            if layout.ends_like_prose(text) and text[-1] in ":：" and len(text) <= 15:
                list_intro = True
            elif len(text) > 40 or text.endswith("。"):
                list_intro = False
        return [
            s for s in self.sections if s.heading or s.district_label or s.paragraphs or s.photos
        ]

    @staticmethod
    def _next_to_picture(body, index):
        """Whether a caption or photo stands right above or below body[index]."""
        for other in (index - 1, index + 1):
            if 0 <= other < len(body):
                text = body[other].text
                if photo_number(text) is not None or layout.is_caption(text):
                    return True
        return False

    def _before_dateline(self, body):
        """Short sentences before the paragraph that opens with a dateline are
        captions of the photo above the text (罗清泉等领导考察宝塔村。)."""
        texts = [(i, item.text) for i, item in enumerate(body[:6])]
        opening = next((i for i, text in texts if _DATELINE.match(text)), None)
        if opening is None:
            return set()
        return {
            i
            for i, text in texts[:opening]
            if len(text) <= MAX_LOOSE_CAPTION
            and layout.ends_like_prose(text)
            and not text.startswith("编者按")
        }

    @staticmethod
    def _agency_byline(text):
        """新华社记者, 本报记者 王小明: a byline line in the body (a name-less
        one gives nothing)."""
        if not re.match(
            r"^(?:本报|本台|新华社|新華社|中新社|特约)?(?:记者|記者|通讯员|通訊員)", text
        ):
            return None
        return layout.byline_names(text)

    def _is_label_line(self, text, following):
        """人民日报社:, 上城区: a label over the heading that follows it."""
        if not layout.is_label(text):
            return False
        if text.endswith((":", "：")):
            return following is None or _is_heading_text(following.text)
        return following is not None and _is_heading_text(following.text)

    def _reads_as_heading(self, text, item, following, list_intro):
        if not _is_heading_text(text) or list_intro or _DATELINE.match(text):
            return False
        if (
            layout.is_keyword_list(text)
            or layout.is_tagged_text(text)
            or layout.is_parenthesised(text)
            or layout.is_date_only(text)
            or layout.is_document_number(text)
            or _is_dated_item(text)
        ):
            return False
        # A signature: a name right above a date line (太湖县人民政府 / 2019年1月17日).
        return following is None or following.gap or not layout.is_date_only(following.text)

    def _caption(self, text, number):
        names = layout.photo_credit(text) or []
        for name in names:
            self.photographers.append(ParsedByline(kind="photographer", name=name, line=number))
        credit = f"（摄影：{'、'.join(names)}）" if names else ""
        self.notes.add("caption_found", f"图片说明不作正文：“{text[:40]}”{credit}", number)

    def _label(self, text, number):
        self.sections.append(ParsedSection(district_label=text, line=number))
        self.previous_was_heading = True
        self.previous_was_label = True

    def _heading(self, text, number):
        current = self.sections[-1]
        joins = (
            self.previous_was_heading
            and not current.paragraphs
            and not current.photos
            and (not current.heading or not layout.starts_numbered(text))
        )
        if joins:
            current.heading += text
            current.line = current.line or number
        else:
            self.sections.append(ParsedSection(heading=text, line=number))
        self.previous_was_heading = True
        self.previous_was_label = False

    def _paragraph(self, text, number):
        current = self.sections[-1]
        current.paragraphs.append(text)
        current.paragraph_lines.append(number)
        current.line = current.line or number
        self.previous_was_heading = self.previous_was_label = False
