"""The attachment library's part of `manage.py check_media` (core.media_checks):
documents whose stored file went missing, and documents nothing links to.
Registered from DocumentsConfig.ready()."""

from core import media_checks
from core.media_checks import MISSING, WARNING, Section

from .models import Document
from .usage import usage


def _file_missing(fieldfile):
    return not fieldfile.name or not fieldfile.storage.exists(fieldfile.name)


def _describe(document):
    return {
        "id": document.pk,
        "title": document.title,
        "file": document.file.name,
        "url": document.get_absolute_url(),
    }


def check_documents():
    missing = Section("missing_documents", "文件缺失的附件", MISSING)
    unused = Section("unused_documents", "未被使用的附件", WARNING)
    for document in Document.objects.order_by("pk").iterator():
        if _file_missing(document.file):
            missing.items.append(_describe(document))
        if not usage(document):
            unused.items.append(_describe(document))
    return [missing, unused]


def register_media_check():
    media_checks.register(check_documents)
