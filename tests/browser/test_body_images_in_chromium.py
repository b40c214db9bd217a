"""Pictures inside an article's text, in a real browser: a publisher uploads a
photo with its focal point and alt text, puts it into the body with the
editor's picture button (picking it from the library), uploads a second one
from the same dialog, and publishes; readers on a phone and on a desktop see
both as responsive <picture>s with their captions and credits."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, SectionImage
from images.models import Image
from tests.admin_helpers import make_user
from tests.browser.test_editors_in_chromium import log_in
from tests.browser.test_images_in_chromium import (
    ALT,
    CAPTION,
    CREDIT,
    RENDITION_URL,
    media,  # noqa: F401 (fixture)
    phone_photo,
    screenshot,
    set_focal_point_near_the_left_edge,
    upload_photo,
)

pytestmark = pytest.mark.browser

SECOND_ALT = "江干区党员在钱塘江边重走红色足迹"
SECOND_CAPTION = "江干区党员重走红色足迹。"


def open_picture_dialog(page, editor):
    editor.click()
    page.keyboard.press("Control+End")
    page.locator('#sections-0 .prose-menubar [title="插入图片"]').click()
    dialog = page.locator("dialog.library-image-dialog")
    expect(dialog).to_be_visible()
    return dialog


def insert_from_the_library(page, editor, query):
    dialog = open_picture_dialog(page, editor)
    dialog.locator("input[type=search]").fill(query)
    result = dialog.locator(".library-image-result", has_text="望江街道党员志愿者服务日")
    expect(result.locator("img")).to_be_visible()
    screenshot(page, "article-editor-picture-dialog-1280.png")
    result.click()
    expect(dialog).to_be_hidden()


def upload_from_the_dialog(page, editor, photo):
    dialog = open_picture_dialog(page, editor)
    dialog.locator("summary").click()
    dialog.locator("input[type=file]").set_input_files(str(photo))
    dialog.locator("input[name=alt_text]").fill(SECOND_ALT)
    dialog.locator("textarea[name=caption]").fill(SECOND_CAPTION)
    dialog.locator("input[name=credit]").fill("记者 李华")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()


def look_as_a_reader(new_page, site, article, width):
    page = new_page(width)
    assert page.goto(f"{site}{article.get_absolute_url()}").status == 200
    figures = page.locator(".article-body figure.body-image")
    expect(figures).to_have_count(2)
    first = figures.nth(0).locator("picture img")
    first.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=first.element_handle()
    )
    assert first.get_attribute("alt") == ALT and first.get_attribute("loading") == "lazy"
    shown = first.evaluate(
        "img => ({src: img.currentSrc, rendered: img.getBoundingClientRect().width,"
        " right: img.getBoundingClientRect().right})"
    )
    assert RENDITION_URL.search(shown["src"]), shown
    assert 0 < shown["rendered"] <= width and shown["right"] <= width, shown
    expect(figures.nth(0).locator("figcaption")).to_contain_text(CAPTION)
    expect(figures.nth(0).locator(".credit")).to_have_text(f"{CREDIT} 摄")
    expect(figures.nth(1).locator("picture img")).to_have_attribute("alt", SECOND_ALT)
    expect(figures.nth(1).locator("figcaption")).to_contain_text(SECOND_CAPTION)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(
        page,
        f"article-body-image-{width}.png",
        scroll_to=".article-body figure.body-image >> nth=0",
    )


def test_a_publisher_puts_library_photos_into_an_article_body(site, new_page, media, tmp_path):  # noqa: F811
    make_user("publisher", group="发布者")
    page = new_page()
    log_in(page, site, "publisher")
    image = upload_photo(page, site, phone_photo(tmp_path / "IMG_20210305_093000.jpg"))
    set_focal_point_near_the_left_edge(page)

    article = Article.objects.get(title__startswith="上城江干滨江")
    page.goto(f"{site}/admin/articles/article/{article.pk}/change/")
    editor = page.locator('#sections-0 div.ProseMirror[contenteditable="true"]')
    insert_from_the_library(page, editor, "志愿者")
    # The editor shows the picture itself, not markup.
    preview = editor.locator("figure.library-image img")
    expect(preview).to_be_visible()
    expect(editor.locator("figure.library-image figcaption")).to_contain_text(CAPTION)
    upload_from_the_dialog(page, editor, phone_photo(tmp_path / "second.jpg"))
    expect(editor.locator("figure.library-image")).to_have_count(2)
    screenshot(page, "article-editor-body-images-1280.png", scroll_to="#sections-0")

    page.check("input[name=change_kind][value=technical]")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    second = Image.objects.get(alt_text=SECOND_ALT)
    assert second.credit == "记者 李华" and second.uploaded_by.username == "publisher"
    body = article.sections.order_by("position").first().body
    assert f'<figure data-image="{image.pk}"></figure>' in body
    assert f'<figure data-image="{second.pk}"></figure>' in body and "<img" not in body
    assert set(SectionImage.objects.values_list("image_id", flat=True)) == {image.pk, second.pk}

    look_as_a_reader(new_page, site, article, 390)
    look_as_a_reader(new_page, site, article, 1280)
