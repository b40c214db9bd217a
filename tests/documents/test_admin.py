"""Editors upload, replace and file documents under their districts in the admin."""

import pytest
from django.contrib.auth.models import Group

from districts.models import District
from documents import usage
from documents.models import Document
from tests.admin_helpers import admin_url, login_as
from website.roles import DISTRICT_EDITORS, NEWSROOM_EDITORS, PUBLISHERS

from .conftest import stored_files
from .files import docx_bytes, pdf_bytes, upload


def _add(client, name, content, districts=(), title="宣讲活动通知"):
    return client.post(
        admin_url(Document, "add"),
        {
            "title": title,
            "upload": upload(name, content),
            "districts": [str(d.pk) for d in districts],
            "tags": "党史学习教育",
        },
    )


@pytest.fixture
def shangcheng(content):
    return District.objects.get(slug="shangcheng")


@pytest.fixture
def binjiang(content):
    return District.objects.get(slug="gaoxin-binjiang")


def test_pages_render(client, make_document, shangcheng):
    login_as(client, "superuser")
    document = make_document()
    document.districts.add(shangcheng)
    for url in [
        admin_url(Document, "changelist"),
        admin_url(Document, "add"),
        admin_url(Document, "change", document.pk),
    ]:
        assert client.get(url).status_code == 200
    page = client.get(admin_url(Document, "change", document.pk)).content.decode()
    assert document.get_absolute_url() in page and "PDF，" in page


def test_upload_stores_the_file_and_its_text(client, shangcheng):
    user = login_as(client, "newsroom")
    response = _add(client, "宣讲通知.docx", docx_bytes("望江街道宣讲安排"), [shangcheng])
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.original_name, document.uploaded_by) == (
        "docx",
        "宣讲通知.docx",
        user,
    )
    assert "望江街道宣讲安排" in document.extracted_text
    assert list(document.tags.names()) == ["党史学习教育"]
    found = client.get(admin_url(Document, "changelist"), {"q": "望江街道宣讲安排"})
    assert "宣讲活动通知" in found.content.decode()


def test_refused_upload_shows_the_reason_and_stores_nothing(client, media, shangcheng):
    login_as(client, "newsroom")
    response = _add(client, "通知.pdf", b"<html><body>not a pdf</body></html>", [shangcheng])
    assert response.status_code == 200
    assert "文件内容与扩展名不符" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_replace_in_the_admin_keeps_the_address(
    client, make_document, shangcheng, media, django_capture_on_commit_callbacks
):
    login_as(client, "newsroom")
    document = make_document()
    document.districts.add(shangcheng)
    url, etag = document.get_absolute_url(), document.etag
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            admin_url(Document, "change", document.pk),
            {
                "title": document.title,
                "upload": upload("新方案.pdf", pdf_bytes("New plan")),
                "districts": [str(shangcheng.pk)],
                "tags": "",
            },
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.get_absolute_url(), document.original_name) == (url, "新方案.pdf")
    assert document.etag != etag
    assert stored_files(media) == [media / document.file.name]


def test_district_editor_sees_and_files_only_their_districts(
    client, make_document, shangcheng, binjiang
):
    login_as(client, "district")
    own = make_document(title="上城区方案")
    own.districts.add(shangcheng)
    other = make_document(title="滨江区方案")
    other.districts.add(binjiang)
    page = client.get(admin_url(Document, "changelist")).content.decode()
    assert "上城区方案" in page and "滨江区方案" not in page
    assert client.get(admin_url(Document, "change", other.pk)).status_code == 403
    refused = _add(client, "通知.pdf", pdf_bytes(), [binjiang])
    assert "您不能把附件归入其他城区：高新区(滨江)。" in refused.content.decode()
    assert _add(client, "通知.pdf", pdf_bytes(), [shangcheng]).status_code == 302


def test_a_used_document_cannot_be_deleted(client, make_document, monkeypatch, content):
    login_as(client, "publisher")
    document = make_document()
    monkeypatch.setattr(usage, "_finders", [lambda d: [("稿件：宣讲通知", "/articles/1/")]])
    page = client.get(admin_url(Document, "delete", document.pk)).content.decode()
    assert "稿件：宣讲通知" in page
    client.post(admin_url(Document, "delete", document.pk), {"post": "yes"})
    assert Document.objects.filter(pk=document.pk).exists()
    monkeypatch.setattr(usage, "_finders", [])
    client.post(admin_url(Document, "delete", document.pk), {"post": "yes"})
    assert not Document.objects.filter(pk=document.pk).exists()


@pytest.mark.parametrize(
    ("group", "may_delete"),
    [(NEWSROOM_EDITORS, True), (PUBLISHERS, True), (DISTRICT_EDITORS, False)],
)
def test_editor_groups_hold_document_permissions(content, group, may_delete):
    codenames = set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="documents")
        .values_list("codename", flat=True)
    )
    expected = {"add_document", "change_document", "view_document"}
    assert codenames == (expected | {"delete_document"} if may_delete else expected)
