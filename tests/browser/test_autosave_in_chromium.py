"""Autosave in a real browser: what an editor typed into the title, a rich-text
body section, a new byline row and an autocomplete field comes back after the
page was closed; saving or discarding removes it (core.admin.autosave,
static/admin-extra/autosave.js)."""

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import Article
from core.models import AutosavedForm
from core.status import Status
from districts.models import District
from tests.admin_helpers import make_user
from tests.factories import make_article

from .test_editors_in_chromium import log_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def editor(site, settings):
    """A newsroom editor whose forms autosave every second."""
    settings.ADMIN_AUTOSAVE_SECONDS = 1
    return make_user("newsroom", group="新闻编辑")


@pytest.fixture
def article(site):
    return make_article(
        title="上城区原来的标题",
        status=Status.DRAFT,
        paragraphs=["原来的第一段。"],
        districts=[District.objects.get(slug="shangcheng")],
    )


def autosaved(page, url, *texts, timeout=10):
    """The autosave of the form at `url` (the add or change page) once it holds
    every one of `texts` (values or shown names of choices), asked of the server as the page's script asks for it
    (the test's own database connection would wait on SQLite's table locks)."""
    autosave_url = url.removesuffix("change/").removesuffix("add/") + "autosave/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = page.request.get(autosave_url)
        if response.status == 200:
            kept = json.dumps(response.json()["data"], ensure_ascii=False)
            if all(text in kept for text in texts):
                return response.json()
        time.sleep(0.2)
    raise AssertionError(f"no autosave with {texts}")


def type_into_body(page, section, text):
    page.locator(f'#{section} div.ProseMirror[contenteditable="true"]').click()
    page.keyboard.press("End")
    page.keyboard.type(text)


def test_typing_comes_back_after_the_page_was_closed(site, new_page, editor, article):
    page = new_page()
    log_in(page, site, "newsroom")
    change_url = f"{site}/admin/articles/article/{article.pk}/change/"
    page.goto(change_url)
    page.fill("#id_title", "自动保存后的新标题")
    type_into_body(page, "sections-0", "新写的一句话。")
    page.click("#bylines-group .add-row a")
    page.select_option("#id_bylines-1-kind", "correspondent")
    page.fill("#id_bylines-1-role", "通讯员")
    page.fill("#id_bylines-1-name", "王新来")
    autosaved(page, change_url, "自动保存后的新标题", "新写的一句话。", "王新来")
    expect(page.locator(".submit-row .autosave-status").first).to_have_text(
        "已自动保存 " + page.evaluate("new Date().toTimeString().slice(0, 5)")
    )
    context = page.context
    page.close()

    page = context.new_page()
    page.goto(change_url)
    offer = page.locator(".autosave-offer")
    expect(offer).to_contain_text("发现不到 1 分钟前自动保存的未提交内容：")
    # Nothing is put back until the editor asks for it.
    expect(page.locator("#id_title")).to_have_value("上城区原来的标题")
    expect(page.locator("#id_bylines-TOTAL_FORMS")).to_have_value("1")

    offer.get_by_role("button", name="恢复").click()
    expect(offer).to_contain_text("已恢复自动保存的内容")
    expect(page.locator("#id_title")).to_have_value("自动保存后的新标题")
    body = page.locator('#sections-0 div.ProseMirror[contenteditable="true"]')
    expect(body).to_contain_text("原来的第一段。新写的一句话。")
    expect(page.locator("#id_bylines-TOTAL_FORMS")).to_have_value("2")
    expect(page.locator("#id_bylines-1-kind")).to_have_value("correspondent")
    expect(page.locator("#id_bylines-1-name")).to_have_value("王新来")

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.title == "自动保存后的新标题"
    assert "新写的一句话。" in article.sections.get().body
    assert list(article.bylines.values_list("role", "name")) == [
        ("记者", article.bylines.first().name),
        ("通讯员", "王新来"),
    ]
    assert not AutosavedForm.objects.exists()
    # The saved form opens without an offer.
    page.goto(change_url)
    page.wait_for_load_state("networkidle")
    expect(page.locator(".autosave-offer")).to_have_count(0)


def test_a_new_article_comes_back_with_its_autocomplete_choices(site, new_page, editor):
    """On the add form: the body section it opens with, a second one added,
    and a district picked in the select2 autocomplete, shown by name."""
    page = new_page()
    log_in(page, site, "newsroom")
    add_url = f"{site}/admin/articles/article/add/"
    page.goto(add_url)
    page.fill("#id_title", "尚未保存的新稿件")
    type_into_body(page, "sections-0", "新稿件的正文。")
    page.click("#sections-group .add-row a")
    page.fill("#id_sections-1-position", "1")
    type_into_body(page, "sections-1", "第二节的正文。")
    page.locator("#id_districts").locator("xpath=..").locator(".select2-selection").click()
    page.keyboard.type("上城")
    page.locator(".select2-results__option", has_text="上城区").click()
    autosaved(page, add_url, "尚未保存的新稿件", "新稿件的正文。", "第二节的正文。", "上城区")
    context = page.context
    page.close()

    page = context.new_page()
    page.goto(add_url)
    page.get_by_role("button", name="恢复").click()
    expect(page.locator("#id_title")).to_have_value("尚未保存的新稿件")
    body = page.locator('#sections-0 div.ProseMirror[contenteditable="true"]')
    expect(body).to_have_text("新稿件的正文。")
    # A section row added back for the autosave, its editor started with the text.
    second = page.locator('#sections-1 div.ProseMirror[contenteditable="true"]')
    expect(second).to_have_text("第二节的正文。")
    expect(page.locator("#id_sections-1-position")).to_have_value("1")
    chosen = page.locator("#id_districts").locator("xpath=..").locator(".select2-selection__choice")
    expect(chosen).to_contain_text("上城区")

    page.fill("#id_source", "杭州日报")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get(title="尚未保存的新稿件")
    assert [d.slug for d in article.districts.all()] == ["shangcheng"]
    assert [s.body for s in article.sections.order_by("pk")] == [
        "<p>新稿件的正文。</p>",
        "<p>第二节的正文。</p>",
    ]
    assert not AutosavedForm.objects.exists()


def test_discarding_keeps_the_saved_article(site, new_page, editor, article):
    page = new_page()
    log_in(page, site, "newsroom")
    change_url = f"{site}/admin/articles/article/{article.pk}/change/"
    page.goto(change_url)
    page.fill("#id_title", "不要了的标题")
    autosaved(page, change_url, "不要了的标题")
    context = page.context
    page.close()

    page = context.new_page()
    page.goto(change_url)
    page.get_by_role("button", name="丢弃").click()
    expect(page.locator(".autosave-offer")).to_have_count(0)
    expect(page.locator(".submit-row .autosave-status").first).to_have_text("已丢弃自动保存的内容")
    expect(page.locator("#id_title")).to_have_value("上城区原来的标题")
    assert not AutosavedForm.objects.exists()
    # Unchanged since: nothing is autosaved again.
    page.wait_for_timeout(2500)
    assert not AutosavedForm.objects.exists()

    page.goto(change_url)
    page.wait_for_load_state("networkidle")
    expect(page.locator(".autosave-offer")).to_have_count(0)
    article.refresh_from_db()
    assert article.title == "上城区原来的标题"


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_offer_in_screenshots(site, new_page, editor, article, width, theme):
    """For a person to look at: screenshots/autosave-offer-<width>-<theme>.png."""
    page = new_page(width=width)
    page.emulate_media(color_scheme=theme)
    log_in(page, site, "newsroom")
    change_url = f"{site}/admin/articles/article/{article.pk}/change/"
    page.goto(change_url)
    page.fill("#id_title", "截图用的标题")
    autosaved(page, change_url, "截图用的标题")
    page.goto(change_url)
    offer = page.locator(".autosave-offer")
    expect(offer).to_be_visible()
    box = offer.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"autosave-offer-{width}-{theme}.png")
    page.locator(".submit-row").last.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / f"autosave-status-{width}-{theme}.png")
