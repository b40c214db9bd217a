"""Display punctuation follows Chinese typesetting without touching Latin text,
on every page from one place (core.typesetting)."""

import json

import pytest
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from core.typesetting import TypesettingMiddleware, typeset_feed, typeset_html
from core.typography import fullwidth_punctuation


@pytest.mark.parametrize(
    ("source", "rendered"),
    [
        ("历史,是中国共产党", "历史，是中国共产党"),
        ("标杆;学思践悟", "标杆；学思践悟"),
        ("包括:“我在高新学党史”", "包括：“我在高新学党史”"),
        ("高新区(滨江)坚决", "高新区（滨江）坚决"),
        ("高新区(滨江)", "高新区（滨江）"),
        ("专题活动,24项重点举措", "专题活动，24项重点举措"),
        ("真的吗?是的!", "真的吗？是的！"),
        ("“课程表”——3月5日,高新区", "“课程表”——3月5日，高新区"),
    ],
)
def test_ascii_between_chinese_becomes_full_width(source, rendered):
    assert fullwidth_punctuation(source) == rendered


@pytest.mark.parametrize(
    "text",
    [
        "07:23:49",
        "Python 3.11, Django 5.2",
        "f(x) = 1",
        "A:B",
        "2021-03-11 07:23",
        "www.example.cn:8000",
    ],
)
def test_latin_and_numbers_are_left_alone(text):
    assert fullwidth_punctuation(text) == text


@pytest.mark.parametrize(
    ("source", "rendered"),
    [
        # The report's navigation and the programme box: a programme name that
        # quotes itself, inside the quotes the template puts around it.
        ("“七大“课程””", "“七大‘课程’”"),
        ("高新区“七大“课程”,学党史”", "高新区“七大‘课程’，学党史”"),
        # Two quotes side by side are not nested.
        ("“五学五争”和“七大课程”", "“五学五争”和“七大课程”"),
        # Three levels: the third goes back to double marks.
        ("“一“二“三”二”一”", "“一‘二“三”二’一”"),
        ("“一“二”一“二”一”", "“一‘二’一‘二’一”"),
        # Quotes inside a single-quoted outer quote take the double marks.
        ("‘外“内”外’", "‘外“内”外’"),
        ("‘外‘内’外’", "‘外“内”外’"),
        # An apostrophe in Latin text is not a closing quote.
        ("“Xi’an的“课程””", "“Xi’an的‘课程’”"),
    ],
)
def test_quotes_inside_quotes_take_the_other_mark(source, rendered):
    assert fullwidth_punctuation(source) == rendered
    assert fullwidth_punctuation(rendered) == rendered


@pytest.mark.parametrize(
    "text",
    [
        "“七大“课程”",  # one left open
        "“七大”课程””",  # one closed twice
        "”反“",  # closed before opened
        "“七大‘课程”’",  # crossed pairs
        "“七大“课程”’",  # a pair of different marks
        "rock ’n’ roll “七大“课程””",  # ’ after a space: not an apostrophe, not a pair
        "“",
        "”",
        "‘’“”",
    ],
)
def test_unbalanced_quotes_are_left_as_they_are(text):
    assert fullwidth_punctuation(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "城区,在革命的足迹;今天的高新区(滨江)高新企业多",
        "“七大“课程””",
        "“一“二“三”二”一”",
        "包括:“我在高新学党史”",
    ],
)
def test_typesetting_twice_changes_nothing_more(text):
    once = fullwidth_punctuation(text)
    assert fullwidth_punctuation(once) == once
    assert len(once) == len(text)  # one character for one: see core.typesetting


# The response-level typesetter (core.typesetting): whole pages, one place.


def test_html_text_is_typeset_but_not_markup_code_or_urls():
    html = (
        '<p class="a,b">城区,在<a href="/x?a=1,2">革命</a>,今天</p>'
        "<script>var a='中,文';</script><style>p:after{content:'中,文'}</style>"
        "<pre>中,文</pre><code>中,文</code><textarea>中,文</textarea>"
        "<p>07:23:49, Python: 3.11</p>"
    )
    assert typeset_html(html) == (
        '<p class="a,b">城区，在<a href="/x?a=1,2">革命</a>，今天</p>'
        "<script>var a='中,文';</script><style>p:after{content:'中,文'}</style>"
        "<pre>中,文</pre><code>中,文</code><textarea>中,文</textarea>"
        "<p>07:23:49, Python: 3.11</p>"
    )


def test_inline_markup_does_not_hide_the_chinese_around_it():
    """`<a>高新区</a>,在` and a quote around a link are seen whole."""
    assert typeset_html("<p><a>高新区</a>(滨江),在</p>") == "<p><a>高新区</a>（滨江），在</p>"
    assert typeset_html("<a>“七大<mark>“课程”</mark>”</a>") == "<a>“七大<mark>‘课程’</mark>”</a>"
    # A block ends the run: an open quote in one paragraph does not reach the next.
    assert typeset_html("<p>“未完</p><p>“七大“课程””</p>") == "<p>“未完</p><p>“七大‘课程’”</p>"
    assert typeset_html("<li>上城区</li><li>,在</li>") == "<li>上城区</li><li>,在</li>"


def test_meta_descriptions_and_text_attributes_are_typeset_keywords_and_urls_not():
    html = (
        '<meta name="description" content="城区,在革命">'
        '<meta property="og:description" content="“七大“课程””">'
        '<meta property="og:title" content="高新区(滨江)">'
        '<meta name="keywords" content="党史,学习">'
        '<meta property="og:url" content="https://例子.cn/a(中)b">'
        '<img alt="城区,在" src="/a,b.jpg"><a title="城区;在" aria-label="城区!在">x</a>'
    )
    assert typeset_html(html) == (
        '<meta name="description" content="城区，在革命">'
        '<meta property="og:description" content="“七大‘课程’”">'
        '<meta property="og:title" content="高新区（滨江）">'
        '<meta name="keywords" content="党史,学习">'
        '<meta property="og:url" content="https://例子.cn/a(中)b">'
        '<img alt="城区，在" src="/a,b.jpg"><a title="城区；在" aria-label="城区！在">x</a>'
    )


def test_page_typesetting_is_idempotent_and_keeps_unclosed_raw_text():
    html = "<title>城区,在</title><p>“七大“课程”” 高新区(滨江)高新</p><script>中,文"
    once = typeset_html(html)
    assert once == "<title>城区，在</title><p>“七大‘课程’” 高新区（滨江）高新</p><script>中,文"
    assert typeset_html(once) == once


def test_feed_titles_descriptions_and_summaries_are_typeset():
    xml = (
        "<rss><channel><title>城区,在</title><link>http://x/a,b</link>"
        "<item><title>“七大“课程””</title><description>高新区(滨江)高新</description>"
        "<category>党史,学习</category></item></channel></rss>"
    )
    assert typeset_feed(xml) == (
        "<rss><channel><title>城区，在</title><link>http://x/a,b</link>"
        "<item><title>“七大‘课程’”</title><description>高新区（滨江）高新</description>"
        "<category>党史,学习</category></item></channel></rss>"
    )


def _through_middleware(path, response):
    return TypesettingMiddleware(lambda request: response)(RequestFactory().get(path))


@pytest.mark.parametrize(
    "path",
    ["/admin/articles/article/", "/files/3/", "/static/css/site.css", "/media/a.html"],
)
def test_admin_downloads_static_and_media_are_left_alone(path):
    response = _through_middleware(path, HttpResponse("<p>城区,在</p>"))
    assert response.content.decode() == "<p>城区,在</p>"


def test_public_pages_are_typeset_with_a_matching_content_length():
    response = HttpResponse("<p>城区,在</p>")
    response["Content-Length"] = str(len(response.content))
    response = _through_middleware("/districts/shangcheng/", response)
    assert response.content.decode() == "<p>城区，在</p>"
    assert response["Content-Length"] == str(len(response.content))


def test_only_the_public_search_json_is_typeset(db):
    data = {"title": "城区,在", "url": "http://x/中,文", "items": ["“七大“课程””"]}
    typeset = _through_middleware("/search.json", JsonResponse(data)).content
    assert json.loads(typeset) == {
        "title": "城区，在",
        "url": "http://x/中,文",
        "items": ["“七大‘课程’”"],
    }
    other = _through_middleware("/other.json", JsonResponse(data)).content
    assert json.loads(other) == data


def test_other_content_types_and_the_setting_off_are_left_alone(settings):
    plain = _through_middleware("/robots.txt", HttpResponse("城区,在", content_type="text/plain"))
    assert plain.content.decode() == "城区,在"
    settings.ZH_FULLWIDTH_PUNCTUATION = False
    page = _through_middleware("/", HttpResponse("<p>城区,在</p>"))
    assert page.content.decode() == "<p>城区,在</p>"


def test_typesetting_runs_before_the_page_cache_stores_and_the_headers_are_computed():
    """The page cache stores what comes back to it: typeset pages, so a hit
    costs nothing more; Content-Length and the ETag are computed outside the
    typesetter, on the typeset bytes."""
    from django.conf import settings

    order = settings.MIDDLEWARE.index
    typesetter = order("core.typesetting.TypesettingMiddleware")
    assert order("core.pagecache.middleware.PageCacheMiddleware") < typesetter
    assert order("django.middleware.common.CommonMiddleware") < typesetter
    assert order("django.middleware.http.ConditionalGetMiddleware") < typesetter
