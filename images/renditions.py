"""Resized and cropped copies of library images, made once and kept.

Specs:

- ``w640``: 640 pixels wide (never wider than the original), the original's shape.
- ``fill-1200x630``: exactly that shape, cropped around the focal point, at
  that size or smaller when the original is smaller (never upscaled).
- ``fill-16x9-640``: the 16:9 shape, 640 pixels wide (same rules).

Formats: WebP and JPEG, and AVIF when this Pillow can write it.

Every batch of renditions of one image (the standard ones after an upload, the
missing ones of a page) decodes the original once: a JPEG at the smallest
reduced scale that still covers the largest rendition asked for (libjpeg
scales by 1/2, 1/4 or 1/8 while decoding: a 4000×3000 photo whose largest
rendition is 1600 wide is decoded at 2000×1500), and every rendition is
resized from that one picture.
"""

import io
import logging
import math
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image as PILImage
from PIL import features

from core.context_processors import absolute_url

from .models import Rendition

logger = logging.getLogger(__name__)

WIDTHS = (320, 640, 1024, 1600)
AVIF = features.check("avif")
FORMATS = ("avif", "webp", "jpeg") if AVIF else ("webp", "jpeg")
OG_SPEC = "fill-1200x630"
ADMIN_THUMBNAIL_SPEC = "fill-1x1-160"


@dataclass(frozen=True)
class Preset:
    """A family of renditions of one shape, for one place on a page."""

    specs: tuple
    # The width of the <img src> fallback (the largest at most this wide).
    fallback_width: int = 1024


PRESETS = {
    "full": Preset(tuple(f"w{w}" for w in WIDTHS)),
    "card": Preset(tuple(f"fill-16x9-{w}" for w in (320, 640, 1024)), fallback_width=640),
    "cover": Preset(tuple(f"fill-16x9-{w}" for w in WIDTHS)),
    "square": Preset(tuple(f"fill-1x1-{w}" for w in (160, 320, 640)), fallback_width=320),
    "og": Preset((OG_SPEC,), fallback_width=1200),
}

# Made right after an upload, so that no reader waits for one: everything the
# public pages show (the article page's "full" picture, list cards' "square"
# one, the share picture and feed enclosure) and the admin thumbnail, in every
# format the <picture> offers. Presets no template uses yet are made on first use.
STANDARD = [
    *(
        (spec, fmt)
        for preset in ("full", "square")
        for spec in PRESETS[preset].specs
        for fmt in FORMATS
    ),
    (OG_SPEC, "jpeg"),
]

_SPEC = re.compile(r"^(?:w(?P<width>\d+)|fill-(?P<a>\d+)x(?P<b>\d+)(?:-(?P<fill_width>\d+))?)$")
_ENCODER = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}
_OPTIONS = {
    "avif": {"quality": 60, "speed": 8},
    "webp": {"quality": 80, "method": 4},
    "jpeg": {"quality": 82, "optimize": True, "progressive": True},
}
_EXTENSIONS = {"avif": ".avif", "webp": ".webp", "jpeg": ".jpg"}
MAX_SPEC_WIDTH = 4000


def parse_spec(spec):
    """(width, height) wanted for a crop spec, (width, None) for a width spec.
    ValueError for anything else."""
    match = _SPEC.match(spec)
    if not match:
        raise ValueError(f"unknown rendition spec {spec!r}")
    if match["width"]:
        size = (int(match["width"]), None)
    elif match["fill_width"]:
        a, b, width = int(match["a"]), int(match["b"]), int(match["fill_width"])
        size = (width, round(width * b / a))
    else:
        size = (int(match["a"]), int(match["b"]))
    if not (0 < size[0] <= MAX_SPEC_WIDTH) or (
        size[1] is not None and not 0 < size[1] <= MAX_SPEC_WIDTH
    ):
        raise ValueError(f"rendition spec {spec!r} out of range")
    return size


def is_crop(spec):
    return spec.startswith("fill-")


def target_size(image, spec):
    """The (width, height) `spec` makes of `image`, without making it."""
    width, height = parse_spec(spec)
    if height is None:
        width = min(width, image.width)
        return width, max(1, round(image.height * width / image.width))
    crop = crop_box(image.width, image.height, width / height, 0.5, 0.5)
    crop_width = crop[2] - crop[0]
    if crop_width < width:
        return crop_width, max(1, round(crop_width * height / width))
    return width, height


def crop_box(width, height, ratio, focal_x, focal_y):
    """The largest box of shape `ratio` (width/height) inside width×height,
    centred on the focal point as far as the edges allow."""
    if width / height > ratio:
        box_w, box_h = max(1, round(height * ratio)), height
    else:
        box_w, box_h = width, max(1, round(width / ratio))
    left = min(max(round(focal_x * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal_y * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def file_name(image, spec, fmt):
    focal = f"-c{image.focal_key}" if is_crop(spec) else ""
    return (
        f"images/renditions/{image.content_hash[:2]}/{image.pk}-"
        f"{image.content_hash[:20]}-{spec}{focal}{_EXTENSIONS[fmt]}"
    )


@dataclass(frozen=True)
class _Decoded:
    """The original of an image decoded once, for several renditions."""

    picture: PILImage.Image  # RGB, or RGBA when the original has transparency
    # Decoded pixels per pixel of the stored file (below 1 after a JPEG draft).
    scale_x: float
    scale_y: float
    stored_size: tuple
    icc_profile: bytes | None


def _box(image, spec, stored_size):
    """The part of the stored picture `spec` shows, in the stored file's pixels."""
    width, height = stored_size
    if not is_crop(spec):
        return (0, 0, width, height)
    wanted_w, wanted_h = parse_spec(spec)
    return crop_box(width, height, wanted_w / wanted_h, image.focal_x, image.focal_y)


def _draft_size(image, specs, stored_size):
    """The smallest decoded size whose every box still holds its rendition's
    pixels (None: only full size does)."""
    ratio = 0.0
    for spec in specs:
        left, top, right, bottom = _box(image, spec, stored_size)
        width, height = target_size(image, spec)
        ratio = max(ratio, width / (right - left), height / (bottom - top))
    if ratio >= 1:
        return None
    return (math.ceil(stored_size[0] * ratio), math.ceil(stored_size[1] * ratio))


def _decode(image, specs):
    """Open and decode `image`'s stored file once, no larger than `specs` need."""
    with image.file.open("rb") as stored, PILImage.open(stored) as source:
        stored_size = source.size
        scale_x = scale_y = 1.0
        size = _draft_size(image, specs, stored_size)
        # draft() is JPEG's: libjpeg decodes at 1/2, 1/4 or 1/8 scale, never
        # below `size`; other formats answer None and decode in full.
        drafted = source.draft(source.mode, size) if size is not None else None
        if drafted is not None:
            _, extent = drafted
            scale_x, scale_y = extent[2] / stored_size[0], extent[3] / stored_size[1]
        source.load()
        icc_profile = source.info.get("icc_profile")
        picture = source.convert("RGBA") if _has_alpha(source) else source.convert("RGB")
    return _Decoded(picture, scale_x, scale_y, stored_size, icc_profile)


def _resized(decoded, image, spec):
    """(picture, width, height) of `spec` resized from the decoded original."""
    width, height = target_size(image, spec)
    left, top, right, bottom = _box(image, spec, decoded.stored_size)
    box = (
        left * decoded.scale_x,
        top * decoded.scale_y,
        right * decoded.scale_x,
        bottom * decoded.scale_y,
    )
    # resize() leaves the decoded picture as it was, for the next spec.
    picture = decoded.picture.resize(
        (width, height), PILImage.Resampling.LANCZOS, box=box, reducing_gap=3.0
    )
    return picture, width, height


def _encode(picture, fmt, icc_profile):
    if fmt == "jpeg" and picture.mode == "RGBA":
        # JPEG has no transparency: lay the picture on white, as pages show it.
        background = PILImage.new("RGB", picture.size, "white")
        background.paste(picture, mask=picture.getchannel("A"))
        picture = background
    options = dict(_OPTIONS[fmt])
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    picture.save(buffer, format=_ENCODER[fmt], **options)
    return buffer.getvalue()


def render(image, spec, fmt):
    """Encode `spec` of `image` as `fmt`: (bytes, width, height)."""
    decoded = _decode(image, [spec])
    picture, width, height = _resized(decoded, image, spec)
    return _encode(picture, fmt, decoded.icc_profile), width, height


def _has_alpha(picture):
    return picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info


def _existing(image, spec, fmt):
    return Rendition.objects.filter(image=image, spec=spec, format=fmt).first()


def _check_format(fmt):
    if fmt not in _ENCODER or (fmt == "avif" and not AVIF):
        raise ValueError(f"unsupported rendition format {fmt!r}")


def rendition(image, spec, fmt="jpeg"):
    """The rendition `spec` of `image` in `fmt`, made the first time it is asked
    for. Two servers asking at once both encode it, but only one row (and one
    file) is kept."""
    _check_format(fmt)
    cached = getattr(image, "_renditions", {}).get((spec, fmt))
    if cached is not None:
        return cached
    found = _existing(image, spec, fmt)
    if found is None:
        found = _make_many(image, [(spec, fmt)])[0]
    _remember(image, [found])
    return found


def _make_many(image, wanted, log_errors=False):
    """Make the (spec, format) renditions `wanted` of `image`, decoding its
    original once and resizing once per spec. With `log_errors`, one that
    fails is logged and left out; otherwise the error is raised."""
    by_spec = {}
    for spec, fmt in wanted:
        _check_format(fmt)
        parse_spec(spec)  # a bad spec fails before the decode
        by_spec.setdefault(spec, []).append(fmt)
    decoded = _decode(image, list(by_spec))
    made = []
    for spec, formats in by_spec.items():
        try:
            picture, width, height = _resized(decoded, image, spec)
        except Exception:
            if not log_errors:
                raise
            logger.exception("Could not make rendition %s of image %s", spec, image.pk)
            continue
        for fmt in formats:
            try:
                content = _encode(picture, fmt, decoded.icc_profile)
                made.append(_store(image, spec, fmt, content, width, height))
            except Exception:
                if not log_errors:
                    raise
                logger.exception("Could not make rendition %s/%s of image %s", spec, fmt, image.pk)
    return made


def _store(image, spec, fmt, content, width, height):
    """Save an encoded rendition: its file, then its row, unless another
    server saved that rendition first (theirs is kept, ours deleted)."""
    storage = Rendition._meta.get_field("file").storage
    name = storage.save(file_name(image, spec, fmt), ContentFile(content))
    try:
        with transaction.atomic():
            made, created = Rendition.objects.get_or_create(
                image=image,
                spec=spec,
                format=fmt,
                defaults={"width": width, "height": height, "file": name},
            )
    except IntegrityError:
        # Another server inserted it between our lookup and our insert.
        made, created = Rendition.objects.get(image=image, spec=spec, format=fmt), False
    if not created and made.file.name != name:
        storage.delete(name)
    return made


def _remember(image, found):
    cache = image.__dict__.setdefault("_renditions", {})
    for item in found:
        cache[(item.spec, item.format)] = item


def renditions_for(images, specs, formats=FORMATS, create=True):
    """{(image pk, spec, format): Rendition} for every image, spec and format,
    fetched with one query (none when every image already holds them); missing
    ones are made (`create`, each image's original decoded once) or left out.
    Each image remembers its renditions, so `rendition()` and the picture tag
    need no further query for them."""
    for fmt in formats:
        _check_format(fmt)
    wanted = [(spec, fmt) for spec in specs for fmt in formats]
    images = [image for image in images if image is not None]
    # Several rows of a list may show the same image, each its own instance.
    instances = {}
    for image in images:
        instances.setdefault(image.pk, []).append(image)
    to_fetch = [
        pk
        for pk, same in instances.items()
        if any(key not in getattr(image, "_renditions", {}) for image in same for key in wanted)
    ]
    if to_fetch:
        rows = Rendition.objects.filter(
            image__in=to_fetch, spec__in=list(specs), format__in=list(formats)
        )
        by_image = {}
        for row in rows:
            by_image.setdefault(row.image_id, []).append(row)
        for pk in to_fetch:
            for image in instances[pk]:
                _remember(image, by_image.get(pk, []))
    if create:
        for same in instances.values():
            cache = same[0].__dict__.get("_renditions", {})
            missing = [key for key in wanted if key not in cache]
            if missing:
                made = _make_many(same[0], missing)
                for image in same:
                    _remember(image, made)
    found = {}
    for image in images:
        cache = image.__dict__.get("_renditions", {})
        for key in wanted:
            item = cache.get(key)
            if item is not None:
                found[(image.pk, *key)] = item
    return found


def make_standard_renditions(image):
    """The renditions every new image gets at once (STANDARD: all that pages
    and the admin list show), from one decode of the original. A failure is
    logged, not raised: the image is saved and the rest are made on first use."""
    try:
        have = set(Rendition.objects.filter(image=image).values_list("spec", "format"))
        missing = [key for key in STANDARD if key not in have]
        if missing:
            _remember(image, _make_many(image, missing, log_errors=True))
    except Exception:
        logger.exception("Could not make the standard renditions of image %s", image.pk)


def forget_crops(image):
    """Delete the cropped renditions after the focal point moved; they are
    made again around the new point on first use (under new file names)."""
    Rendition.objects.filter(image=image, spec__startswith="fill-").delete()
    image.__dict__.pop("_renditions", None)


def share_image_url(request, image):
    """The absolute URL of `image`'s share picture (og:image, feed enclosures),
    or "" without an image. Object storage may already give absolute URLs."""
    if image is None:
        return ""
    try:
        url = rendition(image, OG_SPEC, "jpeg").url
    except OSError:
        # The original is gone and the share picture was never made: no share
        # picture rather than a failed page or feed (check_media reports the file).
        logger.exception("Share picture of image %s could not be made", image.pk)
        return ""
    return url if "://" in url else absolute_url(request, url)
