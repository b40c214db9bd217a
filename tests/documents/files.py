"""Tiny real files of every kind the library takes, built in memory."""

import io
import zipfile

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from documents.validation import OLE2_MAGIC


def pdf_bytes(text="Dangshi xuexi jiaoyu notice"):
    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(paragraph="关于开展党史学习教育宣讲活动的通知", cell="望江街道宣讲团"):
    document = docx.Document()
    document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "宣讲单位"
    table.cell(0, 1).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def xlsx_bytes():
    return zip_bytes(
        [
            ("[Content_Types].xml", "<Types/>"),
            ("xl/workbook.xml", "<workbook/>"),
            ("xl/worksheets/sheet1.xml", "<worksheet/>"),
        ]
    )


def odt_bytes():
    # ODF wants `mimetype` first and stored; the checker only needs it present.
    return zip_bytes(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", "<office:document-content/>"),
        ]
    )


def doc_bytes():
    return OLE2_MAGIC + b"\0" * 504 + "WordDocument".encode("utf-16-le") + b"\0" * 64


def upload(name, content):
    return SimpleUploadedFile(name, content)
