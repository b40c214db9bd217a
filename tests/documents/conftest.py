import pytest

from documents.models import Document
from documents.validation import check_upload

from .files import pdf_bytes, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores files in a folder of its own, empty at the start."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ROOT_URLCONF = "tests.documents.urls"
    settings.CLAMD_SOCKET = ""
    return tmp_path / "media"


def stored_files(media):
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def make_document(db):
    def make(title="党史学习教育工作方案", name="工作方案.pdf", content=None, **fields):
        file = upload(name, pdf_bytes() if content is None else content)
        document = Document(title=title, **fields)
        document.store(file, check_upload(file))
        return document

    return make
