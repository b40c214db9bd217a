"""What may be uploaded to the document library, judged by the bytes.

A file's name says nothing about what it holds: a "PDF" may be an HTML page
that runs script when opened from our domain, or a program. So the kind is
read from the content, and the extension the editor's file carries must agree
with it. Nothing is stored until a file has passed every check here.
"""

import codecs
import hashlib
import os
import socket
import struct
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

from .kinds import EXTENSIONS, LABELS

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CHUNK = 64 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream that makes an OLE2 compound file a Word, Excel or PowerPoint file;
# directory entries keep their names in UTF-16.
OLE2_STREAMS = {
    "doc": ["WordDocument"],
    "xls": ["Workbook", "Book"],
    "ppt": ["PowerPoint Document"],
}
OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
SCANNER_UNAVAILABLE = "病毒扫描不可用，暂时无法上传文件，请稍后再试或联系网站管理员。"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, with what was learnt about it."""

    name: str
    kind: str
    size: int
    sha256: str


def max_bytes():
    return getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def human_size(size):
    """1.2 MB, 35.0 KB: one decimal, the way the site labels links."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size, 103) / 1024:.1f} KB"  # never "0.0 KB" for a tiny file


def _rewind(fileobj):
    fileobj.seek(0)
    return fileobj


def _chunks(fileobj):
    _rewind(fileobj)
    while chunk := fileobj.read(CHUNK):
        yield chunk


def _ole2_kind(fileobj):
    wanted = {
        kind: [name.encode("utf-16-le") for name in names] for kind, names in OLE2_STREAMS.items()
    }
    tail = b""
    for chunk in _chunks(fileobj):
        window = tail + chunk
        for kind, names in wanted.items():
            if any(name in window for name in names):
                return kind
        tail = window[-64:]
    return None


def _zip_kind(fileobj):
    try:
        with zipfile.ZipFile(_rewind(fileobj)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).decode("ascii", "replace").strip()
                if mimetype in ODF_MIMETYPES:
                    return ODF_MIMETYPES[mimetype]
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    return "zip"


def text_encoding(fileobj):
    """ "utf-8" or "gb18030" if the whole file decodes as that text without NULs
    (so binary files are never taken for text), else None."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in _chunks(fileobj):
                if b"\x00" in chunk:
                    return None
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding.removesuffix("-sig")
    return None


def detect_kind(fileobj):
    """(kind, what it looks like): kind is one of kinds.EXTENSIONS or None,
    and the description names the content for the editor when it is refused."""
    head = _rewind(fileobj).read(8192)
    if head.startswith(b"%PDF-"):
        return "pdf", "PDF"
    if head.startswith(OLE2_MAGIC):
        kind = _ole2_kind(fileobj)
        return kind, LABELS[kind] if kind else "非 Office 的复合文档"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = _zip_kind(fileobj)
        return kind, LABELS[kind] if kind else "损坏的 ZIP 压缩包"
    guess = filetype.guess(head)
    if guess is not None:
        return None, guess.extension.upper()
    if text_encoding(fileobj):
        lowered = head.lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html", b"<script", b"<?xml", b"<svg")):
            return None, "网页（HTML）"
        return "txt", "TXT"
    return None, "无法识别的类型"


def scan_for_viruses(fileobj, socket_path, timeout=30):
    """Stream the file to clamd (INSTREAM over its unix socket) and return
    None when clean, or the name of what it found. Raises OSError when the
    scanner cannot give an answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(socket_path)
        conn.sendall(b"zINSTREAM\0")
        for chunk in _chunks(fileobj):
            conn.sendall(struct.pack("!L", len(chunk)) + chunk)
        conn.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0") and (data := conn.recv(4096)):
            reply += data
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith(" OK"):
        return None
    if answer.endswith(" FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip()
    raise OSError(f"clamd answered {answer!r}")


def _scan(fileobj):
    socket_path = getattr(settings, "CLAMD_SOCKET", "")
    if not socket_path:
        return
    try:
        found = scan_for_viruses(fileobj, socket_path, getattr(settings, "CLAMD_TIMEOUT", 30))
    except OSError as exc:
        # Fail closed: a file nobody could scan is not published.
        raise ValidationError(SCANNER_UNAVAILABLE, code="scanner") from exc
    if found:
        raise ValidationError(f"文件未通过病毒扫描（发现 {found}），已拒绝上传。", code="infected")


def check_upload(upload):
    """A CheckedUpload for `upload` (a Django File), or a ValidationError in
    Chinese saying why it may not be stored."""
    name = os.path.basename(upload.name or "").strip()
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension not in EXTENSIONS:
        allowed = "、".join(ext.upper() for ext in EXTENSIONS)
        raise ValidationError(
            f"不支持此类文件（.{extension or '无扩展名'}）。可以上传：{allowed}。", code="extension"
        )
    size = upload.size
    if not size:
        raise ValidationError("文件是空的，请重新选择文件。", code="empty")
    if size > max_bytes():
        raise ValidationError(
            f"文件太大（{human_size(size)}），附件不能超过 {human_size(max_bytes())}。",
            code="too_large",
        )
    kind, looks_like = detect_kind(upload)
    if kind != extension:
        raise ValidationError(
            f"文件内容与扩展名不符：文件名是 .{extension}，内容识别为 {looks_like}。"
            "请确认文件无误，并使用正确的扩展名。",
            code="mismatch",
        )
    _scan(upload)
    digest = hashlib.sha256()
    for chunk in _chunks(upload):
        digest.update(chunk)
    _rewind(upload)
    return CheckedUpload(name=name[:255], kind=kind, size=size, sha256=digest.hexdigest())
