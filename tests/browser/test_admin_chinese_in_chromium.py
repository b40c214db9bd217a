"""The admin's JavaScript widgets speak Chinese in a real browser: the texts
they write into the page come from the admin's JavaScript catalog (jsi18n)."""

import re

import pytest

from districts.models import District
from tests.admin_helpers import admin_url, make_user
from tests.browser.test_editors_in_chromium import log_in

pytestmark = pytest.mark.browser

# Single letters too: the calendar once showed S M T W T F S.
LATIN_WORD = re.compile(r"[A-Za-z]+")


def test_district_pickers_are_in_chinese(site, new_page):
    """The 城区编辑 and 承继城区 pickers (filter_horizontal, SelectFilter2.js)."""
    make_user("chief", superuser=True)
    district = District.objects.get(slug="shangcheng")
    page = new_page()
    log_in(page, site, "chief")
    page.goto(f"{site}{admin_url(district, 'change', district.pk)}")

    for field, name in [("editors", "城区编辑"), ("successors", "承继城区")]:
        assert page.locator(f"#id_{field}_add_all").inner_text() == f"全选{name}"
        assert page.locator(f"#id_{field}_remove_all").inner_text() == f"移除全部{name}"
        assert page.locator(f"#id_{field}_input").get_attribute("placeholder") == "过滤"
        picker = page.locator(f"#id_{field}_from").locator("xpath=ancestor::div[@class='selector']")
        help_texts = picker.locator(".helptext").all_inner_texts()
        assert help_texts == [
            f"在框中选中{name}，再点击“选择”箭头按钮。",
            f"在框中选中{name}，再点击“移除”箭头按钮。",
        ]
        # Options are content (usernames, district names); the rest is Chinese,
        # the buttons' and the filter boxes' screen-reader labels too.
        text = picker.inner_text()
        for option in picker.locator("option").all_inner_texts():
            text = text.replace(option, "")
        labels = picker.locator("[aria-label]").evaluate_all(
            "nodes => nodes.map(node => node.getAttribute('aria-label'))"
        )
        text = " ".join([text, *picker.locator("button").all_text_contents(), *labels])
        assert not LATIN_WORD.findall(text), text


def test_date_and_time_shortcuts_are_in_chinese(site, new_page):
    """The 今天/现在 shortcuts, the calendar and the clock (DateTimeShortcuts.js),
    the inline's add link (inlines.js) and the body editor's own texts on a new
    article."""
    make_user("chief", superuser=True)
    page = new_page()
    log_in(page, site, "chief")
    page.goto(f"{site}/admin/articles/article/add/")

    # DateTimeShortcuts.js puts its links right after each input.
    shortcuts = page.locator("#id_published_at_0 + .datetimeshortcuts")
    assert shortcuts.locator("a").first.inner_text() == "今天"
    time_shortcuts = page.locator("#id_published_at_1 + .datetimeshortcuts")
    assert time_shortcuts.locator("a").first.inner_text() == "现在"

    shortcuts.locator(".date-icon").click()
    calendar = page.locator(".calendarbox").first
    assert calendar.is_visible()
    calendar_text = calendar.inner_text()
    assert "昨天" in calendar_text and "今天" in calendar_text and "明天" in calendar_text
    assert re.search(r"[一二三四五六七八九十]+月", calendar_text)
    assert sorted(calendar.locator("th").all_inner_texts()) == sorted("一二三四五六日")
    assert not LATIN_WORD.findall(calendar_text), calendar_text
    calendar.locator(".calendar-cancel a").click()

    time_shortcuts.locator(".clock-icon").click()
    clock = page.locator(".clockbox").first
    assert clock.is_visible()
    clock_text = clock.inner_text()
    for choice in ["选择一个时间", "现在", "午夜", "上午6点", "正午", "下午6点", "取消"]:
        assert choice in clock_text
    assert not LATIN_WORD.findall(clock_text), clock_text

    add_links = " ".join(page.locator(".add-row a").all_inner_texts())
    assert add_links and "添加另一个" in add_links
    assert not LATIN_WORD.findall(add_links), add_links

    # The body's editor (django-prose-editor) translates its dialogs with the same catalog.
    assert page.evaluate("window.gettext('Edit Link')") == "编辑链接"
    assert page.locator(".prose-menubar [title='列表设置']").count() >= 1
    # Its toolbar's own labels are English in the package (admin-extra/editor-labels.js).
    menubar = page.locator("#sections-0 .prose-menubar")
    titles = menubar.locator("button[title]").evaluate_all(
        "buttons => buttons.map(b => [b.title, b.getAttribute('aria-label') || ''])"
    )
    assert ["加粗", "加粗"] in titles and ["插入链接", "插入链接"] in titles
    assert not [pair for pair in titles if LATIN_WORD.search("".join(pair))], titles
    menubar.locator(".prose-menubar__selected").click()
    picker = menubar.locator(".prose-menubar__picker")
    picker.wait_for()
    assert "三级标题" in picker.inner_text() and "正文段落" in picker.inner_text()
    assert not LATIN_WORD.findall(picker.inner_text()), picker.inner_text()
    page.keyboard.press("Escape")


def test_action_counter_is_in_chinese(site, new_page):
    """The counter 选中了 N 个中的 1 个 on a list once a row is ticked (actions.js)."""
    make_user("chief", superuser=True)
    page = new_page()
    log_in(page, site, "chief")
    page.goto(f"{site}/admin/districts/district/")
    page.locator("input.action-select").first.check()
    counter = page.locator(".action-counter").inner_text()
    assert re.fullmatch(r"选中了 \d+ 个中的 1 个", counter), counter
