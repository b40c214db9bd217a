"""Each operation of /api/v1/ with the 2021 content: what it answers, its
filters, pagination, old slugs, errors and query counts. Every answer is
checked against the schema (tests/api/conftest.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import ArticleRedirect, Byline, Correction
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CAMPAIGN = "2021-dang-shi-xue-xi-jiao-yu"


def article_url(article):
    return f"/api/v1/articles/{article.slug}/"


def test_article_list_gives_the_seed_with_links(api, seed):
    data = api.json("/api/v1/articles/")
    assert data["count"] == 1 and data["page"] == 1 and data["limit"] == 20
    assert data["next"] is None and data["previous"] is None
    (entry,) = data["results"]
    assert entry["title"] == seed.title
    assert entry["published_at"] == "2021-03-11T07:23:49+08:00"
    assert entry["published_time_known"] is True
    assert entry["url"].endswith(article_url(seed))
    assert entry["page_url"].endswith(seed.get_absolute_url())
    assert [d["name"] for d in entry["districts"]] == ["上城区", "江干区", "高新区（滨江）"]
    assert {"slug": "dang-shi-xue-xi-jiao-yu", "name": "党史学习教育"} in entry["tags"]


def test_article_detail_has_the_full_structure(api, seed):
    Correction.objects.create(article=seed, kind=Correction.Kind.CORRECTION, note="更正了人名。")
    data = api.json(article_url(seed))
    assert data["source"] == "杭州日报" and data["dateline"] == "杭州日报讯"
    assert [p["name"] for p in data["bylines"]["author"]] == ["李婷婷", "孙钥", "孟娇"]
    assert {p["role"] for p in data["bylines"]["author"]} == {"记者"}
    assert [p["name"] for p in data["bylines"]["editor"]] == ["高婷婷"]
    headings = [s["heading"] for s in data["sections"]]
    assert "以“八学八新”推动党史学习教育走深走实" in headings
    jianggan = next(
        s for s in data["sections"] if s["district"] and s["district"]["slug"] == "jianggan"
    )
    assert jianggan["district"]["dissolved_on"] == "2021-04-09"
    assert "<p>" in jianggan["html"] and "<" not in jianggan["text"]
    assert data["closing_slogan"] == "奋斗百年路 启航新征程"
    assert data["campaign"]["slug"] == CAMPAIGN
    assert {p["name"] for p in data["programmes"]} == {"五学五争", "八学八新", "七大“课程”"}
    assert data["corrections"][0]["kind"] == "correction"
    assert data["corrections"][0]["note"] == "更正了人名。"


def test_an_old_slug_answers_301_to_the_current_one(api, seed):
    ArticleRedirect.objects.create(old_slug="old-name", article=seed)
    response = api.get("/api/v1/articles/old-name/")
    assert response.status_code == 301
    assert response["Location"] == article_url(seed)


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("district=jianggan", 1),
        ("district=shangcheng&tag=dang-shi-xue-xi-jiao-yu", 1),
        ("programme=ba-xue-ba-xin", 1),
        (f"campaign={CAMPAIGN}", 1),
        ("year=2021", 1),
        ("year=2020", 0),
        ("q=党史", 1),
        ("q=八学八新", 1),
        ("q=不存在的词语", 0),
        ("updated_since=2000-01-01T00:00:00%2B08:00", 1),
        ("updated_since=2099-01-01T00:00:00Z", 0),
    ],
)
def test_article_filters(api, seed, query, count):
    assert api.json(f"/api/v1/articles/?{query}")["count"] == count


def test_unknown_filter_values_are_404(api, content):
    for query in ("district=nowhere", "tag=nothing", "programme=none", "campaign=none"):
        body = api.json(f"/api/v1/articles/?{query}", status=404)
        assert body["code"] == "not_found"


def test_pages_of_articles_link_to_each_other_newest_first(api, content):
    older = make_article(title="较早的稿件", published_at=timezone.now() - timedelta(days=2))
    newer = make_article(title="较新的稿件", published_at=timezone.now() - timedelta(days=1))
    first = api.json("/api/v1/articles/?limit=1")
    assert first["count"] == 3 and first["results"][0]["slug"] == newer.slug
    assert first["previous"] is None
    second = api.json(first["next"].removeprefix("http://testserver"))
    assert second["results"][0]["slug"] == older.slug
    assert second["previous"].endswith("limit=1&page=1")
    oldest_first = api.json("/api/v1/articles/?ordering=published_at&limit=1")
    assert oldest_first["results"][0]["title"].startswith("上城江干滨江")
    assert api.json("/api/v1/articles/?limit=1&page=4", status=404)["code"] == "page_not_found"


def test_districts_with_their_history(api, content):
    data = api.json("/api/v1/districts/")
    names = [d["name"] for d in data["results"]]
    assert {"上城区", "江干区", "高新区（滨江）"} <= set(names)
    jianggan = api.json("/api/v1/districts/jianggan/")
    assert jianggan["is_dissolved"] is True and jianggan["dissolved_on"] == "2021-04-09"
    assert [d["slug"] for d in jianggan["successors"]] == ["shangcheng"]
    assert jianggan["article_count"] == 1
    assert [p["name"] for p in jianggan["programmes"]] == ["八学八新"]
    shangcheng = api.json("/api/v1/districts/shangcheng/")
    assert "jianggan" in [d["slug"] for d in shangcheng["predecessors"]]
    binjiang = api.json("/api/v1/districts/gaoxin-binjiang/")
    assert "滨江区" in binjiang["aliases"]


def test_campaign_report_as_data(api, content):
    data = api.json(f"/api/v1/campaigns/{CAMPAIGN}/")
    assert data["slogan"] == "奋斗百年路 启航新征程" and data["lead"]
    assert data["report_article"]["title"].startswith("上城江干滨江")
    programmes = {p["name"]: p for p in data["programmes"]}
    assert len([i for i in programmes["五学五争"]["items"] if i["kind"] == "item"]) == 5
    assert len([i for i in programmes["八学八新"]["items"] if i["kind"] == "item"]) == 8
    figures = [f for p in data["programmes"] for f in p["figures"]]
    assert {"qualifier": "不少于", "value": 100, "unit": "场"}.items() <= next(
        f for f in figures if f["qualifier"] == "不少于"
    ).items()
    events = [e for p in data["programmes"] for e in p["events"]]
    assert any(e["date_precision"] == "unknown" and e["date"] is None for e in events)
    assert any(e["date_text"] == "昨天" and e["date"] == "2021-03-10" for e in events)


def test_programmes_and_filters(api, content):
    data = api.json("/api/v1/programmes/")
    assert data["count"] == 3
    assert api.json("/api/v1/programmes/?district=jianggan")["results"][0]["name"] == "八学八新"
    assert api.json(f"/api/v1/programmes/?campaign={CAMPAIGN}")["count"] == 3
    detail = api.json("/api/v1/programmes/wu-xue-wu-zheng/")
    assert detail["campaign"]["slug"] == CAMPAIGN and detail["district"]["name"] == "上城区"
    assert api.json("/api/v1/programmes/nothing/", status=404)["code"] == "not_found"


def test_tags_with_counts(api, content):
    data = api.json("/api/v1/tags/?limit=100")
    tag = next(t for t in data["results"] if t["slug"] == "dang-shi-xue-xi-jiao-yu")
    assert tag["article_count"] == 1 and tag["programme_count"] == 3


def test_search_matches_the_site_search(api, client, content):
    data = api.json("/api/v1/search/?q=八学八新")
    site = client.get("/search.json?q=八学八新").json()
    assert data["count"] == site["total"] >= 1
    assert [hit["url"] for hit in data["results"]] == [hit["url"] for hit in site["results"]]
    assert "<mark>" in data["results"][0]["title_html"] + data["results"][0]["snippet_html"]
    districts = api.json("/api/v1/search/?q=党史&type=district")["results"]
    assert {hit["type"] for hit in districts} == {"district"}
    assert api.json("/api/v1/search/?q=党史&page=99", status=404)["code"] == "page_not_found"


HOSTILE = [
    "/api/v1/articles/?year=abc",
    "/api/v1/articles/?year=99999999999999999999999",
    "/api/v1/articles/?year=-1",
    "/api/v1/articles/?page=0",
    "/api/v1/articles/?page=１",
    "/api/v1/articles/?limit=101",
    "/api/v1/articles/?limit=0",
    "/api/v1/articles/?district=%3Cscript%3E",
    "/api/v1/articles/?tag=" + "a" * 101,
    "/api/v1/articles/?updated_since=yesterday",
    "/api/v1/articles/?updated_since=2021-03-11",
    "/api/v1/articles/?updated_since=2021-13-45T00:00:00Z",
    "/api/v1/articles/?ordering=title",
    "/api/v1/articles/?q=" + "党" * 2001,
    "/api/v1/articles/?q=%00",
    "/api/v1/search/?type=user",
    "/api/v1/search/?page=101",
    "/api/v1/search/?q=a%00b",
    "/api/v1/articles/bad%20slug/",
    "/api/v1/districts/%E6%B1%9F/",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_parameters_are_400_in_chinese(api, content, url):
    response = api.get(url)
    assert response.status_code == 400, url
    body = response.json()
    assert body["code"] == "invalid_parameter"
    assert any("\u4e00" <= char <= "\u9fff" for char in body["message"])


def test_unknown_addresses_and_methods_answer_json(api, client, content):
    response = client.get("/api/v1/nothing/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = client.post("/api/v1/articles/")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_the_schema_describes_every_field_in_chinese(openapi):
    def chinese(text):
        return any("\u4e00" <= char <= "\u9fff" for char in text or "")

    for name, schema in openapi["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            assert chinese(spec.get("description")), f"{name}.{field}"
    for path, item in openapi["paths"].items():
        for parameter in item["get"].get("parameters", []):
            described = parameter.get("description") or parameter["schema"].get("description")
            assert chinese(described), f"{path} {parameter['name']}"


QUERY_BUDGETS = [
    ("/api/v1/articles/", 4),
    ("/api/v1/articles/?district=jianggan&tag=dang-shi-xue-xi-jiao-yu", 6),
    ("/api/v1/articles/{seed}/", 9),
    ("/api/v1/districts/", 6),
    ("/api/v1/districts/jianggan/", 7),
    (f"/api/v1/campaigns/{CAMPAIGN}/", 8),
    ("/api/v1/programmes/", 6),
    ("/api/v1/programmes/ba-xue-ba-xin/", 5),
    ("/api/v1/tags/", 3),
    ("/api/v1/search/?q=党史", 8),
]


@pytest.mark.parametrize(("url", "budget"), QUERY_BUDGETS)
def test_query_counts(api, seed, django_assert_max_num_queries, settings, url, budget):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(5):  # more rows must not mean more queries
        make_article(
            title=f"又一篇{n}", districts=list(seed.districts.all()), tags=["党史学习教育"]
        )
    url = url.format(seed=seed.slug)
    with django_assert_max_num_queries(budget):
        assert api.get(url).status_code == 200


def test_bylines_of_every_kind(api, content):
    article = make_article(title="署名齐全")
    for kind in Byline.Kind.values:
        Byline.objects.create(article=article, kind=kind, role="", name=f"{kind}人")
    bylines = api.json(article_url(article))["bylines"]
    for kind in Byline.Kind.values:
        assert f"{kind}人" in [p["name"] for p in bylines[kind]]
