"""Helpers for the image library tests: pictures made on the fly, and a media
folder of each test's own."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags
from PIL import Image as PILImage


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores its files in an empty folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return settings.MEDIA_ROOT


def stored_files(folder=""):
    """Every file name in the default storage (through its API, as on S3)."""
    from django.core.files.storage import default_storage

    if not default_storage.exists(folder):
        return []
    folders, files = default_storage.listdir(folder)
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += stored_files(f"{folder}{sub}/")
    return sorted(names)


def picture_bytes(size=(64, 48), fmt="JPEG", color=(200, 30, 30), exif=None, **options):
    picture = PILImage.new("RGBA" if fmt == "PNG" else "RGB", size, color)
    buffer = io.BytesIO()
    if exif is not None:
        options["exif"] = exif
    picture.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def two_halves(size=(400, 200)):
    """A JPEG red on its left half and blue on its right."""
    picture = PILImage.new("RGB", size, (0, 0, 255))
    picture.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def exif_with_gps(orientation=6):
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.Artist] = "Wang Xiaoming"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (30.0, 15.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (120.0, 10.0, 0.0)
    return exif


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_image(data=None, **fields):
    """An Image saved as an upload would be, without the admin."""
    from images.models import Image
    from images.validation import clean_upload

    image = Image(
        title=fields.pop("title", "测试图片"), alt_text=fields.pop("alt_text", "测试"), **fields
    )
    image.set_file(clean_upload(upload("x.jpg", data or picture_bytes())))
    image.save()
    return image
