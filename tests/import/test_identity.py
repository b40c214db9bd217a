"""Which article a file is: source + title + 发布时间, where a part the file
(or the article) lacks is unknown, never "empty": such a match is reported as
a conflict and nothing is written, --force or not."""

import contextlib
import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


def run(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.suppress(CommandError):
        call_command("import_articles", *map(str, args), stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def variant(seed_path, tmp_path, name, drop=(), replace=()):
    text = seed_path.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if not line.startswith(tuple(drop))]
    text = "\n".join(lines)
    for old, new in replace:
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_copy_without_its_date_never_touches_the_dated_article(districts, seed_path, tmp_path):
    run(seed_path, verbosity=0)
    dated = Article.objects.get()
    before = (dated.published_at, dated.imported_fingerprint)
    undated = variant(
        seed_path,
        tmp_path,
        "undated.txt",
        drop=["发布时间"],
        replace=[("编辑:高婷婷", "编辑:王五")],
    )
    for options in ((), ("--force",)):
        out, err = run(undated, *options)
        assert "conflict 1" in out and "created 0" in out and "updated 0" in out
        assert "has no 发布时间" in err and "cannot tell whether it is the same article" in err
    dated.refresh_from_db()
    assert (dated.published_at, dated.imported_fingerprint) == before
    assert Article.objects.count() == 1


def test_a_dated_copy_of_an_undated_import_is_a_conflict_too(districts, seed_path, tmp_path):
    undated = variant(seed_path, tmp_path, "undated.txt", drop=["发布时间"])
    run(undated, verbosity=0)
    out, err = run(seed_path)
    assert "conflict 1" in out and "the article has no 发布时间" in err
    assert Article.objects.get().published_at is None


def test_a_copy_without_its_source_is_a_conflict(districts, seed_path, tmp_path):
    run(seed_path, verbosity=0)
    sourceless = variant(seed_path, tmp_path, "nosource.txt", replace=[("来源:杭州日报", "")])
    out, err = run(sourceless)
    assert "conflict 1" in out and "has no 来源" in err


def test_another_date_is_another_article(districts, seed_path, tmp_path):
    """A recurring title on another day is a new article, not a conflict."""
    run(seed_path, verbosity=0)
    later = variant(seed_path, tmp_path, "later.txt", replace=[("2021-03-11", "2022-03-11")])
    out, _ = run(later)
    assert "created 1" in out and Article.objects.count() == 2
