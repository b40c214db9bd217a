"""A published import leaves one 发布 entry per article in the audit log, written
with its batch; a file the database refuses leaves neither an entry nor any of
the rows its batch would have written for it."""

from django.db import DatabaseError, connection
from django.utils import timezone

from articles.models import Article, ArticleSection, Byline
from audit.models import Action, AuditEntry
from importing.importer import Importer
from importing.report import CREATED, FAILED, ImportOptions
from importing.writing import ArticleWriter


def article_file(folder, n):
    path = folder / f"{n:02d}.txt"
    path.write_text(
        f"第{n}篇党史学习教育稿件\n发布时间:2021-03-{n:02d} 07:23\n\n杭州日报讯 第{n}篇的正文。\n",
        encoding="utf-8",
    )
    return path


def publication_entries():
    return AuditEntry.objects.filter(action=Action.PUBLISH, object_type="articles.article")


def test_each_published_article_gets_its_entry(districts, tmp_path):
    paths = [article_file(tmp_path, n) for n in range(1, 4)]
    report = Importer(ImportOptions(status="published"), keep_results=True).run(paths)
    assert [r.action for r in report.results] == [CREATED] * 3
    entries = {entry.object_id: entry for entry in publication_entries()}
    articles = Article.objects.all()
    assert set(entries) == {str(article.pk) for article in articles}
    for article in articles:
        entry = entries[str(article.pk)]
        assert entry.object_repr == article.title
        assert entry.detail == f"发布时间 {timezone.localtime(article.published_at):%Y-%m-%d %H:%M}"
        assert entry.detail.endswith("07:23")


def test_drafts_are_not_published_in_the_log(districts, tmp_path):
    Importer(ImportOptions(status="draft")).run([article_file(tmp_path, 1)])
    assert Article.objects.count() == 1
    assert not publication_entries().exists()


def test_a_refused_file_leaves_no_entry(districts, tmp_path, monkeypatch):
    # The second file's article row is written, then the database refuses the
    # rest of it: its savepoint rolls back, and so must its audit entry.
    apply_options = ArticleWriter.apply_options

    def refuse_the_second(self, article):
        if article.title.startswith("第2篇"):
            raise DatabaseError("disk I/O error")
        apply_options(self, article)

    monkeypatch.setattr(ArticleWriter, "apply_options", refuse_the_second)
    paths = [article_file(tmp_path, n) for n in range(1, 4)]
    report = Importer(ImportOptions(status="published"), keep_results=True).run(paths)
    assert [r.action for r in report.results] == [CREATED, FAILED, CREATED]
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {"第1篇党史学习教育稿件", "第3篇党史学习教育稿件"}
    assert sorted(publication_entries().values_list("object_repr", flat=True)) == sorted(titles)
    # Its body rows were deferred to the batch's bulk write: they must go with it
    # (SQLite gives the next article the rolled-back one's id: it would get them).
    articles = Article.objects.all()
    for article in articles:
        number = article.title[1]
        assert [s.body for s in article.sections.all()] == [
            f"<p>杭州日报讯 第{number}篇的正文。</p>"
        ]
    assert not ArticleSection.objects.exclude(article__in=articles).exists()
    assert not Byline.objects.exclude(article__in=articles).exists()
    assert not Article.districts.through.objects.exclude(article__in=articles).exists()
    connection.check_constraints()  # PostgreSQL would otherwise check at commit


def test_a_strict_run_that_stops_leaves_no_entry(districts, tmp_path):
    bad = tmp_path / "03.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    paths = [article_file(tmp_path, 1), article_file(tmp_path, 2), bad]
    report = Importer(ImportOptions(status="published", strict=True)).run(paths)
    assert report.rolled_back
    assert not Article.objects.exists()
    assert not publication_entries().exists()
