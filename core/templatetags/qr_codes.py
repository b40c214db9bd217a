"""手机扫码阅读: a page's address as a QR code, drawn here (segno) as an SVG
data URI, which the Content-Security-Policy's img-src allows; no outside
service sees the reader or the page."""

from functools import lru_cache

import segno
from django import template
from django.utils.html import format_html

register = template.Library()

# Medium error correction survives a smudged print; 3 px a module and a
# 3-module quiet zone keep the symbol of a long article URL about 140 px wide.
ERROR = "m"
SCALE = 3
BORDER = 3


@lru_cache(maxsize=1024)
def qr_data_uri(text):
    """`text` as a QR code (SVG data URI) and its width in pixels."""
    qr = segno.make(text, error=ERROR)
    width, _ = qr.symbol_size(scale=SCALE, border=BORDER)
    return qr.svg_data_uri(scale=SCALE, border=BORDER, dark="#000", light="#fff"), width


@register.simple_tag
def qr_image(url, alt="本页网址的二维码"):
    """An <img> of `url` as a QR code; nothing for an empty URL."""
    if not url:
        return ""
    src, width = qr_data_uri(str(url))
    return format_html(
        '<img class="qr-code" src="{}" width="{}" height="{}" alt="{}">', src, width, width, alt
    )
