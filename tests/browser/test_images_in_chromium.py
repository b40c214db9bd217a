"""The image library in a real browser: a publisher uploads a phone photo,
sets its focal point and makes it an article's 题图; readers on a phone and on
a desktop see it as a <picture> in a modern format, fitting the screen.

Uploaded files go to each test's own MEDIA_ROOT. The live server serves them
itself: Django's LiveServerThread wraps the site in _MediaFilesHandler, which
answers MEDIA_URL from settings.MEDIA_ROOT read at each request (whatever
DEBUG is, and config/urls.py adds its static() media URLs only under DEBUG).
So no test URLconf is needed, and the pages are served as in production, with
DEBUG off and the media beside them (nginx's job there).
"""

import io
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import ExifTags
from PIL import Image as PILImage
from playwright.sync_api import expect

from articles.models import Article
from images.models import Image
from tests.admin_helpers import make_user
from tests.browser.test_editors_in_chromium import log_in
from tests.images.conftest import exif_with_gps

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
RED, BLUE = (220, 20, 20), (30, 60, 200)
TITLE = "望江街道党员志愿者服务日"
ALT = "望江街道的党员志愿者在社区广场为居民测量血压"
CAPTION = "3月5日，望江街道党员志愿者在社区广场开展便民服务。"
CREDIT = "王小明"
RENDITION_URL = re.compile(
    r"/media/images/renditions/[0-9a-f]{2}/\d+-[0-9a-f]{20}-w\d+\.(webp|avif)$"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def phone_photo(path):
    """A 1600×1000 JPEG as a phone writes it: stored upside down with EXIF
    orientation 3 (rotate 180°) and the GPS position where it was taken. Shown
    upright, it is red at the top left and blue elsewhere, with some texture
    so the encoders have something to do."""
    upright = PILImage.linear_gradient("L").resize((1600, 1000)).convert("RGB")
    upright = PILImage.blend(upright, PILImage.new("RGB", upright.size, BLUE), 0.7)
    upright.paste(RED, (0, 0, 400, 250))
    buffer = io.BytesIO()
    upright.rotate(180).save(buffer, format="JPEG", quality=90, exif=exif_with_gps(orientation=3))
    path.write_bytes(buffer.getvalue())
    return path


def screenshot(page, name, scroll_to=None):
    """The window (scrolled to show `scroll_to` at its top) into screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    if scroll_to is not None:
        page.locator(scroll_to).evaluate("element => element.scrollIntoView()")
    page.screenshot(path=SCREENSHOTS / name)


def upload_photo(page, site, photo):
    page.goto(f"{site}/admin/images/image/add/")
    page.set_input_files("#id_file", str(photo))
    page.fill("#id_title", TITLE)
    page.fill("#id_alt_text", ALT)
    page.fill("#id_caption", CAPTION)
    page.fill("#id_credit", CREDIT)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    return Image.objects.get(title=TITLE)


def set_focal_point_near_the_left_edge(page):
    picture = page.locator(".focal-point-picker img")
    expect(picture).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    expect(page.locator("#id_focal_x")).to_have_value("0.5")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.1, "y": box["height"] * 0.3})
    focal_x = float(page.input_value("#id_focal_x"))
    focal_y = float(page.input_value("#id_focal_y"))
    assert 0.05 < focal_x < 0.15 and 0.25 < focal_y < 0.35, (focal_x, focal_y)
    # The marker moved to the click (its left is a percentage of the picture).
    marker_left = page.locator(".focal-point-marker").evaluate("m => m.style.left")
    assert abs(float(marker_left.removesuffix("%")) - focal_x * 100) < 0.01, marker_left
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")


def choose_lead_image(page, site, article, query):
    page.goto(f"{site}/admin/articles/article/{article.pk}/change/")
    page.locator("#id_lead_image").locator("xpath=..").locator(".select2-selection").click()
    page.locator(".select2-search__field[aria-controls=select2-id_lead_image-results]").fill(query)
    page.locator(".select2-results__option", has_text=TITLE).click()
    expect(page.locator("#select2-id_lead_image-container")).to_contain_text(TITLE)
    # The seed is live: the form asks what kind of change this is.
    page.check("input[name=change_kind][value=technical]")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")


def look_as_a_reader(new_page, site, article, width):
    """The article's lead image as a reader's chromium shows it at `width`."""
    # A fresh browser each time: public pages may be kept by the browser for 60 s.
    page = new_page(width)
    assert page.goto(f"{site}{article.get_absolute_url()}").status == 200
    img = page.locator("figure.lead-image picture img")
    expect(img).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    assert img.get_attribute("alt") == ALT
    assert int(img.get_attribute("width")) > 0 and int(img.get_attribute("height")) > 0
    # naturalWidth is the file's width over the density srcset gives it
    # (w640 in a 390 px slot: 390), so the file's own pixels are read too.
    shown = img.evaluate(
        """async img => ({
            src: img.currentSrc, natural: img.naturalWidth,
            pixels: (await createImageBitmap(await (await fetch(img.currentSrc)).blob())).width,
            rendered: img.getBoundingClientRect().width,
            right: img.getBoundingClientRect().right})"""
    )
    assert RENDITION_URL.search(shown["src"]), shown["src"]
    assert shown["natural"] <= 1600 and shown["pixels"] <= 1600, shown
    assert 0 < shown["rendered"] <= width and shown["right"] <= width, shown
    # At 1×, chromium picks a rendition at least as wide as the slot it fills.
    assert shown["pixels"] >= shown["rendered"] - 1, shown
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"horizontal scrollbar at {width}px: {scroll_width}"
    caption = page.locator("figure.lead-image figcaption")
    expect(caption).to_contain_text(CAPTION)
    expect(caption.locator(".credit")).to_have_text(f"{CREDIT} 摄")
    screenshot(page, f"article-lead-image-{width}.png")
    return shown


def test_a_publisher_uploads_a_photo_and_readers_see_it_as_the_lead_image(
    site, new_page, media, tmp_path
):
    make_user("publisher", group="发布者")
    page = new_page()
    log_in(page, site, "publisher")

    image = upload_photo(page, site, phone_photo(tmp_path / "IMG_20210305_093000.jpg"))
    assert (image.alt_text, image.caption, image.credit) == (ALT, CAPTION, CREDIT)
    assert (image.width, image.height) == (1600, 1000)
    assert (image.focal_x, image.focal_y) == (0.5, 0.5)
    # Stored upright, without the EXIF it came with (GPS position above all).
    with default_storage.open(image.file.name, "rb") as stored, PILImage.open(stored) as original:
        exif = original.getexif()
        assert ExifTags.IFD.GPSInfo not in exif and not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert exif.get(ExifTags.Base.Orientation, 1) == 1
        assert original.convert("RGB").getpixel((100, 100))[0] > 180  # red at the top left
        assert original.convert("RGB").getpixel((1500, 900))[2] > 150  # blue at the bottom right

    set_focal_point_near_the_left_edge(page)
    image.refresh_from_db()
    assert image.focal_x < 0.3 and 0.2 < image.focal_y < 0.4
    focal_fieldset = "fieldset:has(.focal-point-picker)"
    screenshot(page, "image-change-form-1280.png", scroll_to=focal_fieldset)
    narrow = new_page(390)
    log_in(narrow, site, "publisher")
    narrow.goto(f"{site}/admin/images/image/{image.pk}/change/")
    picker = narrow.locator(".focal-point-picker img")
    narrow.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picker.element_handle()
    )
    # The picture shrinks to the phone's width, so a click still lands where it means.
    assert picker.bounding_box()["width"] <= 390 - 2 * 15
    screenshot(narrow, "image-change-form-390.png", scroll_to=focal_fieldset)

    article = Article.objects.get(title__startswith="上城江干滨江")
    choose_lead_image(page, site, article, "志愿者服务")
    article.refresh_from_db()
    assert article.lead_image_id == image.pk

    phone = look_as_a_reader(new_page, site, article, 390)
    desktop = look_as_a_reader(new_page, site, article, 1280)
    # The phone is sent a smaller file than the desktop.
    assert phone["pixels"] < desktop["pixels"], (phone, desktop)


def test_a_php_script_named_photo_jpg_is_refused(site, new_page, media, tmp_path):
    make_user("publisher", group="发布者")
    page = new_page()
    log_in(page, site, "publisher")
    script = tmp_path / "photo.jpg"
    script.write_bytes(b"<?php system($_GET['cmd']); ?>\n")

    page.goto(f"{site}/admin/images/image/add/")
    page.set_input_files("#id_file", str(script))
    page.fill("#id_title", "可疑文件")
    page.fill("#id_alt_text", "可疑文件")
    page.click("input[name=_save]")
    expect(page.locator(".errorlist")).to_contain_text(
        "文件内容是程序脚本（PHP），不是图片，已拒绝。"
    )
    assert page.url.endswith("/admin/images/image/add/")
    assert not Image.objects.exists()
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))
