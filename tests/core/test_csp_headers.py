"""Content-Security-Policy: no inline code on the public site, and in the admin
only the two inline blocks the rich-text editor needs, each allowed by its hash.

The same pages in chromium, with their CSP violations collected, are in
tests/browser/test_csp_in_chromium.py.
"""

import base64
import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from reversion import create_revision
from reversion.models import Version

from articles.models import Article
from core.middleware import SiteCSPMiddleware

REPORT = "/campaigns/2021-dang-shi-xue-xi-jiao-yu/"


def sha256_source(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(header):
    """{"script-src": ["'self'"], ...} from a policy header."""
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def seed_article():
    return Article.objects.get(title__startswith="上城江干滨江")


PUBLIC_PAGES = {
    "home": lambda: "/",
    "report": lambda: REPORT,
    "report-large-type": lambda: REPORT + "?size=large",
    "article-list": lambda: reverse("articles:article_list"),
    "article-list-filtered": lambda: reverse("articles:article_list") + "?district=jianggan",
    "article": lambda: seed_article().get_absolute_url(),
    "districts": lambda: reverse("website:district_list"),
    "district": lambda: "/districts/jianggan/",
    "programme": lambda: "/programmes/qi-da-ke-cheng/",
    "tags": lambda: reverse("articles:tag_index"),
    "tag": lambda: "/tags/dang-shi-xue-xi-jiao-yu/",
    "search": lambda: "/search/?q=院士讲堂",
    "search-nothing-found": lambda: "/search/?q=月球基地",
    "search-form": lambda: "/search/",
    "404": lambda: "/no-such-page/",
    "400": lambda: reverse("articles:article_list") + "?year=0000",
    "400-nul": lambda: reverse("articles:article_list") + "?q=%00",
}
FEEDS = {
    "rss": lambda: reverse("feeds:articles_rss"),
    "atom": lambda: reverse("feeds:articles_atom"),
    "district-rss": lambda: reverse("feeds:district_rss", args=["jianggan"]),
    "tag-atom": lambda: reverse("feeds:tag_atom", args=["dang-shi-xue-xi-jiao-yu"]),
    "sitemap": lambda: reverse("sitemap"),
    "robots": lambda: "/robots.txt",
}


DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block, or what would
    need it: style attributes and elements, inline scripts, event handler
    attributes and javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # A data block (JSON-LD) is never run, so the policy has nothing to block.
        data_block = attrs.get("type") in DATA_BLOCK_TYPES
        if tag == "script" and not attrs.get("src") and not data_block:
            self.found.append(f"inline <script> {attrs}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if value and re.match(r"\s*javascript:", value, re.IGNORECASE):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_strict_policy(header):
    policy = directives(header)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_pages_send_a_strict_policy_and_carry_no_inline_code(client, content, name):
    response = client.get(PUBLIC_PAGES[name]())
    assert response.status_code in (200, 400, 404), response.status_code
    assert_strict_policy(response["Content-Security-Policy"])
    assert "Content-Security-Policy-Report-Only" not in response
    assert inline_code(response.content.decode()) == []


def test_the_error_pages_are_the_sites_own(client, content):
    """The 404 and 400 above are the site's templates, not a bare Django page."""
    assert "页面不存在" in client.get("/no-such-page/").content.decode()
    assert "年份" in client.get("/articles/?year=0000").content.decode()
    assert "无效字符" in client.get("/articles/?q=%00").content.decode()


@pytest.mark.parametrize("name", FEEDS)
def test_feeds_and_plain_files_send_the_policy_too(client, content, name):
    response = client.get(FEEDS[name]())
    assert response.status_code == 200
    assert_strict_policy(response["Content-Security-Policy"])


def test_previews_send_a_strict_policy_and_carry_no_inline_code(admin_client, content):
    response = admin_client.get(reverse("articles:article_preview", args=[seed_article().pk]))
    assert response.status_code == 200
    assert_strict_policy(response["Content-Security-Policy"])
    assert inline_code(response.content.decode()) == []


def test_the_key_figure_bars_are_meters_not_styled_spans(client, content):
    html = client.get(REPORT).content.decode()
    figures = html[html.index('<figure class="key-figures">') : html.index("</figure>")]
    shown = re.findall(r'class="figure-value">(?:<small>[^<]*</small>)?(\d+)', figures)
    meters = re.findall(
        r'<meter class="figure-bar" aria-hidden="true" min="0" max="(\d+)" value="(\d+)">', figures
    )
    assert len(meters) == len(shown) > 1
    assert [value for _, value in meters] == shown
    assert {largest for largest, _ in meters} == {max(shown, key=int)}


def admin_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, response.content.decode()


ADMIN_PAGES = {
    "index": lambda: "/admin/",
    "article-list": lambda: "/admin/articles/article/",
    "article-add": lambda: "/admin/articles/article/add/",
    "article-change": lambda: f"/admin/articles/article/{seed_article().pk}/change/",
    "article-history": lambda: f"/admin/articles/article/{seed_article().pk}/history/",
    "district-list": lambda: "/admin/districts/district/",
}


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_the_admin_allows_only_the_editors_two_inline_blocks(admin_client, content, name):
    response, html = admin_page(admin_client, ADMIN_PAGES[name]())
    header = response["Content-Security-Policy"]
    policy = directives(header)
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert policy["script-src"] == ["'self'", SiteCSPMiddleware.importmap_hash()]
    assert policy["style-src"] == ["'self'", SiteCSPMiddleware.tiptap_style_hash]
    # Whatever inline code an admin page has is the editor's import map.
    for found in inline_code(html):
        assert found == "inline <script> {'type': 'importmap'}", found


def test_the_import_map_hash_matches_the_import_map_on_the_page(admin_client, content):
    """If another widget ever adds to the import map, its hash changes and the
    editor would silently not start; this says so first."""
    url = f"/admin/articles/article/{seed_article().pk}/change/"
    response, html = admin_page(admin_client, url)
    (importmap,) = re.findall(r'<script type="importmap">(.*?)</script>', html, re.DOTALL)
    assert sha256_source(importmap) in directives(response["Content-Security-Policy"])["script-src"]


def test_the_tiptap_stylesheet_hash_matches_the_installed_editor():
    """Tiptap writes its default stylesheet into a <style> element; an upgrade of
    django-prose-editor that changes it needs a new hash in SiteCSPMiddleware."""
    import django_prose_editor

    editor_js = (
        Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
    ).read_text(encoding="utf-8")
    start = editor_js.index("`.ProseMirror {\n  position: relative;") + 1
    stylesheet = editor_js[start : editor_js.index("`", start)]
    assert sha256_source(stylesheet) == SiteCSPMiddleware.tiptap_style_hash


def test_the_version_comparison_styles_come_from_a_file(admin_client, content):
    article = seed_article()
    for title in ("改过的标题", "再次改过的标题"):
        with create_revision():
            article.title = title
            article.save()
    old, new = Version.objects.get_for_object(article)[:2]
    url = f"/admin/articles/article/{article.pk}/history/compare/?old={old.pk}&new={new.pk}"
    html = admin_page(admin_client, url)[1]
    assert inline_code(html) == []
    assert "admin-extra/forms.css" in html


def policy_headers_in_a_fresh_process(path, **env):
    """The policy headers a response to `path` gets from config.settings as
    imported with `env` (settings are read once, at import)."""
    code = (
        "import django; django.setup()\n"
        "from django.http import HttpResponse\n"
        "from django.test import RequestFactory\n"
        "from core.middleware import SiteCSPMiddleware\n"
        "response = SiteCSPMiddleware(lambda request: HttpResponse())"
        f"(RequestFactory().get({path!r}))\n"
        "for name in ('Content-Security-Policy', 'Content-Security-Policy-Report-Only'):\n"
        "    print(name, '=', response.get(name, ''))\n"
    )
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
        and not key.startswith("CSP_")
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, **env})
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = (line.split(" = ", 1) for line in result.stdout.splitlines())
    return {name: value for name, value in lines}


def test_the_policy_is_enforced_by_default():
    headers = policy_headers_in_a_fresh_process("/")
    assert_strict_policy(headers["Content-Security-Policy"])
    assert headers["Content-Security-Policy-Report-Only"] == ""


@pytest.mark.parametrize(
    "path, settings_module",
    [
        ("/", "config.settings"),
        # The admin's policy resolves static URLs, which config.settings' manifest
        # storage can do only after `collectstatic`; tests.settings imports
        # config.settings just the same, environment and all.
        ("/admin/", "tests.settings"),
    ],
)
def test_csp_report_only_reports_instead_of_blocking(path, settings_module):
    headers = policy_headers_in_a_fresh_process(
        path,
        DJANGO_SETTINGS_MODULE=settings_module,
        CSP_REPORT_ONLY="1",
        CSP_REPORT_URI="/csp-reports/",
    )
    assert headers["Content-Security-Policy"] == ""
    report_only = headers["Content-Security-Policy-Report-Only"]
    assert directives(report_only)["script-src"][0] == "'self'"
    assert directives(report_only)["report-uri"] == ["/csp-reports/"]
    assert "'unsafe-inline'" not in report_only
    if path == "/admin/":
        assert SiteCSPMiddleware.tiptap_style_hash in directives(report_only)["style-src"]
