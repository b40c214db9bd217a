"""Read a Word (.docx) file as the text the article parser reads.

A Word file is turned into lines, one per paragraph in document order (empty
paragraphs too, so line numbers in messages count the document's paragraphs;
a soft line break starts a new line, and table cells are read row by row).
Then the text parser applies the same rules as to a text file: title, 发布时间
line, headings, footer, slogans. Two things only Word says are passed on:

- paragraphs styled as headings (Heading 1-4, 标题 1-4, or an outline level
  1-4) are headings whatever their length or last character;
- each embedded picture (`a:blip r:embed`, or VML `v:imagedata`) becomes a
  photo line of its own (parser.photo_line) where it stood, which the parser
  carries through as a body item. Its caption is the line below it when that
  line reads as one (photo_credits.reads_as_caption; a paragraph in Word's
  Caption/题注 style always does); that line then leaves the body.

Text boxes, comments, headers and footers of the page, footnotes and deleted
or moved-away tracked changes are not part of the article's text.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from lxml import etree

from .parser import (
    BLANKS,
    ArticleFormatError,
    ParseWarning,
    human_size,
    photo_line,
    photo_number,
    refuse_control_characters,
)
from .photo_credits import Caption, reads_as_caption, split_credit

DOCX_SUFFIX = ".docx"

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "v": "urn:schemas-microsoft-com:vml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
_W = f"{{{_NS['w']}}}"
_R = f"{{{_NS['r']}}}"
# Everything of a paragraph that makes its text or shows a picture, in
# document order. Left out: a picture's fallback copy (mc:Fallback), the
# paragraphs of text boxes, and text a tracked change moved elsewhere.
_PIECES = etree.XPath(
    "(.//w:r/w:t | .//w:r/w:tab | .//w:r/w:br | .//w:r/w:cr"
    " | .//w:r/w:drawing//a:blip | .//w:r/w:pict//v:imagedata | .//w:r/w:object//v:imagedata)"
    "[not(ancestor::mc:Fallback)][not(ancestor::w:txbxContent)][not(ancestor::w:moveFrom)]",
    namespaces=_NS,
)
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*[1-4]$", re.IGNORECASE)
_CAPTION_STYLES = {"caption", "题注"}

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# How much a .docx may unpack to, as a multiple of its size limit: text XML
# packs ten to one or better, and pictures hardly pack at all.
UNPACKED_FACTOR = 8


def is_word_path(path):
    return Path(str(path)).suffix.lower() == DOCX_SUFFIX


def max_word_bytes():
    """Word files carry their photos, so they have a limit of their own."""
    return settings.IMPORT_MAX_WORD_BYTES


@dataclass
class EmbeddedPhoto:
    number: int  # 1-based, in document order
    blob: bytes
    part_name: str  # where it is in the package, as /word/media/image1.jpeg
    line: int
    caption: Caption = field(default_factory=lambda: Caption(""))


@dataclass
class WordText:
    text: str
    heading_lines: frozenset
    photos: dict  # number -> EmbeddedPhoto
    warnings: list = field(default_factory=list)


def read_word(data, district_labels=frozenset(), normalize=lambda s: s):
    """The lines of a .docx file's bytes as article text, its heading lines
    and its photos. ArticleFormatError for anything that is not a readable
    Word file with text."""
    document = _open(data)
    reader = _Reader(document)
    reader.read_blocks(document.element.body)
    lines = reader.lines
    if not any(
        line.strip(BLANKS) and number not in reader.photo_lines
        for number, line in enumerate(lines, 1)
    ):
        raise ArticleFormatError(
            "Word file has no text: no title, no body",
            message="Word 文件里没有文字：没有标题，也没有正文",
        )
    # The photo lines the reader made are the only private-use characters
    # allowed: the document's own text is checked as a text file's is.
    refuse_control_characters(
        "\n".join(
            "" if number in reader.photo_lines else line for number, line in enumerate(lines, 1)
        )
    )
    _take_captions(reader, district_labels, normalize)
    return WordText(
        text="\n".join(lines),
        heading_lines=frozenset(reader.heading_lines),
        photos=reader.photos,
        warnings=reader.warnings,
    )


def _open(data):
    """The python-docx Document of `data`, after checks that name what is wrong."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not data.startswith(_ZIP_MAGIC):
        reason, message = _not_a_package(data)
        raise ArticleFormatError(reason, message=message)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(member.file_size for member in package.infolist())
            if unpacked > UNPACKED_FACTOR * max_word_bytes():
                raise ArticleFormatError(
                    f"Word file unpacks to {unpacked} bytes, more than "
                    f"{UNPACKED_FACTOR * max_word_bytes()}: refused",
                    message=f"Word 文件解压后有 {human_size(unpacked)}，超过 "
                    f"{human_size(UNPACKED_FACTOR * max_word_bytes())} 的上限，不予导入",
                )
            if (bad := package.testzip()) is not None:
                raise ArticleFormatError(
                    f"damaged Word file: {bad} is corrupt",
                    message=f"Word 文件已损坏：其中的 {bad} 读不出来",
                )
            if "word/document.xml" not in package.namelist():
                raise ArticleFormatError(
                    "not a Word document: a ZIP package without word/document.xml "
                    "(another Office file, or a plain .zip, named .docx?)",
                    message="不是 Word 文档：这是一个没有 word/document.xml 的 ZIP 包"
                    "（可能是别的 Office 文件或普通 .zip 改名为 .docx）",
                )
        return docx.Document(io.BytesIO(data))
    except ArticleFormatError:
        raise
    except (zipfile.BadZipFile, PackageNotFoundError, EOFError) as exc:
        raise ArticleFormatError(
            f"damaged Word file (not a readable ZIP package): {exc}",
            message="Word 文件已损坏：不是可读的 ZIP 包，请在 Word 或 WPS 中打开后重新保存",
        ) from exc
    except Exception as exc:
        # python-docx reports a broken package (bad XML, a missing part, a
        # wrong content type) in many ways; whichever it is, the file is refused.
        raise ArticleFormatError(
            f"damaged Word file: {type(exc).__name__}: {exc}",
            message="Word 文件已损坏，无法读取，请在 Word 或 WPS 中打开后重新保存",
        ) from exc


def _not_a_package(data):
    """(English reason, Chinese message) for bytes that are no ZIP package."""
    if data.startswith(_OLE_MAGIC):
        return (
            "not a .docx file but an old Word 97-2003 (.doc) or other OLE file; "
            "open it in Word or WPS and save it as .docx",
            "不是 .docx 文件，而是旧版 Word 97-2003（.doc）等文件：请在 Word 或 WPS 中打开，"
            "另存为 .docx 再导入",
        )
    if not data:
        return "empty file (0 bytes): not a Word document", "文件是空的（0 字节），不是 Word 文档"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        try:
            data[:4094].decode("gb18030")
        except UnicodeDecodeError:
            return (
                "not a Word document: .docx files are ZIP packages and this is not one",
                "不是 Word 文档：.docx 文件是 ZIP 包，这个文件不是",
            )
    return (
        "not a Word document but text: rename it to .txt to import it as a text file",
        "不是 Word 文档而是文本：请把文件改名为 .txt，作为文本文件导入",
    )


class _Reader:
    """Walks the document body, collecting lines, heading lines, caption-style
    lines and photos."""

    def __init__(self, document):
        self.part = document.part
        self.styles = {
            style.style_id: (style.name or "").strip().lower() for style in document.styles
        }
        self.lines = []
        self.heading_lines = set()  # 1-based line numbers
        self.caption_style_lines = set()
        self.photo_lines = set()
        self.photos = {}
        self.warnings = []

    def read_blocks(self, parent):
        for child in parent:
            if child.tag == f"{_W}p":
                self.read_paragraph(child)
            elif child.tag == f"{_W}tbl":
                for row in child.iterchildren(f"{_W}tr"):
                    for cell in row.iterchildren(f"{_W}tc"):
                        self.read_blocks(cell)
            elif child.tag in (f"{_W}sdt", f"{_W}customXml"):
                content = child.find(f"{_W}sdtContent")
                self.read_blocks(content if content is not None else child)

    def read_paragraph(self, paragraph):
        kind = self._style_kind(paragraph)
        first = len(self.lines) + 1
        text = []
        produced = False
        for piece in _PIECES(paragraph):
            tag = etree.QName(piece).localname
            if tag == "t":
                text.append(piece.text or "")
            elif tag == "tab":
                text.append("\t")
            elif tag in ("br", "cr"):
                self.lines.append("".join(text))
                text, produced = [], True
            else:
                if "".join(text).strip(BLANKS):
                    self.lines.append("".join(text))
                text, produced = [], True
                self._add_photo(piece)
        if text or not produced:
            self.lines.append("".join(text))
        for number in range(first, len(self.lines) + 1):
            if number in self.photo_lines:
                continue
            if kind == "heading":
                self.heading_lines.add(number)
            elif kind == "caption":
                self.caption_style_lines.add(number)

    def _style_kind(self, paragraph):
        properties = paragraph.find(f"{_W}pPr")
        if properties is None:
            return ""
        style = properties.find(f"{_W}pStyle")
        name = self.styles.get(style.get(f"{_W}val"), "") if style is not None else ""
        if _HEADING_STYLE.match(name):
            return "heading"
        if name in _CAPTION_STYLES:
            return "caption"
        outline = properties.find(f"{_W}outlineLvl")
        if outline is not None and outline.get(f"{_W}val", "") in ("0", "1", "2", "3"):
            return "heading"
        return ""

    def _add_photo(self, element):
        line = len(self.lines) + 1
        relationship = element.get(f"{_R}embed") or element.get(f"{_R}id")
        if not relationship:
            if element.get(f"{_R}link"):
                self.warnings.append(
                    ParseWarning(
                        "linked_photo", f"第 {line} 行的图片是链接，没有嵌入文件，未导入", line
                    )
                )
            return
        part = self.part.related_parts.get(relationship)
        blob = getattr(part, "blob", None)
        if blob is None:
            raise ArticleFormatError(
                f"damaged Word file: the picture at line {line} refers to a missing part",
                line=line,
                message=f"Word 文件已损坏：第 {line} 行的图片找不到图片文件",
            )
        number = len(self.photos) + 1
        self.photos[number] = EmbeddedPhoto(number, blob, str(part.partname), line)
        self.lines.append(photo_line(number))
        self.photo_lines.add(len(self.lines))


def _take_captions(reader, district_labels, normalize):
    """Give each photo the caption below it (and a credit line below that),
    blanking those lines so they leave the body but keep the numbering."""
    lines = reader.lines
    seen_text = False
    for index, line in enumerate(lines):
        number = photo_number(line)
        if number is None:
            seen_text = seen_text or bool(line.strip(BLANKS))
            continue
        below = _next_line(lines, index)
        if below is None or below + 1 in reader.heading_lines:
            continue
        candidate = lines[below]
        styled = below + 1 in reader.caption_style_lines
        # Above the title, the line below a photo is the title, unless it
        # plainly says it is a caption.
        if not styled and not reads_as_caption(
            candidate, district_labels, normalize, loose=seen_text
        ):
            continue
        caption = split_credit(candidate)
        lines[below] = ""
        after = _next_line(lines, below)
        if after is not None and not caption.credit and after + 1 not in reader.heading_lines:
            credit_only = split_credit(lines[after])
            if credit_only.credit and not credit_only.text:
                caption = Caption(caption.text, credit_only.credit, caption.source)
                lines[after] = ""
        reader.photos[number].caption = caption


def _next_line(lines, index):
    for following in range(index + 1, len(lines)):
        if lines[following].strip(BLANKS):
            return following
    return None
