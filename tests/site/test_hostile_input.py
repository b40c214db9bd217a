"""Hostile query strings and slugs get a 4xx (in Chinese), never a 500, on
both databases; feeds show summaries as text, never as markup."""

import html
import json
from html.parser import HTMLParser
from urllib.parse import quote

import feedparser
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from articles.forms import ArticleListQuery
from articles.models import Article
from search.forms import SearchQuery
from tests.factories import make_article
from tests.site.xss_payloads import PAYLOADS

ALLOWED = {200, 301, 302, 400, 404}

# Each value as it goes into a URL: percent-encoded UTF-8, except the raw
# escapes, which are there to be invalid UTF-8.
HOSTILE = {
    "zeros": quote("0000"),
    "superscript digits": quote("²²²²"),
    "superscript page": quote("²"),
    "negative": quote("-1"),
    "huge number": quote("99999999999999999999"),
    "5000 digits": "9" * 5000,
    "NUL": "%00",
    "NUL inside": quote("2021\x00"),
    "long Chinese": quote("党" * 3000),
    "long ASCII": "a" * 20_000,
    "SQL": quote("' OR 1=1 --"),
    "script": quote("<script>alert(1)</script>"),
    "not UTF-8": "%ff%fe",
    "broken escape": "%zz%",
    "empty": "",
    "whitespace": quote(" \t\u3000 "),
    "decimal": quote("2021.5"),
    "fullwidth digits": quote("２０２１"),
}
HOSTILE_PARAMS = [pytest.param(value, id=name) for name, value in HOSTILE.items()]

LIST_FILTERS = ["district", "tag", "year", "page"]
SEARCH_FILTERS = ["q", "district", "tag", "year", "type", "page"]


def hostile_urls(value):
    """Every public URL with `value` (already URL-encoded) in one parameter or slug."""
    urls = [f"/articles/?{name}={value}" for name in LIST_FILTERS]
    for path in ("/search/", "/search.json"):
        urls.append(f"{path}?q={value}")
        urls += [f"{path}?q={quote('党史')}&{name}={value}" for name in SEARCH_FILTERS[1:]]
    urls += [
        f"/feeds/articles.rss?page={value}",
        f"/feeds/articles.atom?q={value}",
        f"/feeds/districts/{value}.rss",
        f"/feeds/districts/{value}.atom",
        f"/feeds/tags/{value}.rss",
        f"/feeds/tags/{value}.atom",
        f"/tags/{value}/",
        f"/districts/{value}/",
        f"/articles/{value}/",
        f"/programmes/{value}/",
        f"/campaigns/{value}/",
    ]
    return urls


def assert_chinese_400(response, url):
    if response["Content-Type"].startswith("application/json"):
        error = json.loads(response.content)["error"]
        assert any("\u4e00" <= char <= "\u9fff" for char in error), (url, error)
        return
    page = response.content.decode()
    assert '<html lang="zh-Hans">' in page, url
    assert "请求有误" in page, url


@pytest.mark.parametrize("value", HOSTILE_PARAMS)
def test_hostile_values_never_give_a_server_error(client, content, value):
    for url in hostile_urls(value):
        response = client.get(url)
        assert response.status_code in ALLOWED, (url[:120], response.status_code)
        if response.status_code == 400:
            assert_chinese_400(response, url[:120])


@pytest.mark.parametrize("value", HOSTILE_PARAMS)
def test_hostile_values_without_the_nul_middleware(client, content, settings, value):
    """The forms refuse NUL characters by themselves: PostgreSQL raises on a NUL
    in a text parameter, so they must never reach a query even if the
    middleware is taken out."""
    settings.MIDDLEWARE = [
        m for m in django_settings.MIDDLEWARE if not m.endswith("RejectNullCharactersMiddleware")
    ]
    for url in hostile_urls(value):
        response = client.get(url)
        assert response.status_code in ALLOWED, (url[:120], response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/articles/?year=0000",
        "/articles/?year=%C2%B2%C2%B2%C2%B2%C2%B2",  # ²²²²
        "/articles/?year=-1",
        "/articles/?year=20x1",
        "/articles/?year=99999999999999999999",
        "/articles/?page=%C2%B2",
        "/articles/?page=0",
        "/articles/?page=last",
        "/articles/?district=%3Cscript%3E",
        "/articles/?tag=%27%20OR%201%3D1%20--",
        "/articles/?tag=%ff",
        "/search/?q=%E5%85%9A%E5%8F%B2&year=%C2%B2",  # q=党史
        "/search/?q=%E5%85%9A%E5%8F%B2&page=%C2%B2",
        "/search/?q=%E5%85%9A%E5%8F%B2&page=-1",
        "/search/?q=%E5%85%9A%E5%8F%B2&type=essay",
        "/search/?q=%E5%85%9A%E5%8F%B2&district=a%20b",
        "/search/?q=" + "a" * 2001,
        "/search.json?q=%E5%85%9A%E5%8F%B2&year=0000",
        "/search.json?q=%E5%85%9A%E5%8F%B2&type=%3Cscript%3E",
        "/search.json?q=%E5%85%9A%E5%8F%B2&page=99999999999999999999",
    ],
)
def test_invalid_filter_values_are_a_chinese_400(client, content, url):
    response = client.get(url)
    assert response.status_code == 400
    assert_chinese_400(response, url)


def test_the_400_page_names_the_parameter(client, content):
    page = client.get("/articles/?year=0000").content.decode()
    assert "年份应为1900至2100之间的四位数字" in page
    body = json.loads(client.get("/search.json?q=x&page=0").content)
    assert "页码" in body["error"]


@pytest.mark.parametrize(
    "url",
    [
        "/articles/?district=nowhere",
        "/articles/?tag=nothing",
        "/articles/?page=99",
        "/search/?q=%E5%85%9A%E5%8F%B2&page=99",
        "/search.json?q=%E5%85%9A%E5%8F%B2&page=99",
        "/search/?page=2",
    ],
)
def test_well_formed_values_naming_nothing_are_404(client, content, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/articles/?year=2021",
        "/articles/?year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%91",  # fullwidth ２０２１
        "/articles/?year=%20&page=%20&district=&tag=",
        "/articles/?year=2021&page=1&utm_source=weixin",
        "/search/?q=%E5%85%9A%E5%8F%B2&district=nowhere",  # finds nothing, no error
        "/search/?q=%E5%85%9A%E5%8F%B2&type=%20programme%20",
        "/search/?q=%ff",
        "/search/?q=" + "a" * 2000,
        "/search.json?q=%E5%85%9A%E5%8F%B2&year=2021&page=1",
        "/feeds/articles.rss?year=0000",  # feeds read no parameters
    ],
)
def test_valid_and_blank_values_are_accepted(client, content, url):
    assert client.get(url).status_code == 200


def test_fullwidth_year_filters_like_ascii(client, content):
    ascii_page = client.get("/articles/?year=2021")
    fullwidth = client.get("/articles/?year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%91")
    assert [a.pk for a in fullwidth.context["articles"]] == [
        a.pk for a in ascii_page.context["articles"]
    ]
    # Page links and the canonical address carry the normalised value.
    assert fullwidth.context["filter_query"] == "year=2021"


def test_search_page_links_carry_cleaned_filters(client, content):
    for n in range(12):
        make_article(title=f"党史宣讲第{n}场", paragraphs=["社区开展党史宣讲活动。"])
    response = client.get("/search/", {"q": "宣讲", "type": " article ", "year": "", "x": "1"})
    assert response.status_code == 200
    assert response.context["page_query"] == "q=%E5%AE%A3%E8%AE%B2&type=article"


@pytest.mark.parametrize(
    ("form", "data"),
    [
        (SearchQuery, {"q": "党\x00史"}),
        (SearchQuery, {"district": "shang\x00cheng"}),
        (SearchQuery, {"tag": "\x00"}),
        (ArticleListQuery, {"tag": "dang\x00"}),
        (ArticleListQuery, {"year": "2021\x00"}),
    ],
)
def test_forms_refuse_nul_characters(form, data):
    query = form(data)
    assert not query.is_valid()
    assert query.problem()


# --- feeds: the summary is text ---------------------------------------------------


class _StartTags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def live_tags(markup):
    parser = _StartTags()
    parser.feed(markup)
    parser.close()
    return parser.tags


def feed_entries(client, article):
    """The article's entry in each feed, as a feed reader without its own
    sanitiser would take it."""
    entries = []
    for name, args in [
        ("articles", []),
        ("tag", ["dang-shi-xue-xi-jiao-yu"]),
    ]:
        for kind in ("rss", "atom"):
            response = client.get(reverse(f"feeds:{name}_{kind}", args=args))
            assert response.status_code == 200
            feed = feedparser.parse(response.content, sanitize_html=False)
            assert not feed.bozo, feed.bozo_exception
            [entry] = [e for e in feed.entries if e.title == article.title]
            entries.append((f"{name} {kind}", entry))
    return entries


@pytest.mark.parametrize("payload", PAYLOADS)
def test_summary_markup_reaches_feed_readers_as_text(client, content, payload):
    article = make_article(
        title="摘要测试稿件",
        summary=f"摘要{payload}结束",
        tags=["党史学习教育"],
        published_at=timezone.now(),
    )
    for feed, entry in feed_entries(client, article):
        assert entry.summary_detail.type == "text/html", feed
        assert live_tags(entry.summary) == [], (feed, entry.summary)
        # What the reader shows is exactly what the editor typed.
        assert html.unescape(entry.summary) == article.summary, feed


@pytest.mark.parametrize("payload", PAYLOADS)
def test_body_derived_description_is_text_too(client, content, payload):
    """Without a summary the description is the body's start: plain text taken
    from the sanitised HTML, escaped once."""
    article = make_article(
        title="正文摘要测试稿件",
        paragraphs=[f"正文{payload}结束"],
        tags=["党史学习教育"],
        published_at=timezone.now(),
    )
    for feed, entry in feed_entries(client, article):
        assert live_tags(entry.summary) == [], (feed, entry.summary)


def test_text_that_looks_like_an_entity_stays_as_typed(client, content):
    article = make_article(
        title="实体测试稿件",
        summary="A&amp;B < C &lt;b&gt;",
        tags=["党史学习教育"],
        published_at=timezone.now(),
    )
    for feed, entry in feed_entries(client, article):
        assert html.unescape(entry.summary) == "A&amp;B < C &lt;b&gt;", feed


def test_seed_article_is_still_in_every_feed(client, content):
    seed = Article.objects.get(title__startswith="上城江干滨江")
    for _, entry in feed_entries(client, seed):
        assert entry.summary


@pytest.mark.parametrize("path", ["/", "/robots.txt", "/articles/", "/search/?q=党史", "/nowhere/"])
def test_a_host_the_site_does_not_serve_is_a_chinese_400(client, content, settings, path):
    # Django refuses the Host before any view runs; the 400 page it then draws
    # must not ask for the Host again (that raised, and readers got a 500).
    settings.ALLOWED_HOSTS = ["www.example.gov.cn"]
    settings.SITE_URL = ""
    response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_chinese_400(response, path)
