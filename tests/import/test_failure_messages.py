"""Every file the importer refuses says why twice: `reason` in English for the
command and the scripts that read it (unchanged), `message` in Chinese for
the admin's 导入稿件 page. The hostile inputs are those of test_import_safety,
test_word_files and test_import_command."""

import ast
import contextlib
import importlib
import io
import json
import os
import re
import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from articles.models import Article
from importing import files, word
from importing.field_limits import check_field_lengths
from importing.files import read_source
from importing.importer import Importer
from importing.parser import (
    ArticleFormatError,
    ParsedByline,
    ParsedSection,
    decode_article_bytes,
    human_size,
    parse_article,
    parse_published_at,
)
from importing.photos import PhotoStorageError, PhotoStore
from importing.report import CONFLICT, FAILED, FileResult
from importing.word import read_word
from importing.writing import ArticleWriter

# "import" is a keyword: the Word tests' file builders are reached by name.
word_tests = importlib.import_module("tests.import.test_word_files")
safety_tests = importlib.import_module("tests.import.test_import_safety")

IMPORTING = Path(files.__file__).parent
CJK = re.compile("[\u4e00-\u9fff]")
GOOD = safety_tests.GOOD


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def assert_chinese(error):
    """A Chinese message beside an English reason that is still English."""
    assert CJK.search(error.message), error.message
    assert error.message != error.reason
    # The English may quote the file ('昨天'), but it opens in English.
    assert error.reason[:1].isascii() and error.reason[:1].isalpha(), error.reason


def refusal(call, *args, **kwargs):
    with pytest.raises(ArticleFormatError) as caught:
        call(*args, **kwargs)
    assert_chinese(caught.value)
    return caught.value


def run_json(*paths):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.suppress(CommandError):  # a failed file makes the command exit non-zero
        call_command("import_articles", *map(str, paths), "--json", stdout=out, stderr=err)
    return {entry["path"]: entry for entry in json.loads(out.getvalue())["files"]}


# --- every raise site has a message ------------------------------------------------


def test_every_raise_site_in_importing_gives_a_chinese_message():
    """A new ArticleFormatError without `message=` would show English on the
    admin page (and a message passed by position would land in `line`)."""
    bare = []
    for path in sorted(IMPORTING.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "ArticleFormatError"
                and not any(k.arg == "message" for k in node.keywords)
            ):
                bare.append(f"{path.name}:{node.lineno}")
    assert bare == []


def test_the_message_falls_back_to_the_reason():
    error = ArticleFormatError("something new", line=3)
    assert (error.reason, error.message, error.line) == ("something new", "something new", 3)


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (800, "800 字节"),
        (1024, "1 KB"),
        (12800, "12.5 KB"),
        (5 * 1024**2, "5 MB"),
        (3 * 1024**3, "3 GB"),
    ],
)
def test_sizes_are_in_human_units(size, shown):
    assert human_size(size) == shown


# --- text files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason", "message"),
    [
        (b"title\x00\x01binary", "binary content", "文件含有二进制内容（NUL 字节），不是文本文件"),
        ("标题\n正文".encode() + b"\xff\xfe\n", "neither UTF-8 nor GB18030", "既不是 UTF-8"),
        ("标题\n\n正文\x07。".encode(), "control or private-use", "控制字符或私用区字符 U+0007"),
    ],
    ids=["nul", "undecodable", "control"],
)
def test_undecodable_bytes(content, reason, message):
    error = refusal(decode_article_bytes, content)
    assert reason in error.reason and message in error.message


@pytest.mark.parametrize(
    ("text", "reason", "message"),
    [
        ("", "empty file", "文件是空的：没有标题，也没有正文"),
        ("\n\n  \n", "empty file", "文件是空的"),
        ("返 回\n", "no title after the navigation line", "导航行（返回）之后没有标题"),
        ("发布时间:2021-03-11\n\n正文。", "no title", "没有找到标题"),
        (
            "题" * 201 + "\n发布时间:2021-03-11\n\n正文。",
            "title longer than 200",
            "标题超过 200 个字",
        ),
        (
            "标题\n发布时间:2021-03-11 07:23\n\n来源:杭州日报",
            "no body paragraphs",
            "没有找到正文段落",
        ),
        ("标题\n发布时间:昨天\n\n正文。", "unrecognised date", "无法识别的日期“昨天”"),
        (
            "标题\n发布时间:2021-02-30 07:23:49\n\n正文。",
            "impossible date",
            "无法识别的日期“2021-02-30 07:23:49”：日期不存在",
        ),
        ("标题\n发布时间:2021-13-01\n\n正文。", "impossible date", "：月份不存在"),
        ("标题\n发布时间:2021-03-11 25:00\n\n正文。", "impossible date", "：时间不存在"),
    ],
    ids=[
        "empty",
        "blank",
        "nav-only",
        "date-first",
        "long-title",
        "no-body",
        "bad-date",
        "feb-30",
        "month-13",
        "hour-25",
    ],
)
def test_unparseable_text(text, reason, message):
    error = refusal(parse_article, text)
    assert reason in error.reason and message in error.message


def test_a_published_at_value_that_is_no_date():
    assert refusal(parse_published_at, "昨天", 2).message == "无法识别的日期“昨天”"
    error = refusal(parse_published_at, "2021-02-30", 2)
    assert error.message == "无法识别的日期“2021-02-30”：日期不存在"


# --- what is read, and how much -----------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_is_named_in_chinese(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    error = refusal(read_source, fifo)
    assert error.reason.startswith("not a regular file but a named pipe (FIFO); ")
    assert (
        error.message
        == "不是普通文件，而是命名管道（FIFO）：只能导入普通文件、文件夹或标准输入（-）"
    )


@pytest.mark.parametrize(
    ("mode", "kind"),
    [
        (stat.S_IFDIR, "文件夹"),
        (stat.S_IFSOCK, "套接字"),
        (stat.S_IFCHR, "字符设备"),
        (stat.S_IFBLK, "块设备"),
    ],
)
def test_every_kind_of_special_file_is_named_in_chinese(mode, kind):
    error = refusal(files._refuse_unless_regular, mode)
    assert f"而是{kind}" in error.message


def test_a_file_over_the_limit_names_the_limit_in_megabytes(settings, tmp_path):
    settings.IMPORT_MAX_BYTES = 5 * 1024 * 1024
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (settings.IMPORT_MAX_BYTES + 1))
    error = refusal(read_source, big)
    assert error.reason == f"file larger than the {5 * 1024 * 1024}-byte limit"
    assert error.message == "文件超过 5 MB 的上限"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "题" * 201}, "“标题”有 201 个字，超过 200 个字的上限"),
        ({"bylines": [ParsedByline(kind="author", name="名" * 51, line=12)]}, "有 51 个字"),
        (
            {"sections": [ParsedSection(heading="标" * 201, paragraphs=["正文。"], line=4)]},
            "“小标题”有 201 个字",
        ),
    ],
    ids=["title", "byline", "heading"],
)
def test_a_value_too_long_for_its_column(fields, message):
    error = refusal(check_field_lengths, safety_tests.parsed_article(**fields))
    assert "more than its limit" in error.reason and message in error.message


# --- Word files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "reason", "message"),
    [
        (lambda p: word_tests.word_file(p, []), "Word file has no text", "Word 文件里没有文字"),
        (
            lambda p: word_tests.word_file(p, [("photo", word_tests.gps_jpeg())]),
            "Word file has no text",
            "Word 文件里没有文字",
        ),
        (
            lambda p: p.write_bytes(b"PK\x03\x04 truncated zip") and p,
            "damaged Word file",
            "Word 文件已损坏：不是可读的 ZIP 包",
        ),
        (lambda p: p.write_bytes(b"") or p, "empty file", "文件是空的（0 字节），不是 Word 文档"),
        (
            lambda p: p.write_text(f"{word_tests.TITLE}\n{word_tests.DATE}") and p,
            "rename it to .txt",
            "请把文件改名为 .txt",
        ),
        (
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600) and p,
            ".doc",
            "另存为 .docx",
        ),
        (lambda p: p.write_bytes(b"\xff" * 100) and p, "are ZIP packages", ".docx 文件是 ZIP 包"),
        (word_tests.not_a_docx_zip, "without word/document.xml", "没有 word/document.xml"),
    ],
    ids=["empty", "photo-only", "corrupt", "zero-bytes", "text", "old-doc", "binary", "zip"],
)
def test_unreadable_word_files(tmp_path, make, reason, message):
    path = make(tmp_path / "bad.docx")
    error = refusal(read_word, path.read_bytes())
    assert reason in error.reason and message in error.message


def test_a_word_file_that_unpacks_too_large_names_sizes_in_megabytes(tmp_path, monkeypatch):
    path = word_tests.word_file(tmp_path / "a.docx", word_tests.article_items())
    monkeypatch.setattr(word, "max_word_bytes", lambda: 1024)
    error = refusal(read_word, path.read_bytes())
    assert "Word file unpacks to" in error.reason
    assert re.search(r"^Word 文件解压后有 [\d.]+ KB，超过 8 KB 的上限，不予导入$", error.message)


def test_a_refused_photo_keeps_the_upload_checks_words(districts, tmp_path):
    path = word_tests.broken_jpeg_docx(tmp_path / "b.docx")
    (result,) = Importer(keep_results=True).run([path]).results
    assert result.action == FAILED and result.line == 4
    assert result.reason.startswith("photo 1 (/word/media/image1.jpg) refused: ")
    assert result.message.startswith("第 1 张图片（/word/media/image1.jpg）不能导入：")
    assert "图片文件已损坏" in result.message


# --- failures of the run, not of the file --------------------------------------------


def test_a_missing_file(districts, tmp_path):
    (result,) = Importer(keep_results=True).run([tmp_path / "missing.txt"]).results
    assert result.reason == "No such file or directory"
    assert result.message == "无法读取文件：文件不存在"


def test_a_database_failure(districts, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(ArticleWriter, "write", refuse)
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    (result,) = Importer(keep_results=True).run([path]).results
    assert result.reason == "database refused the article: disk I/O error"
    assert result.message == "数据库拒绝保存这篇稿件，文件没有导入（disk I/O error）"


def test_a_photo_storage_failure(districts, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PhotoStorageError("photo 1 could not be stored: disk full", "第 1 张图片无法保存")

    monkeypatch.setattr(PhotoStore, "store", refuse)
    path = word_tests.word_file(tmp_path / "a.docx", word_tests.article_items())
    (result,) = Importer(keep_results=True).run([path]).results
    assert (result.action, result.reason) == (FAILED, "photo 1 could not be stored: disk full")
    assert result.message == "第 1 张图片无法保存"


def test_conflicts_say_why_in_chinese(districts, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(GOOD, encoding="utf-8")
    Importer().run([path])
    Article.objects.update(title="党史学习教育动员部署", source="编辑改过")
    path.write_text(GOOD.replace("开展", "深入开展"), encoding="utf-8")
    (edited,) = Importer(keep_results=True).run([path]).results
    assert edited.action == CONFLICT
    assert "was edited since its import" in edited.reason
    assert edited.message.startswith("稿件“党史学习教育动员部署”导入后已被编辑修改过")

    undated = tmp_path / "b.txt"
    undated.write_text("党史学习教育动员部署\n\n杭州日报讯 另一段正文。\n", encoding="utf-8")
    (uncertain,) = Importer(keep_results=True).run([undated]).results
    assert uncertain.action == CONFLICT
    assert "cannot tell whether it is the same article" in uncertain.reason
    assert "但文件缺少发布时间" in uncertain.message and "无法确定是不是同一篇" in uncertain.message


# --- the command: English as before, and the Chinese in --json -----------------------


def test_json_carries_the_message_beside_the_reason(districts, tmp_path, capsys):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"title\x00\x01binary")
    corrupt = tmp_path / "corrupt.docx"
    corrupt.write_bytes(b"PK\x03\x04 truncated zip")
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    report = run_json(binary, corrupt, good)
    assert report[str(binary)]["reason"] == "binary content (NUL bytes), not a text file"
    assert report[str(binary)]["message"] == "文件含有二进制内容（NUL 字节），不是文本文件"
    assert report[str(corrupt)]["reason"].startswith("damaged Word file")
    assert report[str(corrupt)]["message"].startswith("Word 文件已损坏")
    assert (report[str(good)]["reason"], report[str(good)]["message"]) == ("", "")


def test_the_command_prints_the_english_reason(db, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"title\x00\x01binary")
    with pytest.raises(CommandError):
        call_command("import_articles", str(bad))
    err = capsys.readouterr().err
    assert f"{bad}:0: binary content (NUL bytes), not a text file" in err
    assert not CJK.search(err.split(str(bad), 1)[1].split("\n")[0])


def test_a_result_describes_itself_in_english():
    result = FileResult(
        "a.txt", FAILED, line=2, reason="no body paragraphs", message="没有找到正文段落"
    )
    assert result.describe() == "a.txt:2: no body paragraphs"
    assert result.as_dict()["message"] == "没有找到正文段落"
