"""The words inside PDF and Word attachments are kept for search."""

import io
import logging

from documents import extraction
from documents.extraction import extract_text

from .files import docx_bytes, pdf_bytes


def test_pdf_text_is_extracted():
    text = extract_text(io.BytesIO(pdf_bytes("Xuanjiang schedule for Wangjiang")), "pdf")
    assert "Xuanjiang schedule for Wangjiang" in text


def test_docx_paragraphs_and_tables_are_extracted():
    text = extract_text(io.BytesIO(docx_bytes("宣讲活动的通知", "望江街道宣讲团")), "docx")
    assert "宣讲活动的通知" in text
    assert "宣讲单位 望江街道宣讲团" in text


def test_gb18030_text_is_extracted():
    text = extract_text(io.BytesIO("上城区宣讲名单".encode("gb18030")), "txt")
    assert text == "上城区宣讲名单"


def test_text_is_bounded(monkeypatch):
    """A huge attachment keeps only the first MAX_CHARS characters."""
    monkeypatch.setattr(extraction, "MAX_CHARS", 10)
    text = extract_text(io.BytesIO(docx_bytes("一二三四五六七八", "九十十一十二")), "docx")
    assert len(text) <= 10


def test_corrupt_files_give_empty_text_and_a_log_line(caplog):
    """A file the reader cannot parse is still stored; its text is empty."""
    with caplog.at_level(logging.WARNING, logger="documents.extraction"):
        assert extract_text(io.BytesIO(b"%PDF-1.7 garbage"), "pdf") == ""
        assert extract_text(io.BytesIO(b"PK\x03\x04 not a zip"), "docx") == ""
    assert "Could not extract text" in caplog.text


def test_kinds_without_a_reader_have_no_text():
    assert extract_text(io.BytesIO(b"PK"), "zip") == ""
