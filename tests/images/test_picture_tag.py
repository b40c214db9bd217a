"""The picture tag: every format, the srcset widths, the size, alt text, lazy loading."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from images.renditions import FORMATS

from .conftest import make_image, picture_bytes

pytestmark = pytest.mark.django_db


def render(source, **context):
    return Template("{% load images %}" + source).render(Context(context))


def test_picture_lists_every_format_and_width():
    image = make_image(picture_bytes(size=(2000, 1000)), alt_text="西湖边的党员志愿者")
    html = render(
        '{% picture image "full" sizes="(min-width: 1024px) 640px, 100vw" %}', image=image
    )
    assert html.startswith("<picture>") and html.endswith("</picture>")
    if "avif" in FORMATS:
        assert '<source type="image/avif"' in html
    assert '<source type="image/webp"' in html
    img = re.search(r"<img [^>]+>", html).group(0)
    assert re.search(r'src="/media/images/renditions/[^"]+\.jpg"', img)
    widths = re.findall(r"\.jpg (\d+)w", img)
    assert widths == ["320", "640", "1024", "1600"]
    assert 'width="1024" height="512"' in img
    assert 'sizes="(min-width: 1024px) 640px, 100vw"' in img
    assert 'alt="西湖边的党员志愿者"' in img
    assert 'loading="lazy"' in img and 'decoding="async"' in img
    assert "style" not in html


def test_small_original_lists_each_width_once():
    """A 500-pixel picture is not offered at 1024 or 1600 (never upscaled)."""
    image = make_image(picture_bytes(size=(500, 250)))
    html = render('{% picture image "full" %}', image=image)
    img = re.search(r"<img [^>]+>", html).group(0)
    assert re.findall(r"\.jpg (\d+)w", img) == ["320", "500"]


def test_decorative_image_has_empty_alt_and_eager_loading():
    image = make_image(alt_text="", decorative=True)
    html = render('{% picture image "card" lazy=False %}', image=image)
    assert 'alt=""' in html
    assert 'loading="eager"' in html


def test_alt_text_is_escaped():
    image = make_image(alt_text='"><script>alert(1)</script>')
    html = render('{% picture image "card" %}', image=image)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_no_image_renders_nothing():
    assert render('{% picture image "card" %}', image=None) == ""


def test_og_image_url_is_an_absolute_1200x630_jpeg():
    image = make_image(picture_bytes(size=(2400, 1600)))
    request = RequestFactory().get("/")
    url = render("{% og_image_url image %}", image=image, request=request)
    assert url.startswith("http://testserver/media/images/renditions/")
    assert "fill-1200x630" in url and url.endswith(".jpg")


def test_pictures_of_a_prefetched_list_need_no_query(django_assert_num_queries):
    """After renditions_for() on the whole list, the tags query nothing."""
    from images.models import Image
    from images.renditions import PRESETS, renditions_for

    for _ in range(3):
        make_image()
    images = list(Image.objects.all())
    renditions_for(images, PRESETS["card"].specs)
    with django_assert_num_queries(0):
        html = render('{% for i in images %}{% picture i "card" %}{% endfor %}', images=images)
    assert html.count("<picture>") == 3
