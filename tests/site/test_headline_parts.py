"""Headlines in parts, as newspapers print them: 引题 above the title, 副题
below it; photographers credited as 摄影, never as authors."""

import pytest

from articles.models import Byline
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_page_shows_kicker_title_and_subtitle_in_order(client):
    article = make_article(
        kicker="党史学习教育进行时",
        title="上城区开讲“红色第一课”",
        subtitle="——百名书记走上讲台",
    )
    Byline.objects.create(
        article=article, kind=Byline.Kind.PHOTOGRAPHER, role="记者", name="王小明"
    )
    page = client.get(article.get_absolute_url()).content.decode()
    header = page[page.index('<article class="article"') : page.index('class="article-body"')]
    kicker = header.index('<p class="kicker">党史学习教育进行时</p>')
    title = header.index('<h1 id="article-title">上城区开讲“红色第一课”</h1>')
    subtitle = header.index('<p class="subtitle">——百名书记走上讲台</p>')
    assert kicker < title < subtitle
    assert "<dt>摄影</dt>" in header and "王小明" in header
    authors = header[header.index("<dt>作者</dt>") : header.index("<dt>摄影</dt>")]
    assert "王小明" not in authors


def test_an_article_without_them_shows_neither(client):
    page = client.get(make_article().get_absolute_url()).content.decode()
    assert 'class="kicker"' not in page and 'class="subtitle"' not in page


def test_search_finds_an_article_by_its_subtitle(client):
    make_article(title="上城区开讲红色课", subtitle="——百名书记走上讲台")
    results = client.get("/search.json", {"q": "百名书记"}).json()
    assert [item["title"] for item in results["results"]] == ["上城区开讲红色课"]
