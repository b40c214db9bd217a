"""The kinds of file the document library accepts, one per extension."""

from django.db import models


class Kind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOC = "doc", "DOC"
    DOCX = "docx", "DOCX"
    XLS = "xls", "XLS"
    XLSX = "xlsx", "XLSX"
    PPT = "ppt", "PPT"
    PPTX = "pptx", "PPTX"
    ODT = "odt", "ODT"
    ODS = "ods", "ODS"
    ODP = "odp", "ODP"
    TXT = "txt", "TXT"
    ZIP = "zip", "ZIP"


EXTENSIONS = list(Kind.values)
LABELS = dict(Kind.choices)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    # Text files are stored as uploaded, in UTF-8 or GB18030; the charset is
    # left to the program that opens the download.
    "txt": "text/plain",
    "zip": "application/zip",
}
