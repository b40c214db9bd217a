"""当前位置, the header's search box, the footer's identity and the 手机扫码阅读
code as a reader meets them in chromium: the search box submits to /search/
and fits a phone, the QR code on screen and on paper decodes to the article's
URL, and none of it (JSON-LD, the data URI) raises a CSP violation. Saves
screenshots of home, article and a district at 390 and 1280 px in screenshots/."""

import io
import json

import pytest

from tests.browser.test_csp_in_chromium import SCREENSHOTS, Watched, seed_article
from tests.core.test_site_identity import IDENTITY
from tests.site.test_html_valid import public_pages

pytestmark = pytest.mark.browser

PAGES = ("home", "article", "district")

TRAIL_BREAKS = """
[...document.querySelectorAll('nav[aria-label="当前位置"] li + li')].filter(li => {
  const before = li.previousElementSibling.getClientRects();
  return Math.abs(li.getClientRects()[0].top - before[before.length - 1].top) > 2;
}).map(li => li.textContent.trim())
"""


@pytest.fixture
def identity(settings):
    for name, value in IDENTITY.items():
        setattr(settings, name, value)


@pytest.mark.parametrize("width", [390, 1280])
def test_pages_carry_breadcrumbs_search_and_identity_without_violations(
    site, new_context, identity, width
):
    watched = Watched(new_context(width))
    page = watched.page
    SCREENSHOTS.mkdir(exist_ok=True)
    for name in PAGES:
        page.goto(site + public_pages()[name])
        page.wait_for_load_state("networkidle")
        crumbs = page.locator('nav[aria-label="当前位置"] a')
        assert crumbs.first.inner_text() == "首页"
        assert crumbs.last.get_attribute("aria-current") == "page"
        (data,) = [
            json.loads(text)
            for text in page.locator('script[type="application/ld+json"]').all_text_contents()
        ]
        assert [item["name"] for item in data["itemListElement"]] == crumbs.all_inner_texts()
        # The trail reads as one run of text: each crumb starts on the line the
        # one before it ends on, also when a long title must wrap on a phone.
        assert page.evaluate(TRAIL_BREAKS) == [], name
        box = page.get_by_role("search", name="站内搜索").get_by_label("搜索本站")
        assert box.is_visible()
        assert page.get_by_role("link", name="我为政府网站找错").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.screenshot(path=SCREENSHOTS / f"conventions-{name}-{width}.png", full_page=True)
    assert watched.violations == []


def test_header_search_box_submits_to_the_search_page(site, new_page):
    page = new_page(390)
    page.goto(site + "/districts/")
    box = page.get_by_role("search", name="站内搜索").get_by_label("搜索本站")
    box.fill("五学五争")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator("h1").inner_text() == "搜索"
    assert page.locator(".search-results li").count() > 0


def decoded(png):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (requirements-dev.txt) absent")
    from PIL import Image

    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_qr_code_as_drawn_decodes_to_the_article(site, new_page):
    url = site + seed_article().get_absolute_url()
    page = new_page(1280)
    page.goto(url)
    code = page.get_by_role("img", name="本文网址的二维码")
    assert code.is_visible()
    assert page.get_by_text("手机扫码阅读").is_visible()
    assert decoded(code.screenshot()) == [url]
    # On paper too; on a phone, where the code would lead, it is not shown.
    page.emulate_media(media="print")
    assert code.is_visible()
    assert decoded(code.screenshot()) == [url]
    phone = new_page(390)
    phone.goto(url)
    assert not phone.get_by_role("img", name="本文网址的二维码").is_visible()
