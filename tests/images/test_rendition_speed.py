"""Renditions in batches: the original decoded once per batch (a JPEG at a
reduced scale when the renditions allow), every standard rendition (AVIF
included) made right after an upload, so the first page view makes none."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import Article
from images import renditions
from images.models import Image, Rendition
from images.renditions import FORMATS, STANDARD, make_standard_renditions, renditions_for

from ..admin_helpers import login_as
from .conftest import make_image, picture_bytes, stored_files, two_halves, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def decodes(monkeypatch):
    """Every PIL.Image.open call from now on (the real one still does the work)."""
    calls = []
    real_open = PILImage.open

    def counting_open(*args, **kwargs):
        calls.append(args)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(PILImage, "open", counting_open)
    return calls


def opened_size(item):
    with default_storage.open(item.file.name) as stored:
        return PILImage.open(io.BytesIO(stored.read())).size


def test_standard_renditions_decode_the_original_once(decodes):
    image = Image.objects.get(pk=make_image(picture_bytes(size=(1200, 900))).pk)
    decodes.clear()
    make_standard_renditions(image)
    assert len(decodes) == 1
    assert Rendition.objects.filter(image=image).count() == len(STANDARD)


def test_standard_renditions_include_avif_and_every_picture_pages_show():
    image = make_image()
    make_standard_renditions(image)
    made = set(Rendition.objects.filter(image=image).values_list("spec", "format"))
    for preset in ("full", "square"):
        for spec in renditions.PRESETS[preset].specs:
            assert {(spec, fmt) for fmt in FORMATS} <= made
    assert (renditions.OG_SPEC, "jpeg") in made
    assert (renditions.ADMIN_THUMBNAIL_SPEC, "webp") in made
    assert ("avif" in FORMATS) == any(fmt == "avif" for _, fmt in made)


def test_missing_renditions_of_a_page_are_made_from_one_decode(decodes):
    """A picture without renditions yet (an image uploaded before this change)
    is decoded once for all the widths and formats its <picture> lists."""
    image = Image.objects.get(pk=make_image(picture_bytes(size=(1200, 900))).pk)
    decodes.clear()
    found = renditions_for([image], renditions.PRESETS["full"].specs)
    assert len(decodes) == 1
    assert len(found) == len(renditions.PRESETS["full"].specs) * len(FORMATS)


def test_a_second_batch_reuses_what_is_made(decodes):
    """Made once: a batch finding the rows made already (another server's, or
    its own earlier) keeps them, writes no file and decodes nothing."""
    image = make_image()
    make_standard_renditions(image)
    rows = set(Rendition.objects.values_list("pk", flat=True))
    files = stored_files()
    decodes.clear()
    make_standard_renditions(Image.objects.get(pk=image.pk))
    assert decodes == []
    # A server that did not see the rows yet encodes them, then keeps the ones saved first.
    again = renditions._make_many(image, STANDARD[:3])
    assert {item.pk for item in again} <= rows
    assert set(Rendition.objects.values_list("pk", flat=True)) == rows
    assert stored_files() == files


def test_a_jpeg_is_decoded_at_the_smallest_scale_the_renditions_allow():
    image = make_image(picture_bytes(size=(4000, 3000)))
    assert renditions._decode(image, ["w320"]).picture.size == (500, 375)
    assert renditions._decode(image, ["w320", "w640"]).picture.size == (1000, 750)
    assert renditions._decode(image, ["w1600"]).picture.size == (2000, 1500)
    assert renditions._decode(image, ["fill-1x1-640"]).picture.size == (1000, 750)
    # A PNG has no reduced decode: it is decoded in full.
    png = make_image(picture_bytes(size=(1600, 1200), fmt="PNG"))
    assert renditions._decode(png, ["w320"]).picture.size == (1600, 1200)


@pytest.mark.parametrize("size", [(4000, 3000), (4001, 2999), (3000, 4000)])
def test_renditions_of_a_drafted_jpeg_have_the_exact_sizes(size):
    image = make_image(picture_bytes(size=size))
    make_standard_renditions(image)
    for item in Rendition.objects.filter(image=image):
        expected = renditions.target_size(image, item.spec)
        assert (item.width, item.height) == expected, item
        assert opened_size(item) == expected, item
    by_spec = {item.spec: item for item in Rendition.objects.filter(image=image, format="jpeg")}
    assert (by_spec["w320"].width, by_spec["w1600"].width) == (320, 1600)
    assert (by_spec["fill-1200x630"].width, by_spec["fill-1200x630"].height) == (1200, 630)
    assert (by_spec["fill-1x1-640"].width, by_spec["fill-1x1-640"].height) == (640, 640)


@pytest.mark.parametrize(("focal_x", "kept"), [(0.05, "red"), (0.95, "blue")])
def test_crops_of_a_drafted_jpeg_keep_the_focal_point(focal_x, kept):
    """Decoded at 1/8 scale, the crop box still sits around the focal point."""
    image = make_image(two_halves(size=(1600, 800)), focal_x=focal_x, focal_y=0.5)
    assert renditions._decode(image, ["fill-1x1-100"]).picture.size == (200, 100)
    square = renditions.rendition(image, "fill-1x1-100", "jpeg")
    with default_storage.open(square.file.name) as stored:
        picture = PILImage.open(io.BytesIO(stored.read())).convert("RGB")
    red, _, blue = picture.getpixel((50, 50))
    assert picture.size == (100, 100)
    assert (red > 200 and blue < 60) if kept == "red" else (blue > 200 and red < 60)


def test_after_an_upload_pages_make_no_rendition(
    client, content, django_capture_on_commit_callbacks, settings
):
    """The admin's on-commit step makes every rendition: the article page, a
    list of cards and the feed then only read them."""
    from tests.factories import make_article

    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0
    login_as(client, "newsroom")
    form = {
        "file": upload("现场.jpg", picture_bytes(size=(2400, 1600))),
        "title": "动员部署会现场",
        "alt_text": "上城区党员在望江街道参观红色展馆",
        "caption": "",
        "credit": "王小明",
        "source": "",
        "tags": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:images_image_add"), form)
    assert response.status_code == 302
    image = Image.objects.get()
    made = Rendition.objects.count()
    assert made == len(STANDARD)
    client.logout()

    article = Article.objects.get(title__startswith="上城江干滨江")
    article.lead_image = image
    article.save()
    listed = make_article(tags=["题图列表"], lead_image=image)
    for url in (
        article.get_absolute_url(),
        listed.tags.get().get_absolute_url(),
        reverse("feeds:articles_rss"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert b"/media/images/renditions/" in response.content, url
    assert Rendition.objects.count() == made
