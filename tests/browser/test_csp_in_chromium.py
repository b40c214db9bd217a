"""Content-Security-Policy in chromium: the report, an article and the admin's
rich-text editor run without a single violation, script error or CSP console
message (the headers themselves are checked in tests/core/test_csp_headers.py)."""

import base64
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from articles.models import Article

pytestmark = pytest.mark.browser

REPORT = "/campaigns/2021-dang-shi-xue-xi-jiao-yu/"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def seed_article():
    return Article.objects.get(title__startswith="上城江干滨江")


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
def watched(new_context):
    def open_page(width=1280, user=None, site=None):
        context = new_context(width)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}]
            )
        return Watched(context)

    return open_page


def superuser():
    return get_user_model().objects.create_superuser("csp-admin", "csp@example.com", "pw")


@pytest.mark.parametrize("width", [390, 1280])
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


def test_article_page_has_no_violations(site, watched):
    watched = watched()
    page = watched.page
    page.goto(site + seed_article().get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.click(".font-sizes >> text=大")
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
    # A double click selects the bold words themselves, wherever the caret was
    # (a click then Shift+ArrowLeft left the selection empty once on a loaded machine).
    editor.locator("strong", has_text="三百名").dblclick()
    link_button = menubar.locator("[data-name=link]")
    expect(link_button).not_to_have_class(re.compile(r"\bdisabled\b"))
    link_button.click()
    page.locator("dialog.prose-editor-dialog[open]").wait_for()
    page.keyboard.press("Escape")
    # The seed is live: the form asks what kind of change this is.
    page.check("input[name=change_kind][value=technical]")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert "<strong>三百名</strong>" in article.sections.order_by("position").first().body
    assert watched.violations == []
