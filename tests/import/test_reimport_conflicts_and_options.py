"""How import_articles behaves across runs: conflicts, strict mode, reports, options."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleSection, Campaign, Programme


def run(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edited_copy(seed_path, tmp_path, old, new):
    return write(tmp_path, "changed.txt", seed_path.read_text(encoding="utf-8").replace(old, new))


def test_editor_changes_are_a_conflict_until_forced(districts, seed_path, tmp_path):
    """A re-import never silently overwrites an editor's work."""
    run(seed_path, verbosity=0)
    article = Article.objects.get()
    section = article.sections.get(position=1)
    section.body = section.body.replace("上城", "上城（编辑已核实）", 1)
    section.save()

    changed = edited_copy(seed_path, tmp_path, "编辑:高婷婷", "编辑:王五")
    out, err = run(changed)
    assert "conflict 1" in out
    assert "was edited since its import; use --force" in err
    assert "编辑已核实" in ArticleSection.objects.get(pk=section.pk).body

    out, _ = run(changed, "--force")
    assert "updated 1" in out
    from reversion.models import Version

    [version] = Version.objects.get_for_object(Article.objects.get())
    assert version.revision.get_comment() == "导入更新：changed.txt"
    article.refresh_from_db()
    assert [b.name for b in article.editors] == ["王五"]
    assert "编辑已核实" not in "".join(s.body for s in article.sections.all())
    assert Article.objects.count() == 1


def test_reimporting_the_identical_file_after_an_edit_is_unchanged(districts, seed_path):
    run(seed_path, verbosity=0)
    Article.objects.update(title="编辑改过的标题")
    out, _ = run(seed_path)
    assert "unchanged 1" in out
    assert Article.objects.get().title == "编辑改过的标题"


def test_strict_stops_at_the_first_error_and_rolls_back(districts, seed_path, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a.txt").write_bytes(seed_path.read_bytes())
    (folder / "b.txt").write_text("标题\n发布时间:2021-02-30\n\n正文。", encoding="utf-8")
    (folder / "c.txt").write_text("另一篇\n发布时间:2021-03-12\n\n正文。", encoding="utf-8")
    with pytest.raises(CommandError):
        run(folder, "--strict")
    assert not Article.objects.exists()

    with pytest.raises(CommandError):
        run(folder)
    assert Article.objects.count() == 2


def test_json_report(districts, seed_path, tmp_path):
    bad = write(tmp_path, "bad.txt", "")
    with pytest.raises(CommandError):
        call_command(
            "import_articles", str(seed_path), str(bad), "--json", stdout=(out := io.StringIO())
        )
    report = json.loads(out.getvalue())
    assert report["summary"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "conflict": 0,
        "failed": 1,
    }
    created, failed = report["files"]
    assert created["action"] == "created" and created["url"].startswith("/articles/")
    assert created["title"].startswith("上城江干滨江")
    assert failed == {
        **failed,
        "action": "failed",
        "path": str(bad),
        "line": 1,
        "reason": "empty file: no title, no body",
    }


def test_dry_run_lists_what_each_file_would_do(districts, seed_path, tmp_path):
    run(seed_path, verbosity=0)
    new = write(tmp_path, "new.txt", "新稿件\n发布时间:2021-03-12\n\n正文。")
    changed = edited_copy(seed_path, tmp_path, "编辑:高婷婷", "编辑:王五")
    out, _ = run(new, changed, seed_path, "--dry-run")
    assert f"created: {new}" in out
    assert f"updated: {changed}" in out
    assert f"unchanged: {seed_path}" in out
    assert "dry run, nothing written: created 1, updated 1, unchanged 1" in out
    assert Article.objects.count() == 1
    assert [b.name for b in Article.objects.get().editors] == ["高婷婷"]


def test_standard_input(districts, seed_path, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(seed_path.read_bytes()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    out, _ = run("-")
    assert "created 1" in out
    assert Article.objects.get().source_file == "<stdin>"


def test_status_tags_and_campaign_options(districts, seed_path):
    campaign = Campaign.objects.create(title="党史学习教育", slug="c2021", year=2021)
    run(
        seed_path,
        "--status",
        "published",
        "--tag",
        "党史学习教育",
        "--tag",
        "杭州",
        "--campaign",
        "c2021",
    )
    article = Article.objects.get()
    assert article.status == "published"
    assert sorted(article.tags.names()) == ["党史学习教育", "杭州"]
    assert article.campaign == campaign


def test_unknown_campaign_is_a_clear_error(db, seed_path):
    with pytest.raises(CommandError, match="no campaign with slug 'nope'"):
        run(seed_path, "--campaign", "nope")


def test_suggest_programmes_finds_the_three_seed_programmes(districts, seed_path):
    """On the seed: 五学五争 (5), 八学八新 (8) and the seven courses (7), as drafts
    in their districts, with the same items the shipped content lists."""
    Campaign.objects.create(title="党史学习教育", slug="c2021", year=2021)
    out, _ = run(seed_path, "--campaign", "c2021", "--suggest-programmes", verbosity=2)
    found = {
        (p.district.name, p.name): [i.title for i in p.items.all()]
        for p in Programme.objects.prefetch_related("items").select_related("district")
    }
    content = json.loads((seed_path.parent.parent / "content.json").read_text("utf-8"))
    expected = {
        (district, entry["name"]): entry["items"]
        for entry, district in zip(
            content["programmes"], ["上城区", "江干区", "高新区(滨江)"], strict=True
        )
    }
    assert found == expected
    assert all(p.status == "draft" for p in Programme.objects.all())
    assert Article.objects.get().programmes.count() == 3
    assert "五学五争 (5): draft programme created for 上城区" in out


def test_suggest_programmes_invents_nothing_without_enumerations(districts, tmp_path):
    Campaign.objects.create(title="党史学习教育", slug="c2021", year=2021)
    path = write(
        tmp_path,
        "plain.txt",
        "标题\n发布时间:2021-03-12\n\n导语。\n\n上城区\n\n上城区召开会议，部署“五学五争”工作，即日起实施。",
    )
    run(path, "--campaign", "c2021", "--suggest-programmes", verbosity=0)
    assert not Programme.objects.exists()


def test_a_batch_the_database_refuses_is_retried_file_by_file(
    districts, seed_path, tmp_path, monkeypatch
):
    """Bodies of a batch are written together; if that fails, each file is
    written on its own, so good files still land whole."""
    from django.db import DatabaseError

    from importing import importer as importing

    calls = {"n": 0}
    original = importing.Importer._flush

    def flaky_flush(self):
        calls["n"] += 1
        if calls["n"] == 1:
            raise DatabaseError("simulated failure")
        return original(self)

    monkeypatch.setattr(importing.Importer, "_flush", flaky_flush)
    other = write(tmp_path, "other.txt", "另一篇稿件\n发布时间:2021-03-12\n\n正文。")
    out, _ = run(seed_path, other)
    assert "created 2" in out
    assert all(a.sections.exists() for a in Article.objects.all())
    assert Article.objects.count() == 2
