"""The reader's site: feeds, sitemap, meta tags, related items, reading tools,
and no unpublished content anywhere."""

import datetime as dt
import re

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Campaign, Programme
from articles.related import related_items
from core.status import Status
from districts.models import District
from tests.factories import make_article

SEED_TITLE = "上城江干滨江动员部署党史学习教育——以昂扬姿态开启奋斗新征程"


@pytest.fixture
def hidden(content):
    """Articles a visitor must never see, tagged and placed like the seed."""
    shangcheng = District.objects.get(slug="shangcheng")
    tags = ["党史学习教育", "数字化改革"]
    return [
        make_article(title="草稿不应出现", status=Status.DRAFT, tags=tags, districts=[shangcheng]),
        make_article(title="待审不应出现", status=Status.REVIEW, tags=tags, districts=[shangcheng]),
        make_article(
            title="定时不应出现",
            published_at=timezone.now() + dt.timedelta(days=1),
            tags=tags,
            districts=[shangcheng],
        ),
        make_article(
            title="过期不应出现",
            expires_at=timezone.now() - dt.timedelta(minutes=1),
            tags=tags,
            districts=[shangcheng],
        ),
    ]


def every_public_url():
    article = Article.objects.get(title=SEED_TITLE)
    return [
        reverse("home"),
        reverse("articles:article_list"),
        reverse("articles:article_list") + "?district=shangcheng",
        reverse("articles:article_list") + "?tag=dang-shi-xue-xi-jiao-yu&year=2021",
        article.get_absolute_url(),
        Campaign.objects.get().get_absolute_url(),
        reverse("website:district_list"),
        reverse("website:district_detail", args=["shangcheng"]),
        reverse("website:programme_detail", args=["wu-xue-wu-zheng"]),
        reverse("articles:tag_index"),
        reverse("articles:tag_detail", args=["dang-shi-xue-xi-jiao-yu"]),
        reverse("feeds:articles_rss"),
        reverse("feeds:articles_atom"),
        reverse("feeds:district_rss", args=["shangcheng"]),
        reverse("feeds:tag_atom", args=["dang-shi-xue-xi-jiao-yu"]),
        reverse("sitemap"),
    ]


def test_unpublished_articles_appear_nowhere(client, hidden):
    """Drafts, articles in review, scheduled and expired ones: absent from every
    page, list, feed, sitemap, related list and count."""
    for url in every_public_url():
        body = client.get(url).content.decode()
        for article in hidden:
            assert article.title not in body, (article.title, url)
            assert article.get_absolute_url() not in body, (article.title, url)
    index = client.get(reverse("articles:tag_index")).content.decode()
    assert re.search(r"党史学习教育</a>\s*<span class=\"count\">1 篇", index)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_parse_and_list_published_articles(client, seed, kind):
    for name, args in [
        ("articles", []),
        ("district", ["jianggan"]),
        ("tag", ["dang-shi-xue-xi-jiao-yu"]),
    ]:
        response = client.get(reverse(f"feeds:{name}_{kind}", args=args))
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title
        [entry] = feed.entries
        assert entry.title == SEED_TITLE
        assert entry.link.endswith(seed.get_absolute_url())
        assert "党史学习教育" in [tag.term for tag in entry.tags]
        assert entry.published_parsed[:3] == (2021, 3, 10)  # 07:23 in Shanghai is 23:23 UTC
        assert "李婷婷" in entry.author


def test_feed_of_unknown_district_or_tag_is_404(client, content):
    assert client.get(reverse("feeds:district_rss", args=["nowhere"])).status_code == 404
    assert client.get(reverse("feeds:tag_atom", args=["nothing"])).status_code == 404


def test_sitemap_lists_published_content_with_last_modified(client, seed):
    body = client.get(reverse("sitemap")).content.decode()
    assert f"http://testserver{seed.get_absolute_url()}" in body
    assert "http://testserver/campaigns/2021-dang-shi-xue-xi-jiao-yu/" in body
    assert "http://testserver/programmes/ba-xue-ba-xin/" in body
    assert "http://testserver/districts/jianggan/" in body
    assert "http://testserver/tags/dang-shi-xue-xi-jiao-yu/" in body
    assert "<lastmod>" in body


def test_robots_txt_points_to_the_sitemap_and_hides_admin(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body and "Disallow: /preview/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_article_page_meta_tags(client, seed, settings):
    settings.SITE_URL = "https://dangshi.example.cn"
    settings.SITE_ID_CODE = "3301000001"
    page = client.get(seed.get_absolute_url()).content.decode()
    canonical = f"https://dangshi.example.cn{seed.get_absolute_url()}"
    expected = [
        f"<title>{SEED_TITLE} - 杭州党史学习教育专题</title>",
        f'<link rel="canonical" href="{canonical}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{SEED_TITLE}">',
        '<meta name="SiteName" content="杭州党史学习教育专题">',
        '<meta name="SiteDomain" content="dangshi.example.cn">',
        '<meta name="SiteIDCode" content="3301000001">',
        '<meta name="ColumnName" content="新闻">',
        f'<meta name="ArticleTitle" content="{SEED_TITLE}">',
        '<meta name="PubDate" content="2021-03-11 07:23">',
        '<meta name="ContentSource" content="杭州日报">',
        '<meta name="Author" content="李婷婷 孙钥 孟娇">',
        f'<meta name="Url" content="{canonical}">',
    ]
    for tag in expected:
        assert tag in page, tag
    assert re.search(r'<meta name="Keywords" content="[^"]*党史学习教育', page)
    assert re.search(r'<meta name="Description" content="杭州日报讯中国共产党的历史', page)


@pytest.mark.parametrize(
    "url_name", ["home", "articles:article_list", "website:district_list", "articles:tag_index"]
)
def test_every_page_has_title_description_canonical_and_og(client, content, url_name):
    page = client.get(reverse(url_name)).content.decode()
    for needle in [
        "<title>",
        '<meta name="description" content="',
        'rel="canonical"',
        'property="og:title"',
        'name="ColumnName"',
    ]:
        assert needle in page


def test_footer_identifiers_come_from_settings(client, content, settings):
    settings.SITE_ORGANIZER = "杭州市某某单位"
    settings.SITE_ICP_NUMBER = "浙ICP备00000000号"
    settings.SITE_PSB_NUMBER = "浙公网安备 33010000000000号"
    settings.SITE_ID_CODE = "3301000001"
    footer = client.get(reverse("home")).content.decode().split('<footer class="site-footer">')[1]
    for text in [
        "主办单位：杭州市某某单位",
        "浙ICP备00000000号",
        "浙公网安备 33010000000000号",
        "网站标识码：3301000001",
    ]:
        assert text in footer


def test_dates_read_the_chinese_way(client, seed):
    page = client.get(seed.get_absolute_url()).content.decode()
    assert "2021年3月11日 07:23" in page


def test_font_size_switch_without_javascript(client, seed):
    url = seed.get_absolute_url()
    assert '<body class="font-medium">' in client.get(url).content.decode()
    response = client.get(url, {"size": "large"})
    assert '<body class="font-large">' in response.content.decode()
    assert response.cookies["fontsize"].value == "large"
    # The choice follows the reader to the next page.
    assert '<body class="font-large">' in client.get(reverse("home")).content.decode()
    assert '<body class="font-large">' in client.get(url, {"size": "huge"}).content.decode()


def test_back_link_is_the_same_for_every_reader(client, seed):
    """Whatever the Referer, the server sends the default, so the page can be
    cached; the browser test checks that site.js follows the reader's way back."""
    url = seed.get_absolute_url()
    default = (
        f'<a class="back-link" href="{reverse("articles:article_list")}" data-back>返回新闻列表</a>'
    )
    assert default in client.get(url).content.decode()
    came_from = client.get(url, HTTP_REFERER="http://testserver/tags/dang-shi-xue-xi-jiao-yu/")
    assert default in came_from.content.decode()


def test_previous_and_next_articles(client, seed):
    older = make_article(title="更早的稿件", published_at=seed.published_at - dt.timedelta(days=1))
    newer = make_article(title="更晚的稿件", published_at=seed.published_at + dt.timedelta(days=1))
    make_article(
        title="草稿邻居",
        status=Status.DRAFT,
        published_at=seed.published_at + dt.timedelta(hours=1),
    )
    page = client.get(seed.get_absolute_url()).content.decode()
    assert f'上一篇：<a href="{older.get_absolute_url()}" rel="prev">更早的稿件</a>' in page
    assert f'下一篇：<a href="{newer.get_absolute_url()}" rel="next">更晚的稿件</a>' in page


def test_print_url_and_print_button(client, seed):
    page = client.get(seed.get_absolute_url()).content.decode()
    assert f"本文网址：http://testserver{seed.get_absolute_url()}" in page
    assert "data-print" in page


def test_related_items_rank_by_shared_tags_then_recency(content, seed):
    now = timezone.now()
    two = make_article(
        title="共享两个标签",
        tags=["党史学习教育", "数字化改革"],
        published_at=now - dt.timedelta(days=30),
    )
    one_new = make_article(
        title="共享一个标签较新", tags=["党史学习教育"], published_at=now - dt.timedelta(days=1)
    )
    one_old = make_article(
        title="共享一个标签较旧", tags=["共同富裕"], published_at=now - dt.timedelta(days=9)
    )
    make_article(title="不相关", tags=["其他"])
    make_article(
        title="草稿相关", tags=["党史学习教育", "数字化改革", "共同富裕"], status=Status.DRAFT
    )
    Programme.objects.filter(slug="ba-xue-ba-xin").update(status=Status.DRAFT)

    items = related_items(Article.objects.prefetch_related("tags").get(pk=seed.pk), limit=10)
    titles = [item.obj.title if item.kind == "article" else item.obj.name for item in items]
    assert seed.title not in titles
    assert "不相关" not in titles and "草稿相关" not in titles and "八学八新" not in titles
    assert (
        titles.index("共享两个标签")
        < titles.index("共享一个标签较新")
        < titles.index("共享一个标签较旧")
    )
    assert {"五学五争", "七大“课程”"} <= set(titles)
    ranks = [item.shared for item in items]
    assert ranks == sorted(ranks, reverse=True)
    assert two and one_new and one_old


def test_related_items_show_on_article_programme_and_report(client, seed):
    make_article(title="另一篇党史稿件", tags=["党史学习教育"])
    for url in [
        seed.get_absolute_url(),
        reverse("website:programme_detail", args=["wu-xue-wu-zheng"]),
        Campaign.objects.get().get_absolute_url(),
    ]:
        page = client.get(url).content.decode()
        assert "相关内容" in page and "另一篇党史稿件" in page, url


def test_report_key_figures_are_text_with_decorative_bars(client, content):
    page = client.get(Campaign.objects.get().get_absolute_url()).content.decode()
    figures = page.split('<figure class="key-figures">')[1].split("</figure>")[0]
    # Only like is compared with like: the two 场 figures share a scale; 6大 and
    # 24项 stand alone, without bars.
    assert figures.count("<meter") == 2 and figures.count('aria-hidden="true"') == 2
    assert "<small>不少于</small>100<small>场</small>" in figures
    assert 'max="100" value="100"' in figures and 'value="6"' not in figures


def test_repeat_visit_gets_not_modified(client, seed):
    first = client.get(seed.get_absolute_url())
    assert first.has_header("ETag")
    again = client.get(seed.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
