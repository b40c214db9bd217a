"""Downloads keep their address, name the file in Chinese and cache by content."""

from urllib.parse import quote

import pytest
from django.template import Context, Template

from documents.models import Document
from documents.validation import check_upload

from .conftest import stored_files
from .files import docx_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def test_address_is_pinyin_slug_and_kind(make_document):
    document = make_document(title="党史学习教育工作方案")
    assert (
        document.get_absolute_url()
        == f"/files/{document.pk}/dang-shi-xue-xi-jiao-yu-gong-zuo-fang-an.pdf"
    )


def test_download_headers(client, make_document):
    """Type, length, a Chinese file name (RFC 5987) with an ASCII fallback,
    nosniff, an ETag from the content and a short public cache."""
    content = pdf_bytes()
    document = make_document(name="上城区工作方案.pdf", content=content)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    assert response["Content-Disposition"] == (
        'attachment; filename="dang-shi-xue-xi-jiao-yu-gong-zuo-fang-an.pdf"; '
        f"filename*=UTF-8''{quote('上城区工作方案.pdf')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{document.sha256}"'
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_matching_etag_answers_304(client, make_document):
    document = make_document()
    response = client.get(document.get_absolute_url(), headers={"if-none-match": document.etag})
    assert response.status_code == 304
    assert response["ETag"] == document.etag
    stale = client.get(document.get_absolute_url(), headers={"if-none-match": '"old"'})
    assert stale.status_code == 200


@pytest.mark.parametrize("path", ["{pk}/old-title.pdf", "{pk}/{slug}.docx", "{pk}/"])
def test_wrong_slug_or_extension_redirects_permanently(client, make_document, path):
    document = make_document()
    response = client.get("/files/" + path.format(pk=document.pk, slug=document.slug))
    assert response.status_code == 301
    assert response["Location"] == document.get_absolute_url()


def test_unknown_document_and_missing_file_are_404(client, make_document):
    document = make_document()
    assert client.get(f"/files/{document.pk + 1}/x.pdf").status_code == 404
    document.file.storage.delete(document.file.name)
    assert client.get(document.get_absolute_url()).status_code == 404


def test_replacing_keeps_the_address_changes_the_etag_and_removes_the_old_file(
    client, make_document, media, django_capture_on_commit_callbacks
):
    document = make_document(name="方案.pdf")
    url, etag, old_name = document.get_absolute_url(), document.etag, document.file.name
    new = upload("方案（修订稿）.pdf", pdf_bytes("Revised"))
    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.get(pk=document.pk).store(new, check_upload(new))
    document.refresh_from_db()
    assert document.get_absolute_url() == url
    assert document.etag != etag
    assert document.replaced_at is not None
    assert document.original_name == "方案（修订稿）.pdf"
    assert "Revised" in document.extracted_text
    assert not document.file.storage.exists(old_name)
    assert stored_files(media) == [media / document.file.name]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] == document.etag


def test_replacing_with_another_kind_moves_to_the_new_extension(client, make_document):
    """A PDF replaced by a DOCX keeps its id; the .pdf address redirects."""
    document = make_document(name="方案.pdf")
    old_url = document.get_absolute_url()
    new = upload("方案.docx", docx_bytes())
    document.store(new, check_upload(new))
    assert document.get_absolute_url().endswith(".docx")
    assert client.get(old_url)["Location"] == document.get_absolute_url()


def test_deleting_a_document_deletes_its_file(make_document, django_capture_on_commit_callbacks):
    document = make_document()
    name, storage = document.file.name, document.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert not storage.exists(name)


def test_file_label_filter(make_document):
    document = make_document(content=pdf_bytes())
    document.size = 1258291
    rendered = Template("{% load documents %}{{ document|file_label }}").render(
        Context({"document": document})
    )
    assert rendered == "PDF，1.2 MB"
