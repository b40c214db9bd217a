"""The import command turns the seed file into a faithful article."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleSection, Byline

SEED_HEADINGS = {
    "上城区",
    "以“五学五争”开展党史学习教育",
    "江干区",
    "以“八学八新”推动",
    "党史学习教育走深走实",
    "高新区(滨江)",
    "开设七大“课程”落实党史学习教育",
}


def run_import(*paths, **options):
    return call_command("import_articles", *map(str, paths), verbosity=0, **options)


def expected_paragraphs(path):
    """The seed's paragraphs read straight from the file, without the parser."""
    lines = path.read_text(encoding="utf-8").split("\n")
    body = lines[3 : next(i for i, line in enumerate(lines) if line.startswith("来源:"))]
    return [line for line in body if line.strip() and line not in SEED_HEADINGS]


def test_seed_paragraphs_are_imported_exactly_and_in_order(districts, seed_path):
    """Every paragraph of the file is stored, unchanged and in file order."""
    run_import(seed_path, status="published")
    article = Article.objects.get()
    paragraphs = [p for s in article.sections.all() for p in s.paragraphs]
    assert paragraphs == expected_paragraphs(seed_path)
    assert len(paragraphs) == 19


def test_seed_metadata(districts, seed_path):
    """Title, 发布时间 in Asia/Shanghai, 来源, 作者 with role, 编辑 and slogan."""
    run_import(seed_path)
    article = Article.objects.get()
    assert article.title == "上城江干滨江动员部署党史学习教育——以昂扬姿态开启奋斗新征程"
    assert article.published_at == dt.datetime(
        2021, 3, 11, 7, 23, 49, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    assert article.published_time_known
    assert article.source == "杭州日报"
    authors = [(b.role, b.name) for b in article.authors]
    assert authors == [("记者", "李婷婷"), ("记者", "孙钥"), ("记者", "孟娇")]
    assert [b.name for b in article.editors] == ["高婷婷"]
    assert article.closing_slogan == "奋斗百年路 启航新征程"
    assert article.slug.isascii() and article.slug.startswith("shang-cheng-jiang-gan")
    assert "返" not in article.title


def test_seed_district_sections_and_joined_headline(districts, seed_path):
    """Three district sections, linked to their districts; the two-line 江干
    headline is one heading."""
    shangcheng, jianggan, binjiang = districts
    run_import(seed_path)
    article = Article.objects.get()
    sections = [s for s in article.sections.all() if s.district_id]
    assert [(s.district, s.heading) for s in sections] == [
        (shangcheng, "以“五学五争”开展党史学习教育"),
        (jianggan, "以“八学八新”推动党史学习教育走深走实"),
        (binjiang, "开设七大“课程”落实党史学习教育"),
    ]
    assert set(article.districts.all()) == {shangcheng, jianggan, binjiang}
    lead = article.sections.get(position=0)
    assert lead.district is None and lead.heading == ""


def test_reimporting_the_same_file_changes_nothing(districts, seed_path, capsys):
    """A second import finds the same article, reports it unchanged, writes nothing."""
    run_import(seed_path)
    article = Article.objects.get()
    call_command("import_articles", str(seed_path))
    assert "unchanged 1" in capsys.readouterr().out
    again = Article.objects.get()
    assert again.pk == article.pk and again.updated_at == article.updated_at
    assert ArticleSection.objects.count() == 4
    assert Byline.objects.count() == 4


def test_a_changed_file_updates_its_article(districts, seed_path, tmp_path):
    """Same source, title and time: the article is updated, never duplicated."""
    run_import(seed_path)
    changed = tmp_path / "seed.txt"
    changed.write_text(
        seed_path.read_text(encoding="utf-8").replace("编辑:高婷婷", "编辑:王五"), encoding="utf-8"
    )
    run_import(changed)
    article = Article.objects.get()
    assert [b.name for b in article.editors] == ["王五"]
    assert ArticleSection.objects.count() == 4


def test_dry_run_writes_nothing(districts, seed_path, capsys):
    call_command("import_articles", str(seed_path), "--dry-run")
    assert "created 1" in capsys.readouterr().out
    assert not Article.objects.exists()


def test_folder_import(districts, seed_path, tmp_path):
    """A folder is searched for *.txt files, recursively."""
    nested = tmp_path / "2021" / "03"
    nested.mkdir(parents=True)
    (nested / "seed.txt").write_bytes(seed_path.read_bytes())
    (tmp_path / "notes.md").write_text("不是稿件", encoding="utf-8")
    run_import(tmp_path)
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (b"", 1, "empty file"),
        (b"\n\n  \n", 1, "empty file"),
        ("标题\n发布时间:2021-02-30 07:23:49\n\n正文。".encode(), 2, "impossible date"),
        ("标题\n发布时间:2021-03-11 07:23\n\n来源:杭州日报".encode(), 3, "no body"),
        ("标题\n发布时间:昨天\n\n正文。".encode(), 2, "unrecognised date"),
        ("标题\n正文".encode() + b"\xff\xfe\n", 2, "neither UTF-8 nor GB18030"),
        ("标题\n发布时间:2021-03-11\n\n正文\x07。".encode(), 4, "control or private-use"),
        ("发布时间:2021-03-11\n\n正文。".encode(), 1, "no title"),
        (b"title\x00\x01binary", 0, "binary content"),
    ],
)
def test_bad_files_fail_clearly_and_write_nothing(db, tmp_path, content, line, reason, capsys):
    """Each bad file gives `path:line: reason`, nothing is written, exit is non-zero."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_articles", str(bad))
    err = capsys.readouterr().err
    assert f"{bad}:{line}: " in err
    assert reason in err
    assert not Article.objects.exists()


def test_one_bad_file_does_not_stop_the_others(districts, seed_path, tmp_path, capsys):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a_bad.txt").write_bytes(b"")
    (folder / "b_good.txt").write_bytes(seed_path.read_bytes())
    with pytest.raises(CommandError):
        call_command("import_articles", str(folder))
    assert "created 1" in capsys.readouterr().out
    assert Article.objects.count() == 1


def test_missing_file_is_reported(db, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path / "nope.txt"))
    assert "nope.txt:0: " in capsys.readouterr().err


def test_oversized_file_is_refused(db, tmp_path, settings, capsys):
    settings.IMPORT_MAX_BYTES = 100
    big = tmp_path / "big.txt"
    big.write_text("标题\n发布时间:2021-03-11\n\n" + "正文。" * 100, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_articles", str(big))
    assert "larger than" in capsys.readouterr().err
    assert not Article.objects.exists()


def test_articles_with_the_same_title_get_distinct_slugs(districts, tmp_path):
    """Same title, different date: two articles, two working ASCII URLs."""
    for day in (11, 12):
        path = tmp_path / f"{day}.txt"
        path.write_text(f"党史学习教育\n发布时间:2021-03-{day}\n\n正文。", encoding="utf-8")
        run_import(path)
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == ["dang-shi-xue-xi-jiao-yu", "dang-shi-xue-xi-jiao-yu-2"]
