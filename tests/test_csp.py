"""Content-Security-Policy: no inline code on the public site, and in the admin
only the two inline blocks the rich-text editor needs, each allowed by its hash.

The browser tests drive Debian's chromium and skip, saying why, where it is missing.
"""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect
from reversion import create_revision
from reversion.models import Version

from articles.models import Article
from core.middleware import SiteCSPMiddleware

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REPORT = "/campaigns/2021-dang-shi-xue-xi-jiao-yu/"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (apt-get install chromium); browser tests skipped",
)


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


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block, or what would
    need it: style attributes and elements, inline scripts, event handler
    attributes and javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
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


# --- In chromium ---------------------------------------------------------------

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCSPViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile}:${event.lineNumber}:${event.columnNumber}) on ${location.pathname}`
  );
});
"""


# How many pixels across the middle of a screenshot (a PNG in base64) are the
# accent red of the bars, and how wide the screenshot is.
COUNT_ACCENT_PIXELS = """async (png) => {
  const image = new Image();
  image.src = "data:image/png;base64," + png;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const row = context.getImageData(0, Math.floor(image.height / 2), image.width, 1).data;
  let filled = 0;
  for (let x = 0; x < image.width; x++) {
    const [red, green, blue] = row.slice(x * 4, x * 4 + 3);
    if (red > 140 && green < 80 && blue < 80) filled++;
  }
  return [filled, image.width];
}"""


class Watched:
    """A page whose CSP violations, script errors and console CSP messages are collected."""

    def __init__(self, context):
        self.violations = []
        context.expose_function("reportCSPViolation", self.record)
        context.add_init_script(REPORT_VIOLATIONS)
        self.page = context.new_page()
        self.page.on("pageerror", lambda error: self.violations.append(f"script error: {error}"))
        self.page.on(
            "console",
            lambda message: (
                self.violations.append(f"console: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def record(self, violation):
        self.violations.append(violation)


@pytest.fixture
def watched(browser):
    contexts = []

    def open_page(width=1280, user=None, site=None):
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}]
            )
        return Watched(context)

    yield open_page
    for context in contexts:
        context.close()


def superuser():
    return get_user_model().objects.create_superuser("csp-admin", "csp@example.com", "pw")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.browser
@needs_chromium
def test_report_page_has_no_violations_and_its_bars_keep_their_widths(site, watched, width):
    watched = watched(width=width)
    page = watched.page
    page.goto(site + REPORT)
    page.wait_for_load_state("networkidle")
    items = page.locator(".key-figures li")
    values = [
        int(re.search(r"\d+", text)[0]) for text in items.locator(".figure-value").all_inner_texts()
    ]
    assert len(values) > 1
    for value, bar in zip(values, items.locator(".figure-bar").all(), strict=True):
        box = bar.bounding_box()
        assert box["width"] > 0 and box["height"] > 0
        # The filled part of a <meter> is not in the page's DOM: measure what is drawn.
        filled, drawn = page.evaluate(
            COUNT_ACCENT_PIXELS, base64.b64encode(bar.screenshot()).decode()
        )
        assert filled > 0
        assert filled / drawn == pytest.approx(value / max(values), abs=4 / drawn), (value, filled)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"report-csp-{width}.png", full_page=True)
    assert watched.violations == []


@pytest.mark.browser
@needs_chromium
def test_article_page_has_no_violations(site, watched):
    watched = watched()
    page = watched.page
    page.goto(site + seed_article().get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.click("text=大")
    assert page.locator("body.font-large").count() == 1
    assert page.locator(".print-button").is_visible()
    assert watched.violations == []


def type_bold_text(page, editor):
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type("党员参加")
    page.keyboard.press("Control+b")
    page.keyboard.type("三百名")
    page.keyboard.press("Control+b")
    assert editor.locator("strong", has_text="三百名").count() == 1


@pytest.mark.browser
@needs_chromium
def test_admin_add_page_and_its_editor_have_no_violations(site, watched):
    watched = watched(user=superuser(), site=site)
    page = watched.page
    page.goto(f"{site}/admin/articles/article/add/")
    page.wait_for_load_state("networkidle")
    assert watched.violations == []
    page.click("#sections-group .add-row a")
    editor = page.locator('#sections-0 div.ProseMirror[contenteditable="true"]')
    type_bold_text(page, editor)
    assert page.locator("#sections-0 .prose-menubar").is_visible()
    page.fill("#id_tags", "党史")
    page.locator("#id_tags").dispatch_event("input")
    page.locator("#id_tags-suggestions option").first.wait_for(state="attached")
    calendar_link = page.locator("a[id^=calendarlink]").first
    calendar_link.click()
    box = "#calendarbox" + calendar_link.get_attribute("id").removeprefix("calendarlink")
    page.locator(box).wait_for()
    assert watched.violations == []


@pytest.mark.browser
@needs_chromium
def test_admin_change_page_and_its_editor_have_no_violations(site, watched):
    article = seed_article()
    watched = watched(user=superuser(), site=site)
    page = watched.page
    page.goto(f"{site}/admin/articles/article/{article.pk}/change/")
    page.wait_for_load_state("networkidle")
    # Blocked, the import map stops the editor from starting: say so before waiting for it.
    assert watched.violations == []
    editor = page.locator('#sections-0 div.ProseMirror[contenteditable="true"]')
    type_bold_text(page, editor)
    menubar = page.locator("#sections-0 .prose-menubar")
    menubar.locator("[data-name=italic]").click()
    page.keyboard.type("斜体")
    assert editor.locator("em", has_text="斜体").count() == 1
    # The block type picker is a popover the editor positions by script.
    menubar.locator(".prose-menubar__selected").click()
    picker = page.locator("#sections-0 .prose-menubar__picker")
    picker.wait_for()
    page.keyboard.press("Escape")
    picker.wait_for(state="hidden")
    # The link button stays disabled until the selection holds text; click once it is enabled.
    editor.locator("strong", has_text="三百名").click()
    page.keyboard.press("Shift+ArrowLeft")
    link_button = menubar.locator("[data-name=link]")
    expect(link_button).not_to_have_class(re.compile(r"\bdisabled\b"))
    link_button.click()
    page.locator("dialog.prose-editor-dialog[open]").wait_for()
    page.keyboard.press("Escape")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert "<strong>三百名</strong>" in article.sections.order_by("position").first().body
    assert watched.violations == []
