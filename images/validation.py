"""Checking an uploaded picture by its bytes, and what is kept of it.

The file name and the browser's content type are the uploader's word and are
ignored: only what Pillow can decode as one of the accepted formats gets in.
What is stored is a fresh encoding of the decoded pixels, never the bytes as
uploaded, so nothing rides along in comments, trailing data or metadata
(EXIF GPS position, camera serial numbers, owner names, XMP).

Animated GIFs keep their first frame, stored as PNG: every rendition is a
still WebP/JPEG anyway, a news or notice page has no use for animation, and
decoding every frame multiplies the pixels a hostile file can make us decode.
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

try:
    import pillow_heif
except ImportError:  # pragma: no cover - HEIC is accepted only when installed
    pillow_heif = None
else:
    pillow_heif.register_heif_opener()

# Pillow's format name → the format stored. MPO is how Pillow names the JPEGs
# many phones write (a main picture plus depth or preview pictures).
STORED_FORMAT = {
    "JPEG": "JPEG",
    "MPO": "JPEG",
    "PNG": "PNG",
    "WEBP": "WEBP",
    "GIF": "PNG",
}
if pillow_heif is not None:
    STORED_FORMAT["HEIF"] = "JPEG"

EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
JPEG_QUALITY = 88

ACCEPTED = "JPEG、PNG、WebP、GIF" + ("、HEIC" if pillow_heif is not None else "")


def max_bytes():
    return getattr(settings, "IMAGE_MAX_BYTES", 20 * 1024 * 1024)


def max_pixels():
    return getattr(settings, "IMAGE_MAX_PIXELS", 40_000_000)


@dataclass(frozen=True)
class CleanImage:
    """A checked upload, re-encoded and ready to store."""

    content: bytes
    format: str  # JPEG, PNG or WEBP
    width: int
    height: int

    @property
    def extension(self):
        return EXTENSIONS[self.format]

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()


def _not_an_image_message(head):
    """A refusal naming what the file looks like, so the editor knows what to do."""
    sample = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in sample or (sample.startswith(b"<?xml") and b"svg" in sample):
        return "不接受 SVG 矢量图（其中可能含有脚本）。请导出为 PNG 或 JPEG 后再上传。"
    if b"<?php" in sample:
        return "文件内容是程序脚本（PHP），不是图片，已拒绝。请检查文件来源。"
    if sample.startswith((b"<!doctype", b"<html", b"<")) or b"<script" in sample:
        return "文件内容是网页（HTML），不是图片。请上传图片文件本身。"
    return f"无法识别为图片。只接受 {ACCEPTED} 格式的图片文件（按文件内容判断，与扩展名无关）。"


def _too_many_pixels(size=None):
    shown = f"（{size[0]}×{size[1]} 像素）" if size else ""
    return ValidationError(
        f"图片尺寸过大{shown}，最多 {max_pixels() // 1_000_000} 百万像素。请缩小后再上传。",
        code="too_many_pixels",
    )


def _read(upload):
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise ValidationError(
            f"文件太大（{filesizeformat(size)}），图片最大 {filesizeformat(max_bytes())}。",
            code="too_big",
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise ValidationError(f"文件太大，图片最大 {filesizeformat(max_bytes())}。", code="too_big")
    if not data:
        raise ValidationError("文件是空的（0 字节），请重新选择图片。", code="empty")
    return data


def _open(data):
    """The decoded first frame of `data`, and the format it was in."""
    broken = ValidationError(
        "图片文件已损坏或不完整（可能上传中断或文件被截断），请重新导出后再上传。",
        code="broken",
    )
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            source_format = probe.format
            width, height = probe.size
            if source_format not in STORED_FORMAT:
                raise ValidationError(
                    f"不接受 {source_format} 格式。只接受 {ACCEPTED} 格式的图片。",
                    code="format",
                )
            # Checked from the header, before a single pixel is decoded.
            if width * height > max_pixels():
                raise _too_many_pixels((width, height))
            probe.verify()
        # verify() leaves the image unusable; decoding needs a fresh open.
        image = PILImage.open(io.BytesIO(data))
        image.seek(0)
        image.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        # Pillow's own guard (PIL.Image.MAX_IMAGE_PIXELS) fires inside open()
        # for sizes far beyond ours; the warning is an error where warnings are.
        raise _too_many_pixels() from None
    except UnidentifiedImageError:
        raise ValidationError(_not_an_image_message(data), code="not_an_image") from None
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        # Pillow reports broken data in all these ways, depending on the format.
        raise broken from None
    return image, source_format


def _normalise(image, stored_format):
    """Upright pixels, encoded afresh without any metadata except the colour profile."""
    icc_profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if stored_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif stored_format == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if _has_alpha(image) else "RGB")
        options.update(quality=90, method=4)
    else:  # PNG
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            image = image.convert("RGBA" if _has_alpha(image) else "RGB")
        options.update(optimize=True)
    buffer = io.BytesIO()
    # No exif= or xmp= argument: Pillow then writes none.
    image.save(buffer, format=stored_format, **options)
    return CleanImage(buffer.getvalue(), stored_format, image.width, image.height)


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def clean_upload(upload):
    """Check `upload` (an uploaded file or any binary file object) and return
    it as a CleanImage to store. Raises ValidationError with a message for
    editors when it is not a picture we accept."""
    data = _read(upload)
    image, source_format = _open(data)
    with image:
        try:
            return _normalise(image, STORED_FORMAT[source_format])
        except (OSError, ValueError) as exc:
            raise ValidationError(
                "图片无法处理（颜色模式或编码异常），请用常见软件另存为 JPEG 或 PNG 后再上传。",
                code="unprocessable",
            ) from exc
