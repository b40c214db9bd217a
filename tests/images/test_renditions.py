"""Renditions: the right sizes and formats, never upscaled, cropped around the
focal point, made once, fetched many at a time with one query."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from images import renditions
from images.models import Rendition
from images.renditions import FORMATS, rendition, renditions_for

from .conftest import make_image, picture_bytes, stored_files, two_halves

pytestmark = pytest.mark.django_db


def opened(item):
    with default_storage.open(item.file.name) as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
        picture.load()
    return picture


def test_width_specs_keep_the_shape_and_never_upscale():
    """w640 of a 1000×500 picture is 640×320; w1600 stays 1000×500."""
    image = make_image(picture_bytes(size=(1000, 500)))
    small = rendition(image, "w640", "webp")
    assert (small.width, small.height) == (640, 320)
    assert opened(small).size == (640, 320)
    assert opened(small).format == "WEBP"
    big = rendition(image, "w1600", "jpeg")
    assert (big.width, big.height) == (1000, 500)
    assert opened(big).format == "JPEG"


@pytest.mark.parametrize(
    ("spec", "size"),
    [("fill-1200x630", (1200, 630)), ("fill-16x9-640", (640, 360)), ("fill-1x1-320", (320, 320))],
)
def test_fill_specs_have_the_exact_shape(spec, size):
    image = make_image(picture_bytes(size=(2000, 1500)))
    made = rendition(image, spec, "jpeg")
    assert (made.width, made.height) == size
    assert opened(made).size == size


def test_fill_of_a_small_picture_keeps_the_shape_without_upscaling():
    image = make_image(picture_bytes(size=(600, 600)))
    made = rendition(image, "fill-1200x630", "jpeg")
    assert (made.width, made.height) == (600, 315)


def test_every_format_is_made():
    """WebP and JPEG always; AVIF when this Pillow writes it."""
    image = make_image()
    assert {"webp", "jpeg"} <= set(FORMATS)
    for fmt in FORMATS:
        assert opened(rendition(image, "w320", fmt)).format == fmt.upper()


def test_crop_keeps_the_part_around_the_focal_point():
    """With the focal point near the left edge, a square crop keeps the left (red) part."""
    image = make_image(two_halves(size=(400, 200)), focal_x=0.05, focal_y=0.5)
    square = opened(rendition(image, "fill-1x1-100", "jpeg")).convert("RGB")
    red, _, blue = square.getpixel((50, 50))
    assert red > 200 and blue < 60
    image.focal_x = 0.95
    image.save()
    renditions.forget_crops(image)
    square = opened(rendition(image, "fill-1x1-100", "jpeg")).convert("RGB")
    red, _, blue = square.getpixel((50, 50))
    assert blue > 200 and red < 60


def test_rendition_is_made_once():
    """A second request returns the same row and writes no new file."""
    image = make_image()
    first = rendition(image, "w320", "webp")
    files = stored_files()
    image.__dict__.pop("_renditions", None)
    second = rendition(image, "w320", "webp")
    assert second.pk == first.pk
    assert Rendition.objects.filter(image=image).count() == 1
    assert stored_files() == files


def test_rendition_made_meanwhile_elsewhere_is_reused(monkeypatch):
    """If another server inserted the row after our lookup, ours is dropped: one
    row, and no stray file of ours left in storage."""
    image = make_image()
    theirs = rendition(image, "w320", "jpeg")
    image.__dict__.pop("_renditions", None)
    files = stored_files()
    monkeypatch.setattr(renditions, "_existing", lambda *args: None)
    ours = rendition(image, "w320", "jpeg")
    assert ours.pk == theirs.pk
    assert Rendition.objects.filter(image=image).count() == 1
    assert stored_files() == files


def test_file_names_carry_the_content_hash_and_spec():
    image = make_image()
    made = rendition(image, "fill-16x9-640", "webp")
    assert image.content_hash[:20] in made.file.name
    assert "fill-16x9-640" in made.file.name
    assert made.file.name.endswith(".webp")


def test_renditions_for_uses_one_query_however_many_images(django_assert_num_queries):
    """Fetching the renditions of 1 or 10 images takes one query."""
    images = [make_image() for _ in range(10)]
    specs = ["w320", "w640"]
    renditions_for(images, specs)  # make them
    for count in (1, 10):
        fresh = list(type(images[0]).objects.filter(pk__in=[i.pk for i in images[:count]]))
        with django_assert_num_queries(1):
            found = renditions_for(fresh, specs)
            for image in fresh:
                rendition(image, "w640", "webp")
        assert len(found) == count * len(specs) * len(FORMATS)


def test_deleting_an_image_deletes_its_files(django_capture_on_commit_callbacks):
    image = make_image()
    rendition(image, "w320", "webp")
    assert len(stored_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert stored_files() == []
