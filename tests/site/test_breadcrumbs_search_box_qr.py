"""当前位置 on every public page (navigation and BreadcrumbList JSON-LD that say
the same), the header's search box, and the 手机扫码阅读 QR code on articles."""

import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin

import pytest
import segno
from django.test import Client
from django.urls import reverse

from articles.models import Article, Campaign, Programme
from core.breadcrumbs import trail
from core.models import Tag
from core.templatetags.qr_codes import BORDER, ERROR, SCALE
from districts.models import District


class Page(HTMLParser):
    """The parts of a page these tests read: the 当前位置 navigation, the
    JSON-LD scripts, the forms with their fields, and images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.crumbs = []  # (text, href, aria-current)
        self.crumb_navs = 0
        self.json_ld = []
        self.forms = []
        self.images = []
        self.labels = {}
        self._in_crumbs = False
        self._crumb = None
        self._script = None
        self._label_for = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("aria-label") == "当前位置":
            self.crumb_navs += 1
            self._in_crumbs = True
        elif tag == "a" and self._in_crumbs:
            self._crumb = [attrs.get("href"), attrs.get("aria-current"), ""]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = ""
        elif tag == "form":
            self.forms.append({**attrs, "fields": []})
        elif tag in ("input", "button") and self.forms:
            self.forms[-1]["fields"].append({"tag": tag, **attrs})
        elif tag == "label" and attrs.get("for"):
            self._label_for = attrs["for"]
            self.labels[self._label_for] = ""
        elif tag == "img":
            self.images.append(attrs)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_crumbs = False
        elif tag == "a" and self._crumb is not None:
            href, current, text = self._crumb
            self.crumbs.append((text.strip(), href, current))
            self._crumb = None
        elif tag == "script" and self._script is not None:
            self.json_ld.append(json.loads(self._script))
            self._script = None
        elif tag == "label":
            self._label_for = None

    def handle_data(self, data):
        if self._crumb is not None:
            self._crumb[2] += data
        if self._script is not None:
            self._script += data
        if self._label_for:
            self.labels[self._label_for] += data


def parse(response):
    page = Page()
    page.feed(response.content.decode())
    return page


def breadcrumb_list(page):
    lists = [data for data in page.json_ld if data.get("@type") == "BreadcrumbList"]
    assert len(lists) == 1
    return lists[0]


def crumbs_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    page = parse(response)
    assert page.crumb_navs == 1, url
    return page, response


def public_pages():
    """(url, the trail's names after 首页) for each kind of public page."""
    article = Article.objects.get(title__startswith="上城江干滨江")
    campaign = Campaign.objects.get()
    district = District.objects.get(name="江干区")
    programme = Programme.objects.get(name="八学八新")
    tag = Tag.objects.get(name="党史学习教育")
    articles = reverse("articles:article_list")
    return [
        (reverse("home"), []),
        (campaign.get_absolute_url(), [f"{campaign.year}年{campaign.title}"]),
        (articles, ["新闻"]),
        (f"{articles}?district={district.slug}&year=2021", ["新闻", "江干区 · 2021年"]),
        (article.get_absolute_url(), ["新闻", article.title]),
        (reverse("website:district_list"), ["城区"]),
        (district.get_absolute_url(), ["城区", "江干区"]),
        (programme.get_absolute_url(), ["城区", "江干区", "“八学八新”"]),
        (reverse("articles:tag_index"), ["标签"]),
        (tag.get_absolute_url(), ["标签", "党史学习教育"]),
        (reverse("search") + "?q=党史", ["搜索"]),
    ]


def test_every_page_kind_says_where_it_is(client, content):
    for url, names in public_pages():
        page, _ = crumbs_of(client, url)
        assert [text for text, _, _ in page.crumbs] == ["首页", *names], url
        # Only the last item is the current page; the others link up the trail.
        assert [current for _, _, current in page.crumbs] == [None] * len(names) + ["page"]
        assert page.crumbs[0][1] == reverse("home")
        for text, href, _ in page.crumbs[:-1]:
            assert client.get(href).status_code == 200, (url, text, href)


def test_json_ld_parses_and_matches_the_visible_trail(client, content):
    for url, _ in public_pages():
        page, response = crumbs_of(client, url)
        data = breadcrumb_list(page)
        assert data["@context"] == "https://schema.org"
        items = data["itemListElement"]
        assert [item["position"] for item in items] == list(range(1, len(page.crumbs) + 1))
        assert [item["name"] for item in items] == [text for text, _, _ in page.crumbs]
        base = "http://testserver/"
        assert [item["item"] for item in items[:-1]] == [
            urljoin(base, href) for _, href, _ in page.crumbs[:-1]
        ]
        # The page itself is named by its canonical URL.
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', response.content.decode())
        assert items[-1]["item"] == canonical.group(1).replace("&amp;", "&"), url


def test_json_ld_names_are_typeset_like_the_page(client, content):
    """高新区(滨江) reads 高新区（滨江） on the page (core.typesetting); the
    JSON-LD, which the middleware does not touch, says the same."""
    district = District.objects.get(name__startswith="高新区")
    page, _ = crumbs_of(client, district.get_absolute_url())
    assert page.crumbs[-1][0] == "高新区（滨江）"
    assert breadcrumb_list(page)["itemListElement"][-1]["name"] == "高新区（滨江）"


def test_the_404_page_says_where_it_is(client, content):
    page, _ = crumbs_of(client, "/articles/no-such-article/", status=404)
    assert [text for text, _, _ in page.crumbs] == ["首页", "页面不存在"]
    assert [item["name"] for item in breadcrumb_list(page)["itemListElement"]] == [
        "首页",
        "页面不存在",
    ]


def test_json_ld_cannot_close_its_script():
    class Request:
        def build_absolute_uri(self, path):
            return "https://example.cn" + path

    text = str(trail(Request(), [("</script><script>alert(1)</script>", None)], "/x/").json_ld)
    assert "</script" not in text and "<" not in text
    assert json.loads(text)["itemListElement"][1]["name"].startswith("</script>")


def test_breadcrumbs_cost_no_query(client, content, settings):
    """The trail is built from what the views already fetched: without it
    (block emptied) each page costs exactly as many queries as with it."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.seo import PageMetaMixin

    original = PageMetaMixin.get_breadcrumbs
    for url, _ in public_pages():
        with CaptureQueriesContext(connection) as with_trail:
            client.get(url)
        PageMetaMixin.get_breadcrumbs = lambda self, context, meta: []
        try:
            with CaptureQueriesContext(connection) as without:
                client.get(url)
        finally:
            PageMetaMixin.get_breadcrumbs = original
        assert len(with_trail) == len(without), url


def test_header_search_box_on_every_page(client, content):
    for url, _ in [*public_pages(), ("/articles/no-such-article/", None)]:
        response = client.get(url)
        page = parse(response)
        boxes = [form for form in page.forms if form.get("class") == "site-search"]
        assert len(boxes) == 1, url
        form = boxes[0]
        assert form["action"] == reverse("search")
        assert form.get("method", "get").lower() == "get"
        assert form["role"] == "search" and form["aria-label"]
        (box,) = [field for field in form["fields"] if field.get("name") == "q"]
        assert box["type"] == "search"
        # A label for screen readers, tied to the box.
        assert page.labels[box["id"]].strip()
        assert any(field["tag"] == "button" for field in form["fields"])


def test_header_search_box_submits_to_the_search_page(client, content):
    response = client.get(reverse("search"), {"q": "五学五争"})
    assert response.status_code == 200
    assert "五学五争" in response.content.decode()


def qr_image_of(response):
    (image,) = [img for img in parse(response).images if img.get("class") == "qr-code"]
    return image


def svg_of(image):
    prefix = "data:image/svg+xml;charset=utf-8,"
    assert image["src"].startswith(prefix)
    return unquote(image["src"][len(prefix) :])


def canonical_of(response):
    return re.search(r'<link rel="canonical" href="([^"]+)"', response.content.decode()).group(1)


def test_article_qr_code_is_segnos_code_for_the_canonical_url(client, seed, settings):
    settings.SITE_URL = "https://dangshi.example.cn"
    response = client.get(seed.get_absolute_url())
    image = qr_image_of(response)
    assert image["alt"] == "本文网址的二维码"
    url = canonical_of(response)
    assert url == "https://dangshi.example.cn" + seed.get_absolute_url()
    expected = segno.make(url, error=ERROR).svg_data_uri(
        scale=SCALE, border=BORDER, dark="#000", light="#fff"
    )
    assert image["src"] == expected
    assert "手机扫码阅读" in response.content.decode()


def rasterize(svg, scale=4):
    """segno's SVG (its dark modules are one path of horizontal runs: M x y,
    m dx dy, h n, each a line at y + .5 in module units) as a PIL image, to be
    read by a decoder."""
    from PIL import Image, ImageDraw

    width = int(re.search(r"width='(\d+)'", svg).group(1)) // SCALE
    path = re.search(r"class='qrline'[^>]* d='([^']+)'", svg).group(1)
    image = Image.new("L", (width * scale, width * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            top = int(y - 0.5) * scale
            draw.rectangle([x * scale, top, (x + float(a)) * scale - 1, top + scale - 1], fill=0)
            x += float(a)
    return image


def test_article_qr_code_decodes_to_the_canonical_url(client, seed, settings):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (requirements-dev.txt) absent")
    settings.SITE_URL = "https://dangshi.example.cn"
    response = client.get(seed.get_absolute_url())
    results = zxingcpp.read_barcodes(rasterize(svg_of(qr_image_of(response))))
    assert [result.text for result in results] == [canonical_of(response)]


def test_qr_code_is_cached_with_the_page(transactional_db, content, django_assert_num_queries):
    """The code is part of the page, so a cached page serves it at no cost."""
    url = Article.objects.get(title__startswith="上城江干滨江").get_absolute_url()
    reader = Client()
    first = reader.get(url)
    with django_assert_num_queries(0):
        again = reader.get(url)
    assert again["X-Page-Cache"] == "hit"
    assert qr_image_of(again)["src"] == qr_image_of(first)["src"]


def test_only_articles_carry_a_qr_code(client, content):
    for url in [
        reverse("home"),
        reverse("articles:article_list"),
        reverse("website:district_list"),
    ]:
        assert not [img for img in parse(client.get(url)).images if img.get("class") == "qr-code"]


def test_rasterizer_reads_what_segno_draws():
    """The test's own reader, against segno's PNG of the same code."""
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (requirements-dev.txt) absent")
    from PIL import Image

    qr = segno.make("https://example.cn/articles/x/", error=ERROR)
    png = io.BytesIO()
    qr.save(png, kind="png", scale=4, border=4)
    png.seek(0)
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(png))] == [
        "https://example.cn/articles/x/"
    ]
    svg = unquote(qr.svg_data_uri(scale=SCALE, border=BORDER).split(",", 1)[1])
    assert [r.text for r in zxingcpp.read_barcodes(rasterize(svg))] == [
        "https://example.cn/articles/x/"
    ]
