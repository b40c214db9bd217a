"""Every public page answers, unknown slugs are 404, and query counts stay flat."""

import pytest
from django.template import engines
from django.template.loaders import cached
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Campaign, Programme
from core.models import Tag
from districts.models import District
from tests.factories import make_article, make_campaign, make_district, make_programme


def public_urls():
    article = Article.objects.get()
    campaign = Campaign.objects.get()
    return [
        reverse("home"),
        reverse("articles:article_list"),
        reverse("articles:article_list")
        + "?district=jianggan&year=2021&tag=dang-shi-xue-xi-jiao-yu",
        article.get_absolute_url(),
        campaign.get_absolute_url(),
        reverse("website:district_list"),
        *[d.get_absolute_url() for d in District.objects.all()],
        *[p.get_absolute_url() for p in Programme.objects.all()],
        reverse("articles:tag_index"),
        *[t.get_absolute_url() for t in Tag.objects.all()],
    ]


def test_every_public_page_answers(client, content):
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
        assert '<html lang="zh-Hans">' in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "articles:article_detail",
        "articles:tag_detail",
        "website:district_detail",
        "website:programme_detail",
        "website:campaign_report",
    ],
)
def test_unknown_slug_is_404(client, content, name):
    assert client.get(reverse(name, args=["no-such-thing"])).status_code == 404


@pytest.mark.parametrize("query", ["?district=nowhere", "?tag=nothing", "?page=99"])
def test_list_filters_naming_nothing_are_404(client, content, query):
    assert client.get(reverse("articles:article_list") + query).status_code == 404


@pytest.mark.parametrize("query", ["?year=20x1", "?page=abc", "?district=not%20a%20slug"])
def test_malformed_list_filters_are_400(client, content, query):
    """See core.query_forms for the rule (tests/site/test_hostile_input.py has more)."""
    assert client.get(reverse("articles:article_list") + query).status_code == 400


def test_chinese_tag_page_is_reachable_through_reverse(client, content):
    tag = Tag.objects.get(name="党史学习教育")
    url = reverse("articles:tag_detail", args=[tag.slug])
    assert url == "/tags/dang-shi-xue-xi-jiao-yu/"
    assert url.isascii()
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "标签：党史学习教育" in page
    assert "上城江干滨江动员部署党史学习教育" in page and "五学五争" in page


def test_new_chinese_tags_get_distinct_ascii_slugs(db):
    """Tags whose pinyin collides still get distinct, working slugs."""
    first = Tag.objects.create(name="党史")
    second = Tag.objects.create(name="档史")
    assert first.slug == "dang-shi"
    assert second.slug != first.slug and second.slug.isascii()
    assert reverse("articles:tag_detail", args=[second.slug]).isascii()


def test_drafts_and_scheduled_articles_are_not_public(client, content):

    draft = make_article(title="草稿稿件", status="draft")
    scheduled = make_article(
        title="定时稿件", published_at=timezone.now() + timezone.timedelta(hours=1)
    )
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    listing = client.get(reverse("articles:article_list")).content.decode()
    assert "草稿稿件" not in listing and "定时稿件" not in listing


def test_dissolved_district_is_listed_as_historical(client, content):
    page = client.get(reverse("website:district_list")).content.decode()
    assert page.index("历史城区") < page.index("江干区")
    detail = client.get(reverse("website:district_detail", args=["jianggan"])).content.decode()
    assert "江干区已于2021年4月9日撤销" in detail
    shangcheng = client.get(
        reverse("website:district_detail", args=["shangcheng"])
    ).content.decode()
    assert "前身包括" in shangcheng and "江干区" in shangcheng


# Query budgets per page. Each is checked with the shipped content and again
# after adding many rows, so a per-row query (N+1) fails the second check.
# Related items (article, programme and report pages) cost one query; an
# article's attachments (附件) one more.
QUERY_BUDGETS = {
    "home": 7,
    "article_list": 6,
    "article_detail": 10,
    "campaign_report": 10,
    "district_list": 3,
    "district_detail": 9,
    "programme_detail": 10,
    "tag_index": 1,
    "tag_detail": 6,
}


def budget_urls():
    article = Article.objects.get(title__startswith="上城江干滨江")
    return {
        "home": reverse("home"),
        "article_list": reverse("articles:article_list"),
        "article_detail": article.get_absolute_url(),
        "campaign_report": Campaign.objects.get(year=2021, title="党史学习教育").get_absolute_url(),
        "district_list": reverse("website:district_list"),
        "district_detail": reverse("website:district_detail", args=["shangcheng"]),
        "programme_detail": reverse("website:programme_detail", args=["wu-xue-wu-zheng"]),
        "tag_index": reverse("articles:tag_index"),
        "tag_detail": reverse("articles:tag_detail", args=["dang-shi-xue-xi-jiao-yu"]),
    }


def add_many_rows():
    shangcheng = District.objects.get(slug="shangcheng")
    campaign = Campaign.objects.get(year=2021, title="党史学习教育")
    other_campaign = make_campaign()
    wuxue = Programme.objects.get(slug="wu-xue-wu-zheng")
    tags = ["党史学习教育", "数字化改革", "共同富裕"]
    for _ in range(12):
        district = make_district()
        make_programme(other_campaign, district, items=6, tags=tags)
        make_programme(campaign, district, items=4, tags=tags)
    for n in range(210):
        make_article(tags=[*tags, f"标签{n % 60}"], districts=[shangcheng], programmes=[wuxue])


@pytest.mark.parametrize("page", sorted(QUERY_BUDGETS))
def test_query_count_is_bounded_and_flat(client, content, django_assert_max_num_queries, page):
    budget = QUERY_BUDGETS[page]
    url = budget_urls()[page]
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    add_many_rows()
    url = budget_urls()[page]
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_not_found_page_is_in_chinese(client, content):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and '<html lang="zh-Hans">' in page


def test_server_error_page_is_in_chinese(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务暂时不可用" in response.content.decode()


def test_long_article_lists_on_detail_pages_link_to_the_full_list(client, content):
    """District and tag pages show the latest 20 articles and link to the rest."""
    shangcheng = District.objects.get(slug="shangcheng")
    for n in range(25):
        make_article(title=f"上城稿件{n:02d}", tags=["党史学习教育"], districts=[shangcheng])
    for url, full_list in [
        (shangcheng.get_absolute_url(), "?district=shangcheng"),
        (
            reverse("articles:tag_detail", args=["dang-shi-xue-xi-jiao-yu"]),
            "?tag=dang-shi-xue-xi-jiao-yu",
        ),
    ]:
        page = client.get(url).content.decode()
        assert page.count('class="card"') == 20
        assert "上城稿件00" in page and "上城稿件24" not in page
        assert f"{reverse('articles:article_list')}{full_list}" in page


@pytest.mark.parametrize("district", ["", "jianggan", "gaoxin-binjiang"])
@pytest.mark.parametrize("tag", ["", "dang-shi-xue-xi-jiao-yu", "gong-tong-fu-yu"])
@pytest.mark.parametrize("year", ["", "2021", "2020"])
def test_article_list_filters_combine(client, content, district, tag, year):
    """Every combination answers and shows exactly the articles matching all filters."""
    make_article(
        title="上城2020年稿件",
        tags=["党史学习教育"],
        districts=[District.objects.get(slug="shangcheng")],
        published_at=timezone.datetime(2020, 6, 1, tzinfo=timezone.get_current_timezone()),
    )
    query = {k: v for k, v in {"district": district, "tag": tag, "year": year}.items() if v}
    page = client.get(reverse("articles:article_list"), query).content.decode()
    seed_matches = year != "2020"  # the seed is in every district and has both tags
    other_matches = not district and tag != "gong-tong-fu-yu" and year != "2021"
    assert ("上城江干滨江动员部署" in page) is seed_matches
    assert ("上城2020年稿件" in page) is other_matches


def test_templates_are_compiled_once_per_process(client, content):
    """Pages render from Django's cached template loader: a template is read
    and compiled on its first use, not on every request."""
    loader = engines["django"].engine.template_loaders[0]
    assert isinstance(loader, cached.Loader)
    client.get(reverse("home"))
    assert "home.html" in loader.get_template_cache
