"""The visit beacon as chromium sends it (static/js/visits.js): an article page
from the page cache shows the count it was built with, and the beacon,
answered before sessions and the rest of the stack run, puts the current one in
its place; no cookie goes with it even when the reader has one, none comes
back, and the answer breaks no rule of the page's CSP."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles import visits
from articles.models import Article

pytestmark = pytest.mark.browser

# Headless chromium says so in its user agent, and crawlerdetect takes it for a bot.
READER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def seed_beacon(article):
    return reverse("articles:article_visit", args=[article.pk])


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    settings.VISIT_FLUSH_THRESHOLD = 1000
    visits.reset()
    yield
    visits.reset()


def test_the_beacon_shows_the_current_count_and_carries_no_cookie(site, browser):
    seed = Article.objects.get(title__startswith="上城江干滨江")
    url = site + seed.get_absolute_url()
    context = browser.new_context(
        user_agent=READER, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        problems = []
        page.on(
            "console", lambda message: message.type == "error" and problems.append(message.text)
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        # The first view is counted; its beacon is answered before the page is
        # left (otherwise the next wait could catch it, its body gone).
        with page.expect_response(lambda r: "/visits/" in r.url) as first:
            page.goto(url + "?size=large")  # the reader now has the 字号 cookie
        assert first.value.json() == {"count": 1}
        assert any(c["name"] == "fontsize" for c in context.cookies())
        # The same reader again: not counted twice.
        with page.expect_response(lambda r: "/visits/" in r.url) as answered:
            built = page.goto(url)
        assert f'data-visit-url="{seed_beacon(seed)}">0<' in built.text()
        response = answered.value
        request = response.request
        assert response.status == 200 and response.json() == {"count": 1}
        assert "cookie" not in request.all_headers()
        assert "set-cookie" not in response.all_headers()
        assert response.all_headers()["x-content-type-options"] == "nosniff"
        counter = page.locator("[data-visit-url]")
        expect(counter).to_have_text("1")
        assert problems == []
    finally:
        context.close()
