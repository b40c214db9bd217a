"""Every piece of Chinese text a reader or a crawler gets is typeset (issue 15):
no ASCII , ; : ! ? ( ) between Chinese characters and no quote nested in the
same mark (“七大“课程””), in the visible text and the meta descriptions of
every public page, in the feeds and in the search JSON.

The crawl starts from the home page, the pages sitemap.xml lists, the
indexes and a search, and follows every link to a page of the site (not the
admin, downloads, static or media files, nor the font-size switch)."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from articles.models import Article
from articles.tags import visible_tags
from districts.models import District

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
ASCII_BETWEEN_CHINESE = re.compile(rf"[{HAN}][,;:!?()][{HAN}]")
MAX_PAGES = 400
NOT_PAGES = ("/admin/", "/files/", "/static/", "/media/", "/feeds/", "/preview/")
# Searches that reach articles, programmes and districts (snippets of each).
SEARCHES = ("党史", "课程", "高新区", "滨江")
# What the page shows as a line of its own; inline markup does not end a line.
INLINE = {
    "a", "abbr", "b", "bdi", "cite", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u", "var",
}  # fmt: skip
HIDDEN = {"script", "style", "template"}
# Meta tags whose content crawlers show as text.
PROSE_META = {"description", "og:description", "og:title", "twitter:description"}


class PageText(HTMLParser):
    """A page's visible text, one line per block, its meta descriptions and
    the links it holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = [""]
        self.meta = []
        self.links = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN:
            self._hidden += 1
        if tag not in INLINE:
            self.lines.append("")
        if tag == "meta":
            name = (attrs.get("name") or attrs.get("property") or "").lower()
            if name in PROSE_META:
                self.meta.append(f"{name}: {attrs.get('content') or ''}")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self._hidden -= 1
        if tag not in INLINE:
            self.lines.append("")

    def handle_data(self, data):
        if not self._hidden:
            self.lines[-1] += data


def nested_same_quote(text):
    """The first quote opened inside a quote of the same mark, or None."""
    stack = []
    for position, mark in enumerate(text):
        if mark in "“‘":
            if stack and stack[-1] == mark:
                return text[max(0, position - 20) : position + 20]
            stack.append(mark)
        elif mark in "”’" and stack and {"”": "“", "’": "‘"}[mark] == stack[-1]:
            stack.pop()
    return None


def problems(where, texts):
    """What is wrong with each of `texts` (strings that read as one line)."""
    found = []
    for text in texts:
        for match in ASCII_BETWEEN_CHINESE.finditer(text):
            context = text[max(0, match.start() - 15) : match.end() + 15]
            found.append(f"{where}: ASCII {match[0][1]!r} between Chinese: {context!r}")
        if nested := nested_same_quote(text):
            found.append(f"{where}: nested quotes: {nested!r}")
    return found


def sitemap_paths(client):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return [urlsplit(loc.text).path for loc in root.iter(f"{namespace}loc")]


def starting_points(client):
    return [
        reverse("home"),
        reverse("articles:article_list"),
        reverse("website:district_list"),
        reverse("articles:tag_index"),
        *(f"{reverse('search')}?q={query}" for query in SEARCHES),
        *sitemap_paths(client),
    ]


def page_path(base, href):
    """The site page `href` (on page `base`) names, or None if it is not one to crawl."""
    url = urlsplit(urljoin(f"http://testserver{base}", href))
    if url.netloc != "testserver" or url.path.startswith(NOT_PAGES):
        return None
    if "size=" in url.query:  # the font-size switch: the same page, and a cookie
        return None
    return f"{url.path}?{url.query}" if url.query else url.path


def crawl(client):
    """{path: PageText} of every public page reachable from the starting points."""
    seen, queue, pages = set(), starting_points(client), {}
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code in (301, 302):
            queue.append(page_path(path, response["Location"]) or "/")
            continue
        assert response.status_code == 200, path
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = PageText()
        page.feed(response.content.decode())
        pages[path] = page
        queue.extend(p for href in page.links if (p := page_path(path, href)) and p not in seen)
    return pages


@pytest.fixture
def pages(client, content):
    return crawl(client)


def test_the_crawl_reaches_every_kind_of_page(client, pages):
    paths = set(pages)
    expected = {
        *sitemap_paths(client),
        reverse("home"),
        reverse("articles:article_list"),
        reverse("website:district_list"),
        reverse("articles:tag_index"),
        *(article.get_absolute_url() for article in Article.objects.published()),
        *(district.get_absolute_url() for district in District.objects.all()),
    }
    assert expected <= paths, expected - paths
    assert any(path.startswith("/campaigns/") for path in paths)
    assert any(path.startswith("/programmes/") for path in paths)
    assert any(path.startswith("/tags/") for path in paths)
    assert any(path.startswith("/search/?q=") for path in paths)
    assert len(pages) < MAX_PAGES, "the crawl stopped before the end"


def test_no_ascii_punctuation_between_chinese_nor_nested_quotes_on_any_page(pages):
    found = []
    for path, page in pages.items():
        found += problems(path, page.lines)
        found += problems(f"{path} <meta>", page.meta)
    assert not found, "\n".join(found[:40])


def test_pages_say_what_the_reader_calls_things(pages):
    """新闻, as the navigation says, not the newsroom's 稿件."""
    for path, page in pages.items():
        text = "\n".join(page.lines)
        for jargon in ("最新稿件", "全部稿件", "相关稿件", "暂无稿件"):
            assert jargon not in text, (path, jargon)


def feed_paths():
    paths = [reverse("feeds:articles_rss"), reverse("feeds:articles_atom")]
    for district in District.objects.all():
        paths += [
            reverse("feeds:district_rss", args=[district.slug]),
            reverse("feeds:district_atom", args=[district.slug]),
        ]
    for tag in visible_tags():
        paths += [
            reverse("feeds:tag_rss", args=[tag.slug]),
            reverse("feeds:tag_atom", args=[tag.slug]),
        ]
    return paths


def test_feeds_are_typeset(client, content):
    found = []
    for path in feed_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        root = ElementTree.fromstring(response.content)
        texts = [
            element.text or ""
            for element in root.iter()
            if element.tag.rsplit("}", 1)[-1] in ("title", "description", "summary", "subtitle")
        ]
        assert any(re.search(f"[{HAN}]", text) for text in texts), path
        found += problems(path, texts)
    assert not found, "\n".join(found[:40])


@pytest.mark.parametrize("query", SEARCHES)
def test_search_json_is_typeset(client, content, query):
    response = client.get(reverse("search_json"), {"q": query})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results
    texts = []
    for result in results:
        texts += [result["title"], *result["districts"]]
        for key in ("title_html", "snippet_html"):
            page = PageText()
            page.feed(result[key])
            texts += page.lines
    assert not problems(f"search.json?q={query}", texts)


def test_search_json_still_parses_as_the_view_wrote_it(client, content):
    """Re-encoded after typesetting: same keys, URLs untouched."""
    data = client.get(reverse("search_json"), {"q": "党史"}).json()
    assert set(data) == {"query", "total", "total_is_capped", "page", "num_pages", "results"}
    assert all(result["url"].startswith("http://testserver/") for result in data["results"])
    json.dumps(data)


def test_switching_typesetting_off_shows_the_source(client, content, settings):
    settings.ZH_FULLWIDTH_PUNCTUATION = False
    found = []
    for path in (reverse("home"), *sitemap_paths(client)):
        page = PageText()
        page.feed(client.get(path).content.decode())
        found += problems(path, page.lines + page.meta)
    assert found, "the shipped content has ASCII punctuation to typeset"


def test_the_dateline_is_set_off_from_the_first_sentence(client, content):
    article = Article.objects.published().exclude(dateline="").first()
    assert article is not None
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<strong class="dateline">{article.dateline}</strong>' in page
    assert page.count('class="dateline"') == 1


def test_body_text_is_wrapped_for_the_one_indent_rule(client, content):
    article = Article.objects.published().first()
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<div class="body-text">' in page
    css = (Path(__file__).parents[2] / "static/css/site.css").read_text()
    assert ".body-text p { text-indent: 2em; }" in css
    assert re.search(r"\.unknown-date[^{]*\{[^}]*font-style: normal", css)


@pytest.mark.django_db(transaction=True)
def test_the_page_cache_stores_and_serves_typeset_pages(client, content):
    """Typeset before the page cache stores the page: a hit is typeset too and
    costs no typesetting (it is answered before any other middleware runs).
    The data is committed: pages built over uncommitted writes are not stored."""
    from articles.models import Campaign

    url = Campaign.objects.get().get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert int(second["Content-Length"]) == len(second.content)
    page = PageText()
    page.feed(second.content.decode())
    assert not problems(url, page.lines + page.meta)
    assert "中国共产党的历史，是中国共产党" in second.content.decode()
