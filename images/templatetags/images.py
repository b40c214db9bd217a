"""Library images on pages.

    {% load images %}
    {% picture image "card" sizes="(min-width: 1024px) 640px, 100vw" %}
    {% picture image "full" lazy=False %}            {# above the fold #}
    <meta property="og:image" content="{% og_image_url image %}">

Presets (images.renditions.PRESETS): full, card, cover, square, og. The
renditions are fetched with one query per image, or none when the view has
called `renditions_for(images, …)` for the whole list.
"""

import functools
import logging

from django import template
from django.db.models import prefetch_related_objects
from django.utils.html import format_html, format_html_join

from core.context_processors import absolute_url

from ..renditions import FORMATS, OG_SPEC, PRESETS, rendition, renditions_for

register = template.Library()
logger = logging.getLogger(__name__)

_MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}


def _by_width(renditions):
    """Renditions by width, once each: a small original makes w1024 and w1600
    the same picture, and a srcset must not list it twice."""
    seen = {}
    for item in renditions:
        seen.setdefault(item.width, item)
    return [seen[width] for width in sorted(seen)]


def _srcset(renditions, address):
    return ", ".join(f"{address(item.url)} {item.width}w" for item in renditions)


def full_address(request):
    """How `picture` writes a rendition's URL: as storage gives it, or, for a
    page read elsewhere (the JSON API), absolute on this site."""
    if request is None:
        return lambda url: url
    return lambda url: url if "://" in url else absolute_url(request, url)


def _empty_if_unreadable(function):
    """A picture whose original file is gone (or unreadable) and whose
    renditions are not made yet is left out of the page, logged, rather than
    failing the whole page; check_media and check_links report the file."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except OSError:
            logger.exception("Picture left out: a rendition could not be made")
            return ""

    return wrapper


@register.simple_tag
@_empty_if_unreadable
def picture(image, preset="full", sizes="100vw", lazy=True, css_class="", alt=None, request=None):
    """A <picture> of `image` in every format, for browsers to choose from.

    `alt` overrides the image's alt text for this one use; a decorative image
    gets alt="" so screen readers skip it. With `request`, the URLs are absolute."""
    if image is None:
        return ""
    address = full_address(request)
    specs = PRESETS[preset].specs
    renditions_for([image], specs, FORMATS)
    by_format = {fmt: _by_width([rendition(image, spec, fmt) for spec in specs]) for fmt in FORMATS}
    jpegs = by_format["jpeg"]
    fallback_width = PRESETS[preset].fallback_width
    fallback = next((r for r in reversed(jpegs) if r.width <= fallback_width), jpegs[0])
    if alt is None:
        alt = "" if image.decorative else image.alt_text
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        ((_MIME[fmt], _srcset(by_format[fmt], address), sizes) for fmt in FORMATS if fmt != "jpeg"),
    )
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}'
        ' decoding="async"{}></picture>',
        sources,
        address(fallback.url),
        _srcset(jpegs, address),
        sizes,
        fallback.width,
        fallback.height,
        alt,
        # Above the fold it is usually the largest paint: fetched first.
        format_html(' loading="{}"', "lazy")
        if lazy
        else format_html(' loading="{}" fetchpriority="{}"', "eager", "high"),
        format_html(' class="{}"', css_class) if css_class else "",
    )


@register.simple_tag(takes_context=True)
@_empty_if_unreadable
def og_image_url(context, image):
    """The absolute URL of `image`'s share picture (1200×630 JPEG), for
    og:image; empty without an image."""
    if image is None:
        return ""
    url = rendition(image, OG_SPEC, "jpeg").url
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


@register.simple_tag
@_empty_if_unreadable
def prefetch_pictures(objects, preset="square"):
    """Before a loop over cards: every object's 题图 (`lead_image`) and its
    renditions for `preset`, in two queries for the whole list instead of two
    per card. Renders nothing; the loop then reuses the same objects."""
    objects = list(objects)
    prefetch_related_objects(objects, "lead_image")
    renditions_for([obj.lead_image for obj in objects], PRESETS[preset].specs)
    return ""
