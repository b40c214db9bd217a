"""Uploads are judged by their bytes; the extension must agree with them."""

import pytest
from django.core.exceptions import ValidationError

from documents.validation import check_upload, human_size

from .files import doc_bytes, docx_bytes, odt_bytes, pdf_bytes, upload, xlsx_bytes, zip_bytes

ACCEPTED = [
    ("通知.pdf", pdf_bytes, "pdf"),
    ("通知.docx", docx_bytes, "docx"),
    ("统计表.xlsx", xlsx_bytes, "xlsx"),
    ("方案.odt", odt_bytes, "odt"),
    ("旧稿.doc", doc_bytes, "doc"),
    ("名单.txt", lambda: "上城区党史学习教育宣讲名单\n望江街道".encode("gb18030"), "txt"),
    ("名单-utf8.txt", lambda: "上城区宣讲名单".encode(), "txt"),
    ("材料.zip", lambda: zip_bytes([("说明.txt", "材料")]), "zip"),
    ("大写扩展名.PDF", pdf_bytes, "pdf"),
]


@pytest.mark.parametrize(("name", "build", "kind"), ACCEPTED, ids=[a[2] + a[0] for a in ACCEPTED])
def test_each_accepted_kind_is_recognised_by_its_content(name, build, kind):
    """Every kind the library takes passes, with its size and hash recorded."""
    content = build()
    checked = check_upload(upload(name, content))
    assert checked.kind == kind
    assert checked.name == name
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


REFUSED = [
    ("通知.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "网页（HTML）"),
    ("通知.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 200, "内容与扩展名不符"),
    ("通知.pdf", b"MZ\x90\x00\x03" + b"\0" * 200, "EXE"),
    ("通知.docx", zip_bytes([("word.txt", "不是 Word 文件")]), "内容识别为 ZIP"),
    ("通知.xlsx", docx_bytes(), "内容识别为 DOCX"),
    ("名单.txt", b"abc\x00def", "内容与扩展名不符"),
    ("名单.txt", b"\xff\xfe\xfd\x81\x30", "内容与扩展名不符"),
    ("setup.exe", b"MZ\x90\x00", "不支持此类文件（.exe）"),
    ("无扩展名", b"text", "不支持此类文件（.无扩展名）"),
    ("空文件.pdf", b"", "文件是空的"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED)
def test_refused_uploads_say_why_in_chinese(name, content, message):
    """A file whose content is not what its name claims is refused."""
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content))
    assert message in caught.value.messages[0]


def test_size_limit_comes_from_settings(settings):
    """DOCUMENT_MAX_BYTES caps uploads; the message gives both sizes."""
    settings.DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("大文件.txt", "党".encode() * 2000))
    assert caught.value.messages == ["文件太大（5.9 KB），附件不能超过 1.0 KB。"]
    assert check_upload(upload("小文件.txt", b"ok" * 100)).kind == "txt"


@pytest.mark.parametrize(
    ("size", "label"),
    [(10, "0.1 KB"), (1536, "1.5 KB"), (1024 * 1024 - 1, "1024.0 KB"), (1258291, "1.2 MB")],
)
def test_human_size(size, label):
    assert human_size(size) == label
