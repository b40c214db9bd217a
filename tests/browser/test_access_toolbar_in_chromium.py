"""The 无障碍 / 适老化 toolbar in a real browser (Debian's chromium through
Playwright): every mode on and off by keyboard alone, remembered after a reload
and on the next page, axe's WCAG 2 A/AA rules without a single violation in
each mode, read-aloud through the browser's own speech synthesis (stubbed in
the page to record what it is asked to say: headless chromium has no voices),
no sideways scrolling on a phone, and none of it on paper. Screenshots at 390
and 1280 px, normal and high contrast, land in screenshots/access-*.png (ignored
by git) for a person to look at."""

from pathlib import Path

import pytest

from articles.models import Article

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
MODES = ["contrast", "spacing", "cursor"]
STORAGE_KEY = "hzcms-access"

# Records what the page asks the speech engine to do; `utterances` keeps the
# objects so a test can play the engine's part and end them one by one.
SPEECH_STUB = """
(() => {
  const calls = [];
  const utterances = [];
  class Utterance {
    constructor(text) { this.text = text; this.lang = ""; this.voice = null; }
  }
  const voice = {lang: "zh-CN", name: "测试中文语音", localService: true};
  const engine = {
    paused: false, speaking: false,
    getVoices: () => [{lang: "en-US", name: "English"}, voice],
    speak(u) { calls.push(["speak", u.text, u.lang, u.voice && u.voice.name]); utterances.push(u);
               this.speaking = true; if (u.onstart) u.onstart({}); },
    pause() { calls.push(["pause"]); this.paused = true; },
    resume() { calls.push(["resume"]); this.paused = false; },
    cancel() { calls.push(["cancel"]); this.speaking = false; this.paused = false; },
    addEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", {value: engine, configurable: true});
  Object.defineProperty(window, "SpeechSynthesisUtterance", {value: Utterance, configurable: true});
  window.__speech = {calls, utterances};
})();
"""

NO_SPEECH = """
Object.defineProperty(window, "speechSynthesis", {value: undefined, configurable: true});
Object.defineProperty(window, "SpeechSynthesisUtterance", {value: undefined, configurable: true});
"""


def article_url():
    return Article.objects.get(title__startswith="上城江干滨江").get_absolute_url()


def all_violations(page):
    """Every violation of axe's WCAG 2 A and AA rules, whatever its impact."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    return [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
        for v in results.response["violations"]
    ]


def html_classes(page):
    return page.evaluate("[...document.documentElement.classList]")


def tab_to(page, selector, limit=40):
    """Presses Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def open_toolbar_by_keyboard(page):
    tab_to(page, "[data-access-toggle]")
    page.keyboard.press("Enter")
    assert page.get_attribute("[data-access-toggle]", "aria-expanded") == "true"
    assert page.locator("#access-panel").is_visible()


def open_toolbar(page):
    page.click("[data-access-toggle]")
    assert page.locator("#access-panel").is_visible()


def choose(page, settings):
    """Sets the reader's saved modes as the toolbar would, then reloads."""
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, JSON.stringify(value))",
        [STORAGE_KEY, {mode: True for mode in settings}],
    )
    page.reload()


EFFECTS = {
    "contrast": "getComputedStyle(document.body).backgroundColor",
    "spacing": "getComputedStyle(document.querySelector('main p')).lineHeight",
    "cursor": "getComputedStyle(document.querySelector('main p')).cursor",
}


@pytest.mark.parametrize("mode", MODES)
def test_each_mode_by_keyboard_is_remembered_on_reload_and_the_next_page(site, new_page, mode):
    page = new_page()
    page.goto(site + article_url())
    before = page.evaluate(EFFECTS[mode])
    open_toolbar_by_keyboard(page)
    button = f'[data-access-mode="{mode}"]'
    tab_to(page, button)
    page.keyboard.press("Enter")
    assert f"a11y-{mode}" in html_classes(page)
    assert page.get_attribute(button, "aria-pressed") == "true"
    on = page.evaluate(EFFECTS[mode])
    assert on != before, mode
    if mode == "contrast":
        assert on == "rgb(0, 0, 0)"
    if mode == "cursor":
        assert "cursor-arrow.svg" in on

    page.reload()
    assert f"a11y-{mode}" in html_classes(page)
    assert page.get_attribute(button, "aria-pressed") == "true"
    assert page.evaluate(EFFECTS[mode]) == on
    page.goto(site + "/")
    assert f"a11y-{mode}" in html_classes(page)
    assert page.get_attribute(button, "aria-pressed") == "true"

    # And off again, with the space bar this time.
    open_toolbar_by_keyboard(page)
    tab_to(page, button)
    page.keyboard.press("Space")
    assert f"a11y-{mode}" not in html_classes(page)
    assert page.get_attribute(button, "aria-pressed") == "false"
    page.goto(site + article_url())
    assert f"a11y-{mode}" not in html_classes(page)
    assert page.evaluate(EFFECTS[mode]) == before


def test_modes_are_on_before_the_first_paint(site, new_page):
    """The classes are on <html> before the body is parsed: no flash of the
    normal page on every visit for a reader who needs high contrast."""
    page = new_page()
    page.goto(site + "/")
    choose(page, ["contrast"])
    page.add_init_script(
        "new MutationObserver((_, observer) => { if (document.body) {"
        " window.__atBody = [...document.documentElement.classList]; observer.disconnect(); } })"
        ".observe(document, {childList: true, subtree: true});"
    )
    page.goto(site + article_url())
    assert "a11y-contrast" in page.evaluate("window.__atBody")


def test_escape_closes_the_panel_and_returns_to_its_button(site, new_page):
    page = new_page()
    page.goto(site + "/")
    open_toolbar_by_keyboard(page)
    tab_to(page, '[data-access-mode="spacing"]')
    page.keyboard.press("Escape")
    assert page.locator("#access-panel").is_hidden()
    assert page.get_attribute("[data-access-toggle]", "aria-expanded") == "false"
    assert page.evaluate("document.activeElement.matches('[data-access-toggle]')")
    # 关闭 does the same.
    page.keyboard.press("Enter")
    tab_to(page, "[data-access-close]")
    page.keyboard.press("Enter")
    assert page.locator("#access-panel").is_hidden()
    assert page.evaluate("document.activeElement.matches('[data-access-toggle]')")


def test_focus_is_visible_on_every_toolbar_button(site, new_page):
    page = new_page()
    page.goto(site + "/")
    open_toolbar_by_keyboard(page)
    for selector in (
        "[data-access-size]",
        '[data-access-mode="contrast"]',
        '[data-speech="start"]',
    ):
        tab_to(page, selector)
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
        )
        assert outline[0] != "none" and outline[1] >= 2, (selector, outline)


def test_large_type_button_shares_the_font_size_cookie_with_the_reading_tools(site, new_page):
    page = new_page()
    page.goto(site + article_url())
    paragraph = "parseFloat(getComputedStyle(document.querySelector('.article-body p')).fontSize)"
    medium = page.evaluate(paragraph)
    open_toolbar_by_keyboard(page)
    tab_to(page, "[data-access-size]")
    page.keyboard.press("Enter")
    assert page.evaluate(paragraph) > medium
    assert page.get_attribute("[data-access-size]", "aria-pressed") == "true"
    assert page.get_attribute('.font-sizes [data-size="large"]', "aria-current") == "true"
    page.reload()
    assert page.evaluate(paragraph) > medium
    assert page.get_attribute("[data-access-size]", "aria-pressed") == "true"
    # The 字号 links still work, and the toolbar follows them.
    page.click('.font-sizes [data-size="medium"]')
    assert page.evaluate(paragraph) == medium
    assert page.get_attribute("[data-access-size]", "aria-pressed") == "false"


def test_reset_turns_every_mode_off(site, new_page):
    page = new_page()
    page.goto(site + "/")
    choose(page, MODES)
    assert {f"a11y-{m}" for m in MODES} <= set(html_classes(page))
    open_toolbar(page)
    page.click("[data-access-reset]")
    assert not {f"a11y-{m}" for m in MODES} & set(html_classes(page))
    page.reload()
    assert not {f"a11y-{m}" for m in MODES} & set(html_classes(page))
    assert page.locator("[data-access-status]").inner_text() == ""


ALL = ["normal", *MODES, "large", "everything"]


@pytest.mark.parametrize("name", ["article", "home"])
def test_axe_finds_no_violation_in_any_mode(site, new_page, name):
    page = new_page()
    page.add_init_script(SPEECH_STUB)
    url = site + (article_url() if name == "article" else "/")
    failures = {}
    for mode in ALL:
        page.goto(url)
        choose(
            page, [] if mode in ("normal", "large") else MODES if mode == "everything" else [mode]
        )
        if mode in ("large", "everything"):
            page.goto(url + "?size=large")
        # The panel open, so that its buttons (one of them pressed) are checked too.
        open_toolbar(page)
        # Reading aloud, so that the status line and the passage being read are checked too.
        page.click('[data-speech="start"]')
        violations = all_violations(page)
        if violations:
            failures[mode] = violations
        page.evaluate("localStorage.clear()")
        page.context.clear_cookies()
    assert failures == {}


def test_read_aloud_speaks_the_article_in_chinese_with_pause_and_stop(site, new_page):
    page = new_page()
    page.add_init_script(SPEECH_STUB)
    page.goto(site + article_url())
    title = page.locator("h1").inner_text()
    first_paragraph = page.locator(".article-body p").first.inner_text().strip()
    open_toolbar_by_keyboard(page)
    tab_to(page, '[data-speech="start"]')
    page.keyboard.press("Enter")

    calls = page.evaluate("window.__speech.calls")
    assert calls[0] == ["cancel"]
    speak = [c for c in calls if c[0] == "speak"]
    # One sentence group at a time (long utterances are cut off by some engines).
    assert len(speak) == 1
    assert speak[0][1].startswith(title[:10])
    assert speak[0][2] == "zh-CN" and speak[0][3] == "测试中文语音"
    assert page.locator("h1").get_attribute("class") == "a11y-reading"
    assert "正在朗读" in page.locator("[data-access-status]").inner_text()

    # Play the engine: end each utterance in turn until the article is read.
    spoken = page.evaluate(
        """() => { const s = window.__speech; let i = 0;
             while (i < s.utterances.length && i < 500) { s.utterances[i].onend({}); i++; }
             return s.utterances.map(u => u.text); }"""
    )
    text = "".join(spoken)
    assert first_paragraph[:20] in text
    assert "奋斗百年路" in text  # the closing slogan: all the way to the end
    assert "本文网址" not in text and "字号" not in text
    assert max(len(t) for t in spoken) <= 200
    assert page.locator("[data-access-status]").inner_text() == "朗读完毕。"
    assert page.locator('[data-speech="stop"]').is_disabled()

    # Again, with 暂停 / 继续 and 停止 by keyboard.
    page.locator('[data-speech="start"]').focus()
    page.keyboard.press("Enter")
    tab_to(page, '[data-speech="pause"]')
    page.keyboard.press("Enter")
    assert page.get_attribute('[data-speech="pause"]', "aria-pressed") == "true"
    assert page.locator('[data-speech="pause"]').inner_text() == "继续"
    page.keyboard.press("Enter")
    assert page.get_attribute('[data-speech="pause"]', "aria-pressed") == "false"
    tab_to(page, '[data-speech="stop"]')
    page.keyboard.press("Enter")
    calls = page.evaluate("window.__speech.calls")
    assert [c[0] for c in calls if c[0] != "speak"][-4:] == ["cancel", "pause", "resume", "cancel"]
    assert page.locator('[data-speech="stop"]').is_disabled()
    assert page.locator("[data-access-status]").inner_text() == "朗读已停止。"
    assert page.evaluate("document.activeElement.dataset.speech") == "start"
    assert page.locator(".a11y-reading").count() == 0


def test_read_aloud_says_plainly_when_there_is_no_voice_to_speak_with(site, new_page):
    """Headless chromium, like a desktop without voices, has the engine but
    fails at the first utterance."""
    page = new_page()
    page.add_init_script(
        SPEECH_STUB
        + "window.speechSynthesis.speak = (u) => u.onerror({error: 'synthesis-failed'});"
    )
    page.goto(site + article_url())
    open_toolbar(page)
    page.click('[data-speech="start"]')
    assert "没有可用的中文语音" in page.locator("[data-access-status]").inner_text()
    assert page.locator('[data-speech="stop"]').is_disabled()
    assert page.locator(".a11y-reading").count() == 0


def test_read_aloud_says_plainly_when_the_browser_cannot_speak(site, new_page):
    page = new_page()
    page.add_init_script(NO_SPEECH)
    page.goto(site + article_url())
    open_toolbar(page)
    page.click('[data-speech="start"]')
    status = page.locator("[data-access-status]")
    assert status.is_visible()
    assert "此浏览器不支持语音朗读" in status.inner_text()
    assert page.locator('[data-speech="stop"]').is_disabled()


@pytest.mark.parametrize("width", [390, 1280])
def test_toolbar_fits_the_screen_and_is_saved_as_screenshots(site, new_page, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = new_page(width=width)
    for name, url in (("article", article_url()), ("home", "/")):
        for look, modes in (("normal", []), ("contrast", ["contrast"]), ("all", MODES)):
            page.goto(site + url)
            choose(page, modes)
            open_toolbar(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, look)
            if look != "all":
                page.screenshot(path=SCREENSHOTS / f"access-{name}-{look}-{width}.png")
    # The largest it gets: every mode, 大字, the panel open, a status line.
    page.goto(site + article_url() + "?size=large")
    open_toolbar(page)
    page.click('[data-speech="start"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_toolbar_is_not_printed_and_paper_stays_black_on_white(site, new_page):
    page = new_page()
    page.goto(site + article_url())
    choose(page, ["contrast"])
    page.emulate_media(media="print")
    assert page.locator("[data-access-bar]").is_hidden()
    colours = page.evaluate(
        "() => { const p = document.querySelector('.article-body p'); const s = getComputedStyle(p);"
        " return [s.color, getComputedStyle(document.body).backgroundColor]; }"
    )
    assert colours[0] != "rgb(255, 255, 255)"
    assert colours[1] != "rgb(0, 0, 0)"
