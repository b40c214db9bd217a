"""The image library's part of `manage.py check_media` (core.media_checks):
images whose stored file went missing (asked of the storage, local disk or
S3), images used nowhere, and images without alt text that are not marked
decorative. Registered from ImagesConfig.ready()."""

from core import media_checks
from core.media_checks import MISSING, WARNING, Section

from .models import Image
from .usage import usage, used_image_ids


def _file_missing(fieldfile):
    return not fieldfile.name or not fieldfile.storage.exists(fieldfile.name)


def _describe(image):
    return {"id": image.pk, "title": image.title, "file": image.file.name}


def check_images():
    missing = Section("missing_images", "文件缺失的图片", MISSING)
    unused = Section("unused_images", "未被使用的图片", WARNING)
    without_alt = Section("images_without_alt", "缺少替代文本的图片（且未标为装饰性）", WARNING)
    # A few bulk queries name every image in use; without them (no content
    # app registered any), each image is asked about on its own.
    used = used_image_ids()
    images = Image.objects.only("title", "file", "alt_text", "decorative").order_by("pk")
    for image in images.iterator():
        if _file_missing(image.file):
            missing.items.append(_describe(image))
        if (image.pk not in used) if used is not None else not usage(image):
            unused.items.append(_describe(image))
        if not image.decorative and not image.alt_text.strip():
            without_alt.items.append(_describe(image))
    return [missing, unused, without_alt]


def register_media_check():
    media_checks.register(check_images)
