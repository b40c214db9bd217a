"""Imported files are proofread: each hit is a warning on the file's result,
with the line of the file and the place in the article."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from importing.importer import Importer
from importing.report import ImportOptions

FILE = """\
江干区再接再励
发布时间:{date}

第一段没有问题。

江干区

原江干区召开会议，江干区委主要负责人出席。

来源:杭州日报   作者:记者 张三   编辑:李四
"""


@pytest.fixture
def jianggan_dissolved(districts):
    shangcheng, jianggan, _ = districts
    jianggan.dissolved_on = dt.date(2021, 4, 9)
    jianggan.save()
    jianggan.successors.add(shangcheng)


def write(tmp_path, date):
    path = tmp_path / "news.txt"
    path.write_text(FILE.format(date=date), encoding="utf-8")
    return path


def import_results(paths, **options):
    report = Importer(ImportOptions(**options), keep_results=True).run(paths)
    return report.results


def proofreading_notes(result):
    return [note.describe() for note in result.warnings if note.code == "proofreading"]


def test_hits_are_warnings_with_line_and_place(jianggan_dissolved, tmp_path):
    """Title, district line and paragraph hits, in order; 原江干区 is not one."""
    (result,) = import_results([write(tmp_path, "2022-05-01")])
    assert result.action == "created"
    notes = proofreading_notes(result)
    assert [note.split(" ", 3)[:3] for note in notes] == [
        ["line", "1:", "校对：标题：江干区"],
        ["line", "1:", "校对：标题：再接再励"],
        ["line", "6:", "校对：正文第2节城区：江干区"],
        ["line", "8:", "校对：正文第2节第1段：江干区"],
    ]
    assert notes[0].startswith(
        "line 1: 校对：标题：江干区 → 原江干区（高） 江干区已于2021年4月9日撤销"
    )
    assert "原江干区召开会议" not in "".join(notes)


def test_a_file_dated_before_the_merger_only_gets_the_typo(jianggan_dissolved, tmp_path):
    """Outdated names count from the file's 发布时间."""
    (result,) = import_results([write(tmp_path, "2021-03-11")])
    (note,) = proofreading_notes(result)
    assert note.startswith("line 1: 校对：标题：再接再励 → 再接再厉（高） “厉”同“砺”")


def test_a_dry_run_warns_too(jianggan_dissolved, tmp_path):
    """The operator can see the hits before anything is written."""
    (result,) = import_results([write(tmp_path, "2022-05-01")], dry_run=True)
    assert len(proofreading_notes(result)) == 4


def test_the_command_shows_the_warnings_with_the_file(jianggan_dissolved, tmp_path):
    """The operator sees them under the file's line (-v 2, --dry-run) and in --json."""
    path = write(tmp_path, "2022-05-01")
    out = StringIO()
    call_command("import_articles", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"created: {path} -> 江干区再接再励" in text
    assert "    line 8: 校对：正文第2节第1段：江干区 → 原江干区（高）" in text
    out = StringIO()
    call_command("import_articles", str(path), "--json", stdout=out, verbosity=0)
    (entry,) = json.loads(out.getvalue())["files"]
    assert entry["path"] == str(path)
    assert len([note for note in entry["warnings"] if note["code"] == "proofreading"]) == 4


def test_the_seed_file_imports_without_proofreading_warnings(districts, seed_path):
    """No false hit on the seed file either."""
    (result,) = import_results([seed_path])
    assert result.action == "created"
    assert proofreading_notes(result) == []
