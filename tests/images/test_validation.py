"""Uploads are judged by their bytes, and what is stored is a clean re-encoding."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags
from PIL import Image as PILImage

from images.validation import clean_upload

from .conftest import exif_with_gps, picture_bytes, upload

JPEG = picture_bytes()


def png_declaring(width, height):
    """A tiny PNG whose header claims width×height pixels (a decompression bomb)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


HOSTILE = {
    "php named .jpg": (
        "shell.jpg",
        b"<?php system($_GET['c']); ?>",
        "PHP",
    ),
    "svg with script": (
        "logo.svg",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(1)</script></svg>",
        "SVG",
    ),
    "plain svg named .png": (
        "logo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>',
        "SVG",
    ),
    "html named .png": (
        "photo.png",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "网页",
    ),
    "text file": ("notes.jpg", "会议纪要：第一条……".encode(), "无法识别为图片"),
    "truncated jpeg": ("cut.jpg", JPEG[: len(JPEG) // 2], "损坏或不完整"),
    "empty file": ("empty.jpg", b"", "空的"),
    "huge declared size": ("bomb.png", png_declaring(100_000, 100_000), "尺寸过大"),
    "over our pixel limit": ("big.png", png_declaring(8000, 6000), "尺寸过大"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_files_are_refused_with_a_chinese_message(case):
    """PHP, SVG, HTML, text, broken, empty files and decompression bombs are
    refused by content, whatever their name, with a message saying why."""
    name, data, words = HOSTILE[case]
    with pytest.raises(ValidationError) as refused:
        clean_upload(upload(name, data))
    assert words in " ".join(refused.value.messages)


def test_size_limit_comes_from_settings(settings):
    """IMAGE_MAX_BYTES caps uploads."""
    settings.IMAGE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="文件太大"):
        clean_upload(upload("a.jpg", JPEG))


def test_pixel_limit_comes_from_settings(settings):
    """IMAGE_MAX_PIXELS caps decoded sizes."""
    settings.IMAGE_MAX_PIXELS = 1000
    with pytest.raises(ValidationError, match="尺寸过大"):
        clean_upload(upload("a.jpg", JPEG))


def test_exif_orientation_applied_and_metadata_removed():
    """A phone photo is stored upright, without GPS or any other EXIF."""
    data = picture_bytes(size=(64, 48), exif=exif_with_gps(orientation=6))
    clean = clean_upload(upload("phone.jpg", data))
    assert (clean.width, clean.height) == (48, 64)
    stored = PILImage.open(io.BytesIO(clean.content))
    assert stored.size == (48, 64)
    exif = stored.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Orientation not in exif
    assert b"TestCam" not in clean.content


@pytest.mark.parametrize(
    ("source", "stored"),
    [("JPEG", "JPEG"), ("PNG", "PNG"), ("WEBP", "WEBP"), ("GIF", "PNG"), ("HEIF", "JPEG")],
)
def test_formats_are_re_encoded(source, stored):
    """JPEG stays JPEG, PNG and WebP stay themselves, a GIF keeps its first frame
    as PNG, an iPhone HEIC becomes JPEG."""
    clean = clean_upload(upload("x", picture_bytes(fmt=source)))
    assert clean.format == stored
    assert PILImage.open(io.BytesIO(clean.content)).format == stored


def test_trailing_payload_is_not_stored():
    """Bytes hidden after a valid picture (a polyglot) are not kept."""
    clean = clean_upload(upload("x.jpg", JPEG + b"<?php evil(); ?>"))
    assert b"<?php" not in clean.content
