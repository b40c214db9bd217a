"""Words inside an article's attachments (附件) find the article, and the result
says which attachment matched; on SQLite and PostgreSQL alike."""

import hashlib
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.status import Status
from documents.models import Document
from documents.validation import check_upload
from search import kinds, service
from search.models import SearchDocument, SearchEntry
from tests.documents.files import pdf_bytes
from tests.factories import make_article

# Words that appear nowhere in the shipped content.
NOTICE_TITLE = "党史学习教育实施方案"
ONLY_IN_ATTACHMENT = "无人机巡河"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored files go to a folder of the test's own; no virus scanner."""
    settings.MEDIA_ROOT = tmp_path
    settings.CLAMD_SOCKET = ""
    return tmp_path


def docx_upload(*paragraphs, name="实施方案.docx"):
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def stored(upload, title=NOTICE_TITLE, document=None):
    """A new document (or `document` with its file replaced), through the same
    checks and text extraction as an upload in the admin."""
    document = document or Document(title=title)
    document.store(upload, check_upload(upload))
    return document


def notice(title=NOTICE_TITLE, text=f"各街道组织{ONLY_IN_ATTACHMENT}志愿服务，每周巡查一次。"):
    return stored(docx_upload("关于开展党史学习教育的实施方案", text), title=title)


def document_with_text(text, title=NOTICE_TITLE):
    """A document whose extracted text is `text`, without building a file."""
    return Document.objects.create(
        title=title,
        file="documents/2021/03/test.pdf",
        original_name="test.pdf",
        kind="pdf",
        size=len(text),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        extracted_text=text,
    )


def found(query, **filters):
    return [hit.obj.title for hit in service.search(query, **filters).hits]


def test_a_word_only_in_an_attachment_finds_the_article(client, content):
    article = make_article(title="上城区部署党史学习教育", paragraphs=["会议部署了全年工作。"])
    document = notice()
    assert found("巡河") == []
    article.attachments.add(document)

    [hit] = service.search("巡河").hits
    assert hit.obj == article
    assert hit.attachment.title == NOTICE_TITLE
    assert hit.attachment.url == document.get_absolute_url()
    assert "<mark>巡河</mark>" in hit.attachment.snippet_html

    page = client.get(reverse("search"), {"q": "巡河"}).content.decode()
    assert "找到 1 条与“巡河”相关的结果" in page
    assert f'附件《<a href="{document.get_absolute_url()}">{NOTICE_TITLE}</a>》：' in page
    assert "各街道组织无人机<mark>巡河</mark>志愿服务" in page

    data = client.get(reverse("search_json"), {"q": "巡河"}).json()
    [result] = data["results"]
    assert result["title"] == "上城区部署党史学习教育"
    # Lines end inside words in PDFs: a break between two Chinese characters goes.
    text = "关于开展党史学习教育的实施方案各街道组织无人机巡河志愿服务，每周巡查一次。"
    assert result["attachment"] == {
        "title": NOTICE_TITLE,
        "url": f"http://testserver{document.get_absolute_url()}",
        "snippet": text,
        "snippet_html": text.replace("巡河", "<mark>巡河</mark>"),
    }


def test_the_words_of_a_real_pdf_are_found(client, db):
    article = make_article(title="防汛通知")
    article.attachments.add(stored(SimpleUploadedFile("通知.pdf", pdf_bytes("Drone patrol"))))
    data = client.get(reverse("search_json"), {"q": "drone"}).json()
    assert [r["title"] for r in data["results"]] == ["防汛通知"]
    assert data["results"][0]["attachment"]["snippet_html"] == "<mark>Drone</mark> patrol"


def test_the_result_names_the_attachment_that_matched(db):
    article = make_article(title="关于防汛工作的通知")
    article.attachments.add(
        document_with_text("防汛物资清单：沙袋、救生衣。", title="物资清单"),
        document_with_text("值班表：每日安排无人机巡河。", title="值班安排"),
    )
    [hit] = service.search("巡河").hits
    assert hit.attachment.title == "值班安排"
    # The attachment holding more of the words wins.
    [hit] = service.search("值班 沙袋 救生衣").hits
    assert hit.attachment.title == "物资清单"
    # A word in an attachment's title is enough.
    [hit] = service.search("物资清单").hits
    assert hit.attachment.title_html == "<mark>物资清单</mark>"


def test_a_hit_from_the_body_alone_names_no_attachment(client, db):
    article = make_article(title="巡河日记", paragraphs=["河长巡河。"])
    article.attachments.add(document_with_text("值班表。", title="值班安排"))
    data = client.get(reverse("search_json"), {"q": "巡河"}).json()
    assert data["results"][0]["attachment"] is None
    assert "附件《" not in client.get(reverse("search"), {"q": "巡河"}).content.decode()


def test_attachment_words_rank_below_body_words(db):
    in_body = make_article(title="防汛通知一", paragraphs=["各街道组织无人机巡河。"])
    in_attachment = make_article(title="防汛通知二", paragraphs=["各街道组织巡查。"])
    in_attachment.attachments.add(document_with_text("各街道组织无人机巡河。"))
    assert found("巡河") == [in_body.title, in_attachment.title]
    # Newer articles come first among equals; the body still wins.
    in_body.published_at = in_attachment.published_at.replace(year=2020)
    in_body.save()
    assert found("巡河") == [in_body.title, in_attachment.title]


def test_index_follows_the_attachments_of_an_article(db):
    article = make_article(title="防汛通知")
    document = notice()
    article.attachments.add(document)
    assert found(ONLY_IN_ATTACHMENT) == ["防汛通知"]
    article.attachments.remove(document)
    assert found(ONLY_IN_ATTACHMENT) == []
    # From the document's side too.
    document.articles.add(article)
    assert found(ONLY_IN_ATTACHMENT) == ["防汛通知"]
    document.articles.clear()
    assert found(ONLY_IN_ATTACHMENT) == []
    article.attachments.set([document])
    assert found(ONLY_IN_ATTACHMENT) == ["防汛通知"]
    article.attachments.clear()
    assert found(ONLY_IN_ATTACHMENT) == []


def test_replacing_the_file_or_the_title_reindexes_its_articles(db):
    first, second = make_article(title="防汛通知"), make_article(title="防汛简报")
    document = notice()
    document.articles.add(first, second)
    assert sorted(found(ONLY_IN_ATTACHMENT)) == ["防汛简报", "防汛通知"]

    stored(docx_upload("各街道组织人工巡查。"), document=document)
    assert found(ONLY_IN_ATTACHMENT) == []
    assert sorted(found("人工巡查")) == ["防汛简报", "防汛通知"]

    document.title = "汛期值守安排"
    document.save()
    assert sorted(found("值守")) == ["防汛简报", "防汛通知"]
    assert found("实施方案") == []


def test_deleting_a_document_takes_its_words_out(db):
    article = make_article(title="防汛通知")
    document = notice()
    article.attachments.add(document)
    document.delete()
    assert found(ONLY_IN_ATTACHMENT) == []
    assert SearchDocument.objects.get(entry__object_id=article.pk).attachments == []


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT},
        {"status": Status.REVIEW},
        {"status": Status.UNPUBLISHED},
    ],
)
def test_an_unpublished_articles_attachment_finds_nothing(client, db, fields):
    hidden = make_article(title="内部稿件", **fields)
    document = notice()
    hidden.attachments.add(document)
    assert service.search(ONLY_IN_ATTACHMENT).total == 0
    page = client.get(reverse("search"), {"q": ONLY_IN_ATTACHMENT}).content.decode()
    assert "没有找到" in page and NOTICE_TITLE not in page
    assert client.get(reverse("search_json"), {"q": ONLY_IN_ATTACHMENT}).json()["total"] == 0
    # The admin's search box finds the draft by its attachment.
    assert service.matching_ids("article", ONLY_IN_ATTACHMENT) == [hidden.pk]
    # Shared with a published article: only that one is found.
    public = make_article(title="公开稿件")
    public.attachments.add(document)
    assert found(ONLY_IN_ATTACHMENT) == ["公开稿件"]


def test_only_the_start_of_a_long_attachment_is_indexed(db):
    head = "前言。" * (kinds.ATTACHMENT_CHARS // 3)
    article = make_article(title="长篇报告")
    article.attachments.add(document_with_text(f"开头写着巡河。{head}结尾写着夜航。"))
    assert found("巡河") == ["长篇报告"]
    assert found("夜航") == []
    [texts] = SearchDocument.objects.get(entry__object_id=article.pk).attachments
    assert len(texts["text"]) == kinds.ATTACHMENT_CHARS


def test_words_broken_across_pdf_lines_are_found(db):
    article = make_article(title="防汛通知")
    article.attachments.add(document_with_text("各街道组织无人机巡\n河志愿服务。\nDrone\npatrol"))
    assert found("巡河") == ["防汛通知"]
    assert found('"drone patrol"') == ["防汛通知"]


def test_attachment_titles_and_text_are_escaped(client, db):
    article = make_article(title="防汛通知")
    article.attachments.add(
        document_with_text('巡河<script>alert(1)</script>"', title="<b>巡河</b>方案")
    )
    page = client.get(reverse("search"), {"q": "巡河"}).content.decode()
    assert "<script>alert(1)" not in page and "<b>" not in page
    assert "&lt;b&gt;<mark>巡河</mark>&lt;/b&gt;方案" in page
    assert "<mark>巡河</mark>&lt;script&gt;alert(1)&lt;/script&gt;" in page
    data = client.get(reverse("search_json"), {"q": "巡河"}).json()
    assert "<script>" not in data["results"][0]["attachment"]["snippet_html"]


def test_rebuild_indexes_attachments(db):
    article = make_article(title="防汛通知")
    article.attachments.add(notice())
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", verbosity=0)
    [hit] = service.search(ONLY_IN_ATTACHMENT).hits
    assert hit.obj == article and hit.attachment.title == NOTICE_TITLE


def queries_for(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"q": query}).status_code == 200
    return len(queries)


# A page of ten results: count, rank, entries with their text, the articles
# and their districts (and, for the page, the districts of the filter form).
QUERY_BUDGETS = {"search": 6, "search_json": 5}


@pytest.mark.parametrize("page", sorted(QUERY_BUDGETS))
def test_attachments_add_no_query_to_a_search_page(client, db, page):
    """A page of results costs the same queries with attachments as without:
    what the result shows of them is read with the entries."""
    url = reverse(page)
    articles = [make_article(title=f"防汛通知{n}", paragraphs=["汛期值守。"]) for n in range(12)]
    without = queries_for(client, url, "值守")
    assert without <= QUERY_BUDGETS[page]
    for article in articles:
        article.attachments.add(
            *(document_with_text(f"汛期值守第{i}项。", title=f"附表{i}") for i in range(3))
        )
    hits = service.search("值守").hits
    assert len(hits) == 10 and all(hit.attachment for hit in hits)
    assert queries_for(client, url, "值守") == without
