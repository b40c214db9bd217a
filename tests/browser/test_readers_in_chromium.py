"""Readers in a real browser (Playwright driving Debian's chromium): pages fit
phones and desktops, have no serious accessibility violations, and the reading
tools work, also without JavaScript."""

from pathlib import Path

import pytest

from articles.models import Article

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def test_report_page_on_a_phone_and_by_keyboard(site, new_page):
    page = new_page(width=390)
    page.goto(f"{site}/campaigns/2021-dang-shi-xue-xi-jiao-yu/")
    assert page.locator("h1").inner_text() == "2021年党史学习教育"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the report scrolls sideways on a phone"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"


def serious_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    return [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def public_pages():
    article = Article.objects.get(title__startswith="上城江干滨江")
    return {
        "report": "/campaigns/2021-dang-shi-xue-xi-jiao-yu/",
        "article": article.get_absolute_url(),
        "home": "/",
        "list": "/articles/?district=jianggan",
        "district": "/districts/jianggan/",
        "programme": "/programmes/qi-da-ke-cheng/",
        "tag": "/tags/dang-shi-xue-xi-jiao-yu/",
        "tags": "/tags/",
        "search": "/search/?q=院士讲堂",
        "search-empty": "/search/?q=月球基地",
    }


@pytest.mark.parametrize("width", [390, 1280])
def test_report_and_article_fit_the_screen_and_are_saved_as_screenshots(site, new_page, width):
    """No sideways scrolling on a phone or a desktop; screenshots land in
    screenshots/ (ignored by git) for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page = new_page(width=width)
    for name in ("report", "article"):
        page.goto(site + public_pages()[name])
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.goto(site + public_pages()["report"])
    # One card per district, in the report's order (the full text is folded below them).
    cards = page.locator(".district-card .district-name").all_inner_texts()
    assert [c.split()[0] for c in cards] == ["上城区", "江干区", "高新区（滨江）"]


@pytest.mark.parametrize(
    "name",
    [
        "report",
        "article",
        "home",
        "list",
        "district",
        "programme",
        "tag",
        "tags",
        "search",
        "search-empty",
    ],
)
def test_no_serious_accessibility_violations(site, new_page, name):
    page = new_page()
    page.goto(site + public_pages()[name])
    assert serious_violations(page) == []


def test_no_serious_accessibility_violations_in_large_type_on_a_phone(site, new_page):
    page = new_page(width=390)
    page.goto(site + public_pages()["report"] + "?size=large")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []


def test_font_size_switch_changes_the_text_and_survives_a_reload(site, new_page):
    page = new_page()
    page.goto(site + public_pages()["article"])
    paragraph = page.locator(".article-body p").first
    medium = paragraph.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    page.click(".font-sizes >> text=大")
    large = paragraph.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert large > medium
    page.reload()
    after = page.locator(".article-body p").first.evaluate(
        "p => parseFloat(getComputedStyle(p).fontSize)"
    )
    assert after == large
    page.click(".font-sizes >> text=小")
    assert (
        page.locator(".article-body p").first.evaluate(
            "p => parseFloat(getComputedStyle(p).fontSize)"
        )
        < medium
    )


def test_back_link_returns_to_the_page_the_reader_came_from(site, new_page):
    page = new_page()
    article = public_pages()["article"]
    page.goto(site + article)  # typed in: the default way back
    back = page.locator("a.back-link")
    assert (back.get_attribute("href"), back.inner_text()) == ("/articles/", "返回新闻列表")
    # The same cached page, reached from a tag page, leads back there.
    page.goto(site + public_pages()["tag"])
    page.locator(f'main a[href="{article}"]').first.click()
    page.wait_for_url(site + article)
    assert page.locator("a.back-link").get_attribute("href") == public_pages()["tag"]
    assert page.locator("a.back-link").inner_text() == "返回上一页"


def test_print_view_hides_navigation_and_shows_the_url(site, new_page):
    page = new_page()
    page.goto(site + public_pages()["article"])
    assert page.locator(".print-button").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".reading-tools").is_visible()
    assert page.locator(".print-url").is_visible()


def test_keyboard_reaches_the_main_content_through_the_skip_link(site, new_page):
    page = new_page()
    page.goto(site + public_pages()["article"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_pages_work_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + public_pages()["article"] + "?size=large")
    assert page.locator("body.font-large").count() == 1
    assert page.locator("h1").inner_text().startswith("上城江干滨江")
    context.close()
