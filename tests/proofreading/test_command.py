"""`manage.py proofread` reports the archive's hits by article and exits
non-zero when one of them is high-severity, for monitoring."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.management.commands.proofread import Command
from core.status import Status
from tests.factories import make_article

AFTER_MERGER = dt.datetime(2022, 1, 1, 9, tzinfo=dt.UTC)


def run(*args):
    out = io.StringIO()
    call_command("proofread", *args, stdout=out)
    return out.getvalue()


def run_failing(*args):
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("proofread", *args, stdout=out)
    return out.getvalue(), caught.value


def test_the_shipped_content_passes(content):
    """The seed article has no hit: exit status 0 and a summary line."""
    assert run("--all").strip() == (
        "1 article(s) checked, 0 with hits: 0 high-severity (高), 0 low-severity (低)."
    )


def test_a_high_severity_hit_is_reported_by_article_and_fails(content):
    """Each flagged article: id, title, admin address, then each hit; exit status 1."""
    article = make_article(
        title="原江干区召开会议",
        paragraphs=["江干区再接再励，最佳成绩。"],
        published_at=AFTER_MERGER,
    )
    out, error = run_failing("--all")
    assert error.returncode == 1
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert f"#{article.pk} 原江干区召开会议  {url}  [已发布]" in out
    assert "    正文第1节第1段: 江干区 → 原江干区  (高)  “江干区再接再励，最佳成绩。”" in out
    assert "    正文第1节第1段: 再接再励 → 再接再厉  (高)" in out
    assert "    正文第1节第1段: 最佳  (低)" in out
    assert "上城江干滨江" not in out  # the seed article has no hit
    assert out.strip().endswith(
        "2 article(s) checked, 1 with hits: 2 high-severity (高), 1 low-severity (低)."
    )


def test_low_severity_hits_alone_exit_zero(db):
    """Advice (低) is listed but does not fail the run."""
    make_article(paragraphs=["打造顶级品牌。"])
    out = run("--all")
    assert "顶级  (低)" in out
    assert "1 with hits: 0 high-severity (高), 1 low-severity (低)." in out


def test_status_and_ids_narrow_the_scan(db):
    """--status and article ids choose what is scanned."""
    draft = make_article(status=Status.DRAFT, paragraphs=["再接再励。"])
    published = make_article(paragraphs=["正文。"])
    assert "1 article(s) checked, 0 with hits" in run("--all", "--status", "published")
    out, error = run_failing("--all", "--status", "draft")
    assert f"#{draft.pk} " in out and error.returncode == 1
    assert "1 article(s) checked, 0 with hits" in run(str(published.pk))


def test_high_only_lists_just_what_blocks(db):
    """--high-only leaves the advice out of the list, not out of the summary."""
    make_article(paragraphs=["顶级的再接再励。"])
    out, _ = run_failing("--all", "--high-only")
    assert "再接再励 → 再接再厉  (高)" in out and "顶级  (低)" not in out
    assert "1 high-severity (高), 1 low-severity (低)." in out


def test_nothing_to_scan_is_an_error(db):
    """Without --all or ids the command says what it needs."""
    with pytest.raises(CommandError, match="--all"):
        call_command("proofread")


def test_exit_status_from_the_command_line(db, capsys):
    """What a monitor sees: exit status 1 with a high hit, the message on stderr."""
    make_article(paragraphs=["再接再励。"])
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "proofread", "--all"])
    assert exited.value.code == 1
    assert "1 high-severity hit(s) found" in capsys.readouterr().err


@pytest.mark.parametrize("count", [1, 40])
def test_queries_do_not_grow_with_the_archive(db, django_assert_max_num_queries, count):
    """The word list once, then the articles and their sections in chunks."""
    for _ in range(count):
        make_article(paragraphs=["最佳。"], published_at=AFTER_MERGER)
    with django_assert_max_num_queries(6):
        out = run("--all")
    assert f"{count} article(s) checked, {count} with hits" in out
