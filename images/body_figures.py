"""Library pictures inside article bodies, as readers see them.

A body refers to a picture by number only (core.richtext); this renders the
references of one or many bodies with two queries in all (the images, then
their renditions), whatever the number of pictures.
"""

from django.utils.html import format_html

from .models import Image
from .renditions import FORMATS, PRESETS, renditions_for
from .templatetags.images import picture

# The reading column is at most 50rem wide; on phones it is the screen less
# the page's 1rem margins (a phone then loads w640, not w1024).
BODY_SIZES = "(min-width: 52rem) 50rem, calc(100vw - 2rem)"


def figure(image, request=None):
    """One picture with its caption and credit, lazily loaded (with `request`,
    its URLs absolute, for HTML read away from this site)."""
    caption = image.caption.strip()
    credit = image.credit_line
    if caption or credit:
        credit_html = format_html(' <span class="credit">{}</span>', credit) if credit else ""
        figcaption = format_html("<figcaption>{}{}</figcaption>", caption, credit_html)
    else:
        figcaption = ""
    return format_html(
        '<figure class="body-image">{}{}</figure>',
        picture(image, "full", sizes=BODY_SIZES, lazy=True, request=request),
        figcaption,
    )


def render_figures(ids, request=None):
    """{id: HTML} for the library pictures `ids` that still exist."""
    images = list(Image.objects.filter(pk__in=ids))
    renditions_for(images, PRESETS["full"].specs, FORMATS)
    return {image.pk: figure(image, request) for image in images}
