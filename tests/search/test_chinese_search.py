"""Chinese search: the same results contract on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Programme
from core.status import Status
from districts.models import District
from search import service
from search.models import SearchEntry
from tests.admin_helpers import admin_url, login_as
from tests.factories import make_article

SEED_TITLE = "上城江干滨江动员部署党史学习教育——以昂扬姿态开启奋斗新征程"


def first_hits(query, n=2):
    return [(hit.kind, str(hit.obj)) for hit in service.search(query).hits[:n]]


@pytest.mark.parametrize(
    ("query", "programme"),
    [
        ("党史学习教育", None),
        ("五学五争", "上城区 · 五学五争"),
        ("数字化改革", "上城区 · 五学五争"),
        ("滨江 企业", "高新区(滨江) · 七大“课程”"),
        ('"钱江少年"', "江干区 · 八学八新"),
        ("院士讲堂", "高新区(滨江) · 七大“课程”"),
    ],
)
def test_the_report_article_comes_first(content, query, programme):
    """The 2021 report answers these queries first, with the programme they name."""
    results = service.search(query)
    assert results.hits[0].kind == "article"
    assert results.hits[0].obj.title == SEED_TITLE
    if programme:
        programmes = [str(h.obj) for h in results.hits if h.kind == "programme"]
        assert programmes[0] == programme


@pytest.mark.parametrize("query", ["月球基地", "量子计算机", "zzzz"])
def test_a_word_that_appears_nowhere_finds_nothing(content, query):
    results = service.search(query)
    assert results.total == 0 and results.hits == []


@pytest.mark.parametrize(
    "query",
    [
        "'",
        '"',
        "%",
        "_",
        "\\",
        "'; DROP TABLE articles_article; --",
        "党史 & | ! :* ( )",
        "NEAR(党史 教育)",
        "党史 AND 教育 OR NOT 学习 *",
        "title_words:党史",
        "^党史",
        "党" * 2000,
        "滨江 " * 500,
        "",
        "   \u3000\t\n ",
        "\x00\x01\x1b[31m党史\x7f",
        '"未闭合的引号',
        "<script>alert(1)</script>",
    ],
)
def test_hostile_queries_never_error_or_inject(client, content, query):
    results = service.search(query)
    assert results.total >= 0
    # A NUL character is refused with a 400 (see core.query_forms); the rest is searched.
    expected = 400 if "\x00" in query else 200
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == expected
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert client.get(reverse("search_json"), {"q": query}).status_code == expected
    assert Article.objects.filter(title=SEED_TITLE).exists()


def test_operators_typed_by_readers_are_plain_words(content):
    """AND, OR, NOT, NEAR and * are words to look for, not operators."""
    assert service.search("五学五争 NOT").total == 0
    assert service.search("五学五争 OR 月球").total == 0
    assert service.search("五学五争*").total == service.search("五学五争").total


def test_several_words_must_all_appear(content):
    assert service.search("院士讲堂").total == 2
    assert service.search("院士讲堂 弄潮儿").total == 1  # only the article has both
    assert service.search("院士讲堂 月球").total == 0


def test_quoted_phrase_means_that_phrase(content):
    make_article(title="少年与钱江", paragraphs=["钱江边的少年们读党史。"])
    assert {h.obj.title for h in service.search("钱江 少年").hits if h.kind == "article"} == {
        SEED_TITLE,
        "少年与钱江",
    }
    assert [h.obj.title for h in service.search('"钱江少年"').hits if h.kind == "article"] == [
        SEED_TITLE
    ]


def test_filters_combine_with_the_query(content):
    make_article(
        title="江干区2020年党史活动",
        paragraphs=["江干区开展党史学习教育活动。"],
        districts=[District.objects.get(slug="jianggan")],
        tags=["党史学习教育"],
        published_at=timezone.datetime(2020, 5, 1, tzinfo=dt.UTC),
    )

    def titles(**f):
        return [h.obj.title for h in service.search("党史学习教育", kinds=["article"], **f).hits]

    assert set(titles()) == {SEED_TITLE, "江干区2020年党史活动"}
    assert titles(year=2020) == ["江干区2020年党史活动"]
    assert titles(district="shangcheng") == [SEED_TITLE]
    assert titles(district="jianggan", year=2021) == [SEED_TITLE]
    assert titles(tag="gong-tong-fu-yu") == [SEED_TITLE]
    assert titles(district="jianggan", tag="gong-tong-fu-yu", year=2020) == []


def test_results_paginate(content):
    for n in range(25):
        make_article(title=f"党史宣讲第{n}场", paragraphs=["社区开展党史宣讲活动。"])
    first = service.search("宣讲", kinds=["article"], per_page=10)
    second = service.search("宣讲", kinds=["article"], per_page=10, page=2)
    third = service.search("宣讲", kinds=["article"], per_page=10, page=3)
    assert first.total == 26 and first.num_pages == 3
    ids = [h.obj.pk for page in (first, second, third) for h in page.hits]
    assert len(ids) == len(set(ids)) == 26


def test_unpublished_content_is_never_found_by_the_public(content):
    now = timezone.now()
    for title, fields in [
        ("草稿党史稿件", {"status": Status.DRAFT}),
        ("定时党史稿件", {"published_at": now + dt.timedelta(hours=1)}),
        ("过期党史稿件", {"expires_at": now - dt.timedelta(minutes=1)}),
    ]:
        make_article(title=title, paragraphs=["党史学习教育。"], **fields)
    Programme.objects.filter(slug="wu-xue-wu-zheng").update(status=Status.DRAFT)
    Programme.objects.get(slug="wu-xue-wu-zheng").save()
    public = {str(h.obj) for h in service.search("党史学习教育", per_page=50).hits}
    assert not {"草稿党史稿件", "定时党史稿件", "过期党史稿件", "上城区 · 五学五争"} & public
    everything = service.search("党史学习教育", per_page=50, include_unpublished=True)
    assert {"草稿党史稿件", "定时党史稿件", "过期党史稿件"} <= {str(h.obj) for h in everything.hits}


def test_scheduled_article_is_found_once_its_time_comes(content):
    import time_machine

    start = timezone.now()
    make_article(
        title="定时发布的夜校稿",
        paragraphs=["滨江科创夜校开课。"],
        published_at=start + dt.timedelta(minutes=1),
    )
    with time_machine.travel(start, tick=False):
        assert service.search("夜校").total == 0
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        assert service.search("夜校").total == 1


def test_index_follows_edits_deletes_and_tag_changes(content):
    article = make_article(title="临时稿件", paragraphs=["这是一篇关于航天的稿件。"])
    assert service.search("航天").total == 1
    section = article.sections.get()
    section.body = "<p>这是一篇关于海洋的稿件。</p>"
    section.save()
    assert service.search("航天").total == 0 and service.search("海洋").total == 1
    article.tags.add("海洋经济")
    assert service.search("海洋经济").total == 1
    article.delete()
    assert service.search("海洋").total == 0
    assert not SearchEntry.objects.filter(kind="article", object_id=article.pk).exists()


def test_programme_items_and_districts_are_searchable(content):
    hits = service.search("勤廉", kinds=["programme"]).hits
    assert [str(h.obj) for h in hits] == ["江干区 · 八学八新"]
    district = District.objects.get(slug="gaoxin-binjiang")
    assert [h.obj for h in service.search("滨江区", kinds=["district"]).hits] == [district]


def test_imports_are_indexed(districts, seed_path):
    call_command("import_articles", str(seed_path), "--status", "published", verbosity=0)
    assert service.search("院士讲堂").hits[0].obj.title == SEED_TITLE


def test_rebuild_search_index(content, capsys):
    SearchEntry.objects.all().delete()
    assert service.search("五学五争").total == 0
    call_command("rebuild_search_index")
    assert "Search index rebuilt: 7 items" in capsys.readouterr().out
    assert service.search("五学五争").total == 2


def test_results_page(client, content):
    page = client.get(reverse("search"), {"q": "院士讲堂"}).content.decode()
    assert "找到 2 条与“院士讲堂”相关的结果" in page
    assert "<mark>院士讲堂</mark>" in page
    assert 'class="badge kind-article">新闻</span>' in page
    assert 'class="badge kind-programme">举措</span>' in page
    assert "2021年3月11日" in page


def test_no_results_page_suggests_popular_tags(client, content):
    page = client.get(reverse("search"), {"q": "月球基地"}).content.decode()
    assert "没有找到与“月球基地”相关的内容" in page
    assert 'href="/tags/dang-shi-xue-xi-jiao-yu/"' in page


def test_query_is_echoed_safely(client, content):
    page = client.get(reverse("search"), {"q": '"><img src=x onerror=alert(1)>'}).content.decode()
    assert "<img src=x" not in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_json_endpoint(client, content):
    data = client.get(reverse("search_json"), {"q": "五学五争", "type": "programme"}).json()
    assert data["total"] == 1
    [result] = data["results"]
    assert result["type"] == "programme"
    assert result["url"] == "http://testserver/programmes/wu-xue-wu-zheng/"
    assert "<mark>五学五争</mark>" in result["title_html"]
    assert result["districts"] == ["上城区"]


def test_admin_search_box_uses_chinese_search(client, content):
    make_article(title="草稿：宣讲团进社区", status=Status.DRAFT, paragraphs=["宣讲团走进社区。"])
    login_as(client, "publisher")
    page = client.get(admin_url(Article, "changelist"), {"q": "宣讲团"}).content.decode()
    assert "草稿：宣讲团进社区" in page  # the admin finds drafts too
    assert SEED_TITLE in page  # 宣讲团 appears in the report
    page = client.get(admin_url(Article, "changelist"), {"q": "月球"}).content.decode()
    assert SEED_TITLE not in page
    programmes = client.get(admin_url(Programme, "changelist"), {"q": "勤廉"}).content.decode()
    assert "八学八新" in programmes and "五学五争" not in programmes


def test_district_editor_admin_search_stays_in_their_districts(client, content):
    make_article(
        title="滨江宣讲团稿件",
        paragraphs=["宣讲团。"],
        districts=[District.objects.get(slug="gaoxin-binjiang")],
    )
    make_article(
        title="江干宣讲团稿件",
        paragraphs=["宣讲团。"],
        districts=[District.objects.get(slug="jianggan")],
    )
    login_as(client, "district")
    page = client.get(admin_url(Article, "changelist"), {"q": "宣讲团"}).content.decode()
    # 上城区's editor: 江干区 was merged into 上城区, 滨江 is another district.
    assert "滨江宣讲团稿件" not in page and "江干宣讲团稿件" in page
