"""The importer reads only regular files, never hangs on a FIFO, and refuses a
value too long for its column before writing anything, on both databases."""

import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleSection, Byline
from importing import files
from importing.field_limits import check_field_lengths
from importing.files import read_source
from importing.parser import (
    ArticleFormatError,
    ParsedArticle,
    ParsedByline,
    ParsedSection,
    parse_article,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")

GOOD = "党史学习教育动员部署\n发布时间:2021-03-11 07:23\n\n杭州日报讯 各城区开展党史学习教育。\n"
SECONDS = 10


class StillRunning(Exception):
    """Not an OSError (as TimeoutError is), so the importer cannot report it
    as one more failed file."""


@contextmanager
def finishes_within(seconds):
    """Fail, instead of hanging the test run, if the block blocks (an open() of
    a FIFO waits for a writer forever; the alarm interrupts it)."""

    def expired(signum, frame):
        raise StillRunning(f"still running after {seconds} seconds")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(*paths, **options):
    """The command's exit (None or the CommandError), stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    error = None
    with finishes_within(SECONDS):
        try:
            call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
        except CommandError as exc:
            error = exc
    return error, out.getvalue(), err.getvalue()


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


# --- only regular files -----------------------------------------------------------


def test_a_fifo_is_a_failed_file_not_a_hang(districts, fifo):
    error, out, err = run(fifo)
    assert error is not None
    assert f"{fifo}:0: not a regular file but a named pipe (FIFO)" in err
    assert "failed 1" in out
    assert not Article.objects.exists()


def test_a_fifo_in_a_folder_is_reported_and_the_other_files_imported(districts, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    os.mkfifo(folder / "a_pipe.txt")
    (folder / "b_good.txt").write_text(GOOD, encoding="utf-8")
    error, out, err = run(folder)
    assert error is not None
    assert f"{folder / 'a_pipe.txt'}:0: not a regular file" in err
    assert "created 1" in out and "failed 1" in out
    assert Article.objects.count() == 1


def test_a_symlink_to_a_fifo_is_refused(districts, fifo, tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(fifo)
    error, _, err = run(link)
    assert error is not None
    assert f"{link}:0: not a regular file but a named pipe (FIFO)" in err


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_is_refused(districts, device):
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    error, _, err = run(device)
    assert error is not None
    assert f"{device}:0: not a regular file but a character device" in err


def test_a_socket_is_refused(districts):
    # AF_UNIX paths are short (108 bytes): pytest's tmp_path may be too long.
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        path = Path(folder) / "s.txt"
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.bind(str(path))
            error, _, err = run(path)
        finally:
            server.close()
    assert error is not None
    assert f"{path}:0: not a regular file but a socket" in err


def test_missing_and_regular_files_in_one_run(districts, tmp_path, fifo):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    missing = tmp_path / "missing.txt"
    error, out, _ = run(missing, fifo, good, "--json")
    assert error is not None
    report = json.loads(out)
    actions = {f["path"]: (f["action"], f["reason"]) for f in report["files"]}
    assert actions == {
        str(missing): ("failed", "No such file or directory"),
        str(fifo): (
            "failed",
            "not a regular file but a named pipe (FIFO); "
            "only regular files, folders and - (standard input) can be imported",
        ),
        str(good): ("created", ""),
    }


def test_a_file_swapped_for_a_fifo_after_the_check_does_not_block(tmp_path, fifo, monkeypatch):
    """stat() says regular file, then the path is a FIFO: the non-blocking
    open returns at once and fstat refuses what was opened."""
    regular = tmp_path / "regular.txt"
    regular.write_text(GOOD, encoding="utf-8")
    real_stat = os.stat

    def stale_stat(path, *args, **kwargs):
        return real_stat(regular if str(path) == str(fifo) else path, *args, **kwargs)

    with finishes_within(SECONDS), monkeypatch.context() as patch:
        patch.setattr(files.os, "stat", stale_stat)
        with pytest.raises(ArticleFormatError, match="named pipe"):
            read_source(fifo)


def test_reading_a_fifo_in_a_fresh_process_ends_in_time(fifo):
    """The same check end to end in a separate interpreter, guarded by a real
    timeout: a hang there cannot take the test run with it."""
    code = (
        "import django, sys; django.setup()\n"
        "from importing.files import read_source\n"
        "from importing.parser import ArticleFormatError\n"
        "try:\n"
        "    read_source(sys.argv[1])\n"
        "except ArticleFormatError as exc:\n"
        "    print(exc.reason)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    result = subprocess.run(
        [sys.executable, "-c", code, str(fifo)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "not a regular file but a named pipe (FIFO)" in result.stdout


def test_standard_input_is_still_read(districts, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode())))
    error, out, _ = run("-")
    assert error is None
    assert "created 1" in out


# --- values that do not fit their column -----------------------------------------


def long_heading_text(lines):
    """Short lines with blank lines between them are one heading to the parser,
    so a file of them makes a heading as long as you like."""
    heading = "\n\n".join(f"第{n:05d}行小标题不以句号结尾" for n in range(lines))
    return f"标题\n发布时间:2021-03-11\n\n{heading}\n\n正文在这里，一句话结束。\n"


@pytest.mark.parametrize("lines", [13, 8000])  # 208 and 128,000 characters
def test_a_heading_longer_than_its_column_fails_and_writes_nothing(districts, tmp_path, lines):
    path = tmp_path / "long_heading.txt"
    path.write_text(long_heading_text(lines), encoding="utf-8")
    error, _, err = run(path)
    assert error is not None
    limit = ArticleSection._meta.get_field("heading").max_length
    # The heading starts on line 4, after the title, the date line and a blank.
    assert f"{path}:4: ArticleSection.heading “小标题” is " in err
    assert f"more than its limit of {limit}" in err
    assert not Article.objects.exists()
    assert not ArticleSection.objects.exists()


def test_a_heading_at_the_limit_is_imported(districts, tmp_path):
    # 12 lines of 16 characters: 192, within 200.
    path = tmp_path / "heading.txt"
    path.write_text(long_heading_text(12), encoding="utf-8")
    error, _, err = run(path)
    assert error is None, err
    assert len(ArticleSection.objects.exclude(heading="").get().heading) == 192


def test_a_district_line_longer_than_its_column_fails(districts, tmp_path):
    # Blanks inside a district name are folded away when matching, not when storing.
    label = "上" + " " * 30 + "城" + " " * 30 + "区"
    path = tmp_path / "district.txt"
    path.write_text(
        f"标题\n发布时间:2021-03-11\n\n导语一段。\n\n{label}\n\n上城区的一段正文。\n",
        encoding="utf-8",
    )
    error, _, err = run(path)
    assert error is not None
    assert f"{path}:6: ArticleSection.district_label" in err
    assert not Article.objects.exists()


def test_a_long_file_fails_alone_in_a_batch(districts, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a_long.txt").write_text(long_heading_text(20), encoding="utf-8")
    (folder / "b_good.txt").write_text(GOOD, encoding="utf-8")
    error, out, _ = run(folder)
    assert error is not None
    assert "created 1" in out and "failed 1" in out
    assert Article.objects.get().title == "党史学习教育动员部署"


def test_strict_run_stops_at_a_long_value_and_rolls_back(districts, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b_long.txt").write_text(long_heading_text(20), encoding="utf-8")
    error, out, _ = run(folder, "--strict")
    assert error is not None
    assert "rolled back" in out
    assert not Article.objects.exists()


def test_a_dry_run_reports_a_long_value(districts, tmp_path):
    path = tmp_path / "long_heading.txt"
    path.write_text(long_heading_text(20), encoding="utf-8")
    error, _, err = run(path, "--dry-run")
    assert error is not None
    assert "ArticleSection.heading" in err


def test_a_too_long_tag_option_is_refused_up_front(districts, tmp_path):
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError, match="longer than 100 characters"):
        call_command("import_articles", str(path), "--tag", "标" * 101, verbosity=0)
    assert not Article.objects.exists()


def parsed_article(**fields):
    article = ParsedArticle(title="标题", published_at=None, published_time_known=False)
    article.sections = [ParsedSection(paragraphs=["正文。"], line=3)]
    for name, value in fields.items():
        setattr(article, name, value)
    return article


@pytest.mark.parametrize(
    ("fields", "column", "line"),
    [
        ({"title": "题" * 201, "field_lines": {"title": 1}}, "Article.title", 1),
        ({"source": "源" * 101, "field_lines": {"source": 9}}, "Article.source", 9),
        ({"dateline": "讯" * 61, "field_lines": {"dateline": 3}}, "Article.dateline", 3),
        (
            {"bylines": [ParsedByline(kind="author", name="名" * 51, line=12)]},
            "Byline.name",
            12,
        ),
        (
            {"bylines": [ParsedByline(kind="author", name="李婷婷", role="记" * 21, line=12)]},
            "Byline.role",
            12,
        ),
        (
            {"sections": [ParsedSection(heading="标" * 201, paragraphs=["正文。"], line=4)]},
            "ArticleSection.heading",
            4,
        ),
    ],
)
def test_every_limited_field_is_checked(fields, column, line):
    """Values the parser cannot produce today are checked all the same, so a
    parser change cannot bring the SQLite/PostgreSQL difference back."""
    with pytest.raises(ArticleFormatError, match=column) as caught:
        check_field_lengths(parsed_article(**fields))
    assert caught.value.line == line


def test_values_at_their_limits_pass():
    check_field_lengths(
        parsed_article(
            title="题" * 200,
            source="源" * 100,
            dateline="讯" * 60,
            closing_slogan="口号" * 1000,  # a text column: no limit
            bylines=[ParsedByline(kind="author", name="名" * 50, role="记" * 20)],
        )
    )


def test_the_parser_knows_where_each_field_came_from(seed_path):
    text = seed_path.read_text(encoding="utf-8")
    parsed = parse_article(text, frozenset({"上城区", "江干区", "高新区(滨江)"}))
    assert parsed.field_lines == {"title": 2, "dateline": 5, "source": 57, "closing_slogan": 58}
    assert {byline.line for byline in parsed.bylines} == {57}
    file_lines = text.split("\n")
    for section in parsed.sections[1:]:
        first_line = file_lines[section.line - 1].strip()
        assert first_line == section.district_label or section.heading.startswith(first_line)
    inline = parse_article("标题\n发布时间:2021-03-11 来源:杭州日报\n\n正文。")
    assert inline.source == "杭州日报" and inline.field_lines["source"] == 2


def test_the_seed_imports_as_before(districts, seed_path):
    error, out, err = run(seed_path)
    assert error is None, err
    assert "created 1" in out
    assert Byline.objects.count() > 0
