"""The words inside an attachment, so search finds a notice by its annex.

Bounded (a 900-page report or a zip bomb must not stall an upload) and never
fatal: a file the readers cannot parse is still a valid attachment, it just
has no searchable text.
"""

import logging
import zipfile

import docx
from pypdf import PdfReader

from .validation import text_encoding

logger = logging.getLogger(__name__)

MAX_CHARS = 200_000
MAX_PDF_PAGES = 200
# python-docx inflates word/document.xml whole; a larger part is refused
# rather than risk a decompression bomb.
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024


def _bounded(parts):
    text, total = [], 0
    for part in parts:
        part = part.strip()
        if not part:
            continue
        text.append(part)
        total += len(part) + 1
        if total >= MAX_CHARS:
            break
    return "\n".join(text)[:MAX_CHARS]


def _pdf_parts(fileobj):
    reader = PdfReader(fileobj)
    for page in reader.pages[:MAX_PDF_PAGES]:
        yield page.extract_text() or ""


def _docx_parts(fileobj):
    with zipfile.ZipFile(fileobj) as archive:
        if archive.getinfo("word/document.xml").file_size > MAX_DOCX_XML_BYTES:
            raise ValueError("word/document.xml is too large to read")
    fileobj.seek(0)
    document = docx.Document(fileobj)
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            # Merged cells repeat in python-docx; each text once per row.
            yield " ".join(dict.fromkeys(cell.text.strip() for cell in row.cells))


def _txt_parts(fileobj):
    encoding = text_encoding(fileobj) or "utf-8"
    fileobj.seek(0)
    yield fileobj.read(MAX_CHARS * 4).decode(encoding, "ignore")


READERS = {"pdf": _pdf_parts, "docx": _docx_parts, "txt": _txt_parts}


def extract_text(fileobj, kind):
    """The text of `fileobj` (a file of `kind`), at most MAX_CHARS, or "" for
    kinds without a reader and for files that cannot be read."""
    reader = READERS.get(kind)
    if reader is None:
        return ""
    try:
        fileobj.seek(0)
        return _bounded(reader(fileobj))
    except Exception:
        # Corrupt or hostile files raise anything from KeyError to
        # RecursionError; the upload itself stays valid.
        logger.warning("Could not extract text from a %s attachment", kind, exc_info=True)
        return ""
    finally:
        fileobj.seek(0)
