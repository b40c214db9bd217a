"""附件 on an article: listed on its page with type and size, downloadable, and
not deletable while an article lists them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from articles.models import Article
from documents.models import Document
from documents.usage import usage
from documents.validation import check_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_document(title):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    upload = SimpleUploadedFile("通知.pdf", buffer.getvalue(), content_type="application/pdf")
    document = Document(title=title)
    document.store(upload, check_upload(upload))
    return document


def test_an_article_lists_its_attachments_with_type_and_size(client, content):
    article = Article.objects.get(title__startswith="上城江干滨江")
    document = pdf_document("党史学习教育实施方案")
    article.attachments.add(document)

    page = client.get(article.get_absolute_url()).content.decode()
    section = page[page.index('<section class="attachments"') :]
    assert "党史学习教育实施方案" in section and "（PDF，" in section
    assert f'href="{document.get_absolute_url()}"' in section
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert usage(document) and "稿件" in usage(document)[0][0]
