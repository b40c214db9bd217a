"""The admin's 导入稿件 page (importing.admin_views): upload, a preview that
writes nothing, then the import on confirmation; district editors import
drafts of their own districts; a token is good once, for its own user."""

import io
import time

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.models import Article
from audit.models import AuditEntry
from core.status import Status
from districts.models import District
from importing import admin_views
from tests.admin_helpers import login_as, make_user
from tests.conftest import SEED, SEED_TITLE

URL = reverse("admin:articles_article_import")

NEW_TITLE = "上城区举办党史知识竞赛"
NEW_TEXT = f"""{NEW_TITLE}
发布时间:2021-05-01 09:00

杭州日报讯 5月1日，上城区举办党史知识竞赛，共有二十支队伍参加。

比赛分为必答、抢答和风险题三个环节，现场气氛热烈。

来源:杭州日报 作者:记者 张三 通讯员 王五 编辑:李四
"""
BROKEN = b"\x00\x01\x02 not an article"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def txt(name, text):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/plain")


def new_file(name="竞赛.txt", title=NEW_TITLE, district=""):
    text = NEW_TEXT.replace(NEW_TITLE, title)
    if district:
        text = text.replace("比赛分为", f"{district}\n\n比赛分为", 1)
    return txt(name, text)


def upload(client, *files, **fields):
    return client.post(URL, {"files": list(files), **fields})


def confirm(client, response, **extra):
    return client.post(URL, {"token": response.context["token"], "confirm": "1", **extra})


def rows_by_name(response):
    return {row["name"]: row for row in response.context["rows"]}


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_the_add_permission_get_403(client, db):
    client.force_login(make_user("reader"))
    assert client.get(URL).status_code == 403
    assert upload(client, new_file()).status_code == 403


def test_the_article_list_links_to_the_page_for_editors(client, content):
    login_as(client, "newsroom")
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f'href="{URL}"' in page
    assert "导入稿件" in page
    # The list it replaces (django-reversion's) keeps its link too.
    assert reverse("admin:articles_article_recoverlist") in page
    form = client.get(URL).content.decode()
    assert 'accept=".txt,.docx"' in form
    assert 'name="status"' not in form  # only publishers choose the status


def test_preview_lists_new_unchanged_and_failed_files_and_writes_nothing(client, content):
    login_as(client, "publisher")
    before = Article.objects.count()
    seed_bytes = SEED.read_bytes()
    response = upload(
        client,
        new_file(),
        txt(SEED.name, seed_bytes),
        txt("坏文件.txt", BROKEN),
        txt("图片.jpg", b"\xff\xd8\xff"),
    )
    assert response.status_code == 200
    rows = rows_by_name(response)
    assert [r["label"] for r in rows.values()] == ["新建", "不变", "失败", "失败"]
    new = rows["竞赛.txt"]
    assert new["title"] == NEW_TITLE
    assert new["published"] == "2021-05-01 09:00"
    assert new["source"] == "杭州日报"
    assert new["paragraphs"] == 2
    assert new["bylines"] == [("作者", "记者 张三"), ("通讯员", "通讯员 王五"), ("编辑", "李四")]
    assert rows[SEED.name]["title"] == SEED_TITLE
    # The importer's reason in English stays beside the Chinese the page shows.
    assert rows["坏文件.txt"]["reason"] == "binary content (NUL bytes), not a text file"
    assert (
        rows["坏文件.txt"]["message"]
        == "无法导入（文件）：文件含有二进制内容（NUL 字节），不是文本文件"
    )
    assert ".txt" in rows["图片.jpg"]["message"]
    assert response.context["importable"] == 1
    page = response.content.decode()
    assert "还没有写入任何内容" in page and "确认导入（1 个文件）" in page
    assert "文件含有二进制内容（NUL 字节），不是文本文件" in page
    assert "binary content" not in page
    assert Article.objects.count() == before


def test_confirm_imports_drafts_and_records_who(client, content, upload_dir):
    user = login_as(client, "publisher")
    preview = upload(client, new_file(), txt("坏文件.txt", BROKEN))
    response = confirm(client, preview)
    assert response.status_code == 200
    rows = rows_by_name(response)
    assert rows["竞赛.txt"]["label"] == "已新建"
    assert rows["坏文件.txt"]["label"] == "失败"
    assert "文件含有二进制内容" in rows["坏文件.txt"]["message"]
    assert "文件含有二进制内容" in response.content.decode()
    article = Article.objects.get(title=NEW_TITLE)
    assert article.status == Status.DRAFT
    assert article.source_file == "竞赛.txt"
    assert article.last_edited_by == user
    assert rows["竞赛.txt"]["change_url"] == reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    assert "已导入 1 篇稿件" in response.content.decode()
    from reversion.models import Version

    (version,) = Version.objects.get_for_object(article)
    assert (version.revision.user, version.revision.comment) == (user, "导入：竞赛.txt")
    entry = AuditEntry.objects.filter(action="import").latest("pk")
    assert entry.user == user and "竞赛.txt" in entry.detail
    assert "坏文件.txt：无法导入（文件）：文件含有二进制内容" in entry.detail
    # The uploads are gone with the import.
    assert not any(upload_dir.iterdir())


def test_a_publisher_may_publish_with_a_tag(client, content):
    login_as(client, "publisher")
    preview = upload(client, new_file(), status=Status.PUBLISHED, tags="党史，竞赛")
    assert ("新稿件状态", "已发布") in preview.context["options"]
    confirm(client, preview)
    article = Article.objects.get(title=NEW_TITLE)
    assert article.status == Status.PUBLISHED
    assert sorted(t.name for t in article.tags.all()) == ["党史", "竞赛"]


def test_an_editor_without_publish_permission_imports_drafts_whatever_is_posted(client, content):
    login_as(client, "newsroom")
    preview = upload(client, new_file(), status=Status.PUBLISHED)
    confirm(client, preview)
    assert Article.objects.get(title=NEW_TITLE).status == Status.DRAFT


def test_a_district_editors_import_is_a_draft_of_their_district(client, content):
    user = login_as(client, "district")
    preview = upload(
        client, new_file(), new_file("滨江.txt", "滨江区的稿件", district="高新区(滨江)")
    )
    rows = rows_by_name(preview)
    assert rows["竞赛.txt"]["label"] == "新建"
    assert rows["滨江.txt"]["label"] == "失败"
    assert "其他城区" in rows["滨江.txt"]["message"]
    response = confirm(client, preview, status=Status.PUBLISHED)
    rows = rows_by_name(response)
    assert rows["竞赛.txt"]["label"] == "已新建"
    assert rows["滨江.txt"]["label"] == "失败"
    article = Article.objects.get(title=NEW_TITLE)
    assert article.status == Status.DRAFT
    assert list(article.districts.all()) == [District.objects.get(slug="shangcheng")]
    assert article.last_edited_by == user
    assert not Article.objects.filter(title="滨江区的稿件").exists()
    # It is in their list.
    listed = client.get(reverse("admin:articles_article_changelist"))
    assert NEW_TITLE in listed.content.decode()


def test_a_district_editor_cannot_rewrite_an_article_outside_their_districts(client, content):
    publisher = Client()
    publisher.force_login(make_user("publisher", group="发布者"))
    confirm(publisher, upload(publisher, new_file()))
    article = Article.objects.get(title=NEW_TITLE)
    article.districts.set([District.objects.get(slug="gaoxin-binjiang")])
    checksum = article.import_checksum

    login_as(client, "district")
    changed = txt("竞赛.txt", NEW_TEXT.replace("现场气氛热烈", "现场气氛十分热烈"))
    preview = upload(client, changed)
    (row,) = preview.context["rows"]
    assert row["label"] == "失败" and "不属于您负责的城区" in row["message"]
    (row,) = confirm(client, preview).context["rows"]
    assert row["label"] == "失败"
    article.refresh_from_db()
    assert article.import_checksum == checksum


def test_an_edited_article_is_a_conflict_and_a_gb18030_file_has_a_warning(client, content):
    login_as(client, "newsroom")
    confirm(client, upload(client, new_file()))
    article = Article.objects.get(title=NEW_TITLE)
    Article.objects.filter(pk=article.pk).update(source="编辑改过的来源")
    changed = NEW_TEXT.replace("现场气氛热烈", "现场气氛十分热烈")
    preview = upload(client, txt("竞赛.txt", changed), txt("gbk.txt", new_text_gb18030()))
    rows = rows_by_name(preview)
    assert rows["竞赛.txt"]["label"] == "冲突"
    assert "导入后已被编辑修改过" in rows["竞赛.txt"]["message"]
    assert "edited since its import" in rows["竞赛.txt"]["reason"]
    assert rows["竞赛.txt"]["change_url"].endswith(f"/{article.pk}/change/")
    assert rows["gbk.txt"]["label"] == "新建" and rows["gbk.txt"]["warnings"]
    assert preview.context["importable"] == 1


def new_text_gb18030():
    return NEW_TEXT.replace(NEW_TITLE, "另一篇稿件").encode("gb18030")


def test_a_token_is_good_once_and_only_for_its_user(client, content):
    login_as(client, "newsroom")
    preview = upload(client, new_file())
    token = preview.context["token"]

    other = Client()
    other.force_login(make_user("other", group="新闻编辑"))
    stolen = other.post(URL, {"token": token, "confirm": "1"}, follow=True)
    assert "已过期" in stolen.content.decode()
    assert not Article.objects.filter(title=NEW_TITLE).exists()

    # Even in the same session, a token of another user is refused.
    session = client.session
    session[admin_views.SESSION_KEY][token]["user"] = -1
    session.save()
    assert confirm(client, preview).status_code == 302
    assert not Article.objects.filter(title=NEW_TITLE).exists()

    fresh = upload(client, new_file())
    confirm(client, fresh)
    assert Article.objects.filter(title=NEW_TITLE).count() == 1
    again = confirm(client, fresh)
    assert again.status_code == 302 and again["Location"] == URL


def test_a_second_request_for_the_same_upload_finds_it_taken(client, content, upload_dir):
    """Two requests at once (a double click) both find the token in the
    session they loaded; only the first finds the files."""
    login_as(client, "newsroom")
    preview = upload(client, new_file())
    saved = dict(client.session[admin_views.SESSION_KEY])
    confirm(client, preview)
    session = client.session
    session[admin_views.SESSION_KEY] = saved
    session.save()
    again = confirm(client, preview)
    assert again.status_code == 302
    assert Article.objects.filter(title=NEW_TITLE).count() == 1
    assert not any(upload_dir.iterdir())


def test_the_upload_folder_is_private(client, content, upload_dir):
    login_as(client, "newsroom")
    upload(client, new_file())
    assert upload_dir.stat().st_mode & 0o777 == 0o700
    (folder,) = upload_dir.iterdir()
    assert folder.stat().st_mode & 0o777 == 0o700


def test_an_expired_upload_is_refused_and_its_files_deleted(client, content, upload_dir):
    login_as(client, "newsroom")
    preview = upload(client, new_file())
    session = client.session
    session[admin_views.SESSION_KEY][preview.context["token"]]["created"] = time.time() - 7200
    session.save()
    response = confirm(client, preview)
    assert response.status_code == 302
    assert not Article.objects.filter(title=NEW_TITLE).exists()
    assert not any(upload_dir.iterdir())


def test_cancel_deletes_the_uploads(client, content, upload_dir):
    login_as(client, "newsroom")
    preview = upload(client, new_file())
    response = client.post(URL, {"token": preview.context["token"], "cancel": "1"})
    assert response.status_code == 302
    assert not any(upload_dir.iterdir())
    assert not Article.objects.filter(title=NEW_TITLE).exists()


def test_a_word_file_is_accepted(client, content):
    login_as(client, "newsroom")
    document = docx.Document()
    for line in NEW_TEXT.replace(NEW_TITLE, "Word稿件导入测试").split("\n"):
        if line:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    word = SimpleUploadedFile("稿件.DOCX", buffer.getvalue())
    preview = upload(client, word)
    (row,) = preview.context["rows"]
    assert (row["name"], row["label"], row["title"]) == ("稿件.docx", "新建", "Word稿件导入测试")
    confirm(client, preview)
    assert Article.objects.get(title="Word稿件导入测试").source_file == "稿件.docx"


def test_a_corrupt_word_file_is_refused_in_chinese(client, content):
    login_as(client, "newsroom")
    corrupt = SimpleUploadedFile("坏稿件.docx", b"PK\x03\x04 truncated zip")
    preview = upload(client, corrupt)
    (row,) = preview.context["rows"]
    assert row["label"] == "失败"
    assert row["reason"].startswith("damaged Word file (not a readable ZIP package)")
    assert row["message"].startswith("无法导入（文件）：Word 文件已损坏：不是可读的 ZIP 包")
    page = preview.content.decode()
    assert "Word 文件已损坏：不是可读的 ZIP 包" in page and "damaged Word file" not in page


def test_limits_and_hostile_input_give_chinese_errors_not_500(
    client, content, settings, monkeypatch
):
    login_as(client, "newsroom")
    response = client.post(URL, {})
    assert response.status_code == 200
    assert "请选择要导入的稿件文件" in response.content.decode()

    settings.IMPORT_MAX_BYTES = 100
    big = upload(client, txt("大.txt", "字" * 200), txt("../../etc/passwd.txt", NEW_TEXT))
    rows = [(row["name"], row["label"]) for row in big.context["rows"]]
    assert rows == [("大.txt", "失败"), ("passwd.txt", "失败")]
    assert "文件太大" in big.context["rows"][0]["message"]

    settings.IMPORT_MAX_BYTES = 5 * 1024 * 1024
    monkeypatch.setattr(admin_views, "MAX_FILES", 3)
    too_many = upload(client, *[new_file(f"{n}.txt") for n in range(4)])
    assert too_many.status_code == 200
    assert "一次最多 3 个文件，您选择了 4 个" in too_many.content.decode()
    # Past Django's own limit the request is refused before the page sees it.
    beyond = settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1
    assert upload(client, *[new_file(f"{n}.txt") for n in range(beyond)]).status_code == 400

    for token in ["../../etc", "x" * 22, "", "A" * 500]:
        response = client.post(URL, {"token": token, "confirm": "1"})
        assert response.status_code == 302
    odd = upload(client, txt("...txt", b"x"), txt("\x7f.txt", b"\xff\xfe"), txt("空.txt", b""))
    assert odd.status_code == 200
    assert {row["label"] for row in odd.context["rows"]} == {"失败"}


def test_the_name_kept_is_the_last_part_and_printable():
    assert admin_views.safe_name("..\\..\\a.TXT") == "a.txt"
    assert admin_views.safe_name("/etc/.bashrc") == "bashrc"
    assert admin_views.safe_name("..") == "未命名"
    assert admin_views.safe_name("稿\x00件.txt") == "稿件.txt"
    assert len(admin_views.safe_name("长" * 300 + ".txt")) == admin_views.NAME_LENGTH
