"""Library pictures as the API gives them: a 题图 as data (its words, its
size and every rendition's absolute URL), fetched for a whole page of rows in
one query, and the pictures inside article bodies drawn as the pages draw
them, with absolute URLs, for HTML read away from this site."""

import logging

from core.context_processors import absolute_url
from core.richtext import embed_figures, figure_ids
from images.body_figures import render_figures
from images.renditions import FORMATS, PRESETS, renditions_for

logger = logging.getLogger(__name__)

# The article page's own preset: every width it offers, in every format.
LEAD_PRESET = "full"


def prefetch_lead_images(request, rows):
    """Every row's 题图 renditions in one query (rows loaded with
    select_related("lead_image")); lead_image() then needs none."""
    images = [row.lead_image for row in rows]
    try:
        renditions_for(images, PRESETS[LEAD_PRESET].specs, FORMATS)
    except OSError:
        # An original is gone and a rendition was never made: that picture is
        # left out (lead_image() answers null), not the whole answer.
        logger.exception("API lead images: a picture's original could not be read")
    return rows


def lead_image(request, image):
    """The 题图 as the API's LeadImage, or None without one (or when its
    renditions cannot be made)."""
    if image is None:
        return None
    cache = getattr(image, "_renditions", {})
    found = [
        cache[(spec, fmt)]
        for fmt in FORMATS
        for spec in PRESETS[LEAD_PRESET].specs
        if (spec, fmt) in cache
    ]
    if not found:
        return None
    renditions, seen = [], set()
    for item in found:
        # A small original makes several specs the same picture: listed once.
        if (item.format, item.width) in seen:
            continue
        seen.add((item.format, item.width))
        url = item.url
        renditions.append(
            {
                "url": url if "://" in url else absolute_url(request, url),
                "width": item.width,
                "height": item.height,
                "format": item.format,
            }
        )
    return {
        "alt": "" if image.decorative else image.alt_text,
        "decorative": image.decorative,
        "caption": image.caption.strip(),
        "credit": image.credit_line,
        "source": image.source,
        "width": image.width,
        "height": image.height,
        "renditions": renditions,
    }


def body_figures(request, sections):
    """{id: HTML} for the pictures of all `sections`, two queries in all."""
    ids = dict.fromkeys(pk for section in sections for pk in figure_ids(section.body))
    return render_figures(list(ids), request) if ids else {}


def body_html(html, figures):
    """A section's stored HTML with its picture references drawn."""
    return embed_figures(html, figures)
