"""Put the photos of a Word file into the image library, with its article,
all or nothing.

Every photo is checked as an upload is (images.validation.clean_upload): by
its bytes, re-encoded upright without EXIF/GPS; one refused picture refuses
the file, before anything is written. A photo whose cleaned bytes are already
in the library (same content hash) is that image, not a new one: importing a
file again, or two files with the same picture, gives one image, and an
editor's later changes to its alt text or caption stay.

The database rolls an article's rows back by itself; the files a failed
article (or batch, or strict run) put in storage are deleted here, since
Django calls nothing when a transaction rolls back: `undo_on_failure`
remembers what was stored inside it and deletes it when an exception leaves.
"""

import io
import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from districts.models import normalize_district_label
from images.models import Image
from images.renditions import make_standard_renditions
from images.validation import clean_upload

from .parser import ArticleFormatError

logger = logging.getLogger(__name__)

TITLE_LENGTH = Image._meta.get_field("title").max_length
ALT_LENGTH = Image._meta.get_field("alt_text").max_length
CREDIT_LENGTH = Image._meta.get_field("credit").max_length
SOURCE_LENGTH = Image._meta.get_field("source").max_length
# A caption makes a readable library title only when short.
SHORT_TITLE = 40


class PhotoStorageError(Exception):
    """Storage refused a photo's file (disk full, object store down). Its
    text is English, as the command prints it; `message` is the Chinese of
    the admin's import page."""

    def __init__(self, reason, message=""):
        super().__init__(reason)
        self.message = message or reason


@dataclass(frozen=True)
class CheckedPhoto:
    """An embedded photo that passed the upload checks, ready to store."""

    number: int
    line: int
    clean: object  # images.validation.CleanImage
    caption: str
    credit: str
    source: str


def check_photos(word_text):
    """{number: CheckedPhoto} of a read Word file; ArticleFormatError naming
    the photo and its line for a picture the library would refuse."""
    checked = {}
    for photo in word_text.photos.values():
        try:
            clean = clean_upload(io.BytesIO(photo.blob))
        except ValidationError as exc:
            raise ArticleFormatError(
                f"photo {photo.number} ({photo.part_name}) refused: {' '.join(exc.messages)}",
                line=photo.line,
                # The upload checks' messages are Chinese already (images.validation).
                message=f"第 {photo.number} 张图片（{photo.part_name}）不能导入："
                f"{' '.join(exc.messages)}",
            ) from exc
        caption = photo.caption
        checked[photo.number] = CheckedPhoto(
            photo.number, photo.line, clean, caption.text, caption.credit, caption.source
        )
    return checked


def photo_notes(photos):
    """One line per photo of a FileResult, for the command's listing."""
    notes = []
    for photo in photos:
        where = f"photo {photo['number']} (line {photo['line']})"
        if photo["image"] is None:
            what = "to the image library"
        elif photo["new"]:
            what = f"new library image {photo['image']}"
        else:
            what = f"library image {photo['image']}, already there"
        caption = f" “{photo['caption']}”" if photo["caption"] else " (no caption)"
        credit = f" {photo['credit']} 摄" if photo["credit"] else ""
        notes.append(f"{where}: {what}{caption}{credit}")
    return notes


def describe(photo, image=None, new=None):
    """What a FileResult records of a photo (JSON-ready)."""
    return {
        "number": photo.number,
        "line": photo.line,
        "image": image.pk if image is not None else None,
        "new": new,
        "caption": photo.caption,
        "credit": photo.credit,
    }


class PhotoStore:
    """Stores the photos of the run's articles; `districts` maps normalised
    district labels to districts."""

    def __init__(self, districts):
        self.districts = districts
        self.stored = []  # (storage, name) of files stored since the last commit

    def store(self, parsed, photos):
        """Library images for `photos` (from check_photos) of the article
        `parsed`: ({number: image id}, [describe(...) per photo])."""
        figures, described = {}, []
        district_of = self._districts_of(parsed)
        for number, photo in sorted(photos.items()):
            image = Image.objects.filter(content_hash=photo.clean.sha256).order_by("pk").first()
            new = image is None
            if new:
                image = self._new_image(parsed, photo, district_of.get(number))
            figures[number] = image.pk
            described.append(describe(photo, image, new))
        return figures, described

    def _new_image(self, parsed, photo, district):
        image = Image(
            title=_title(parsed.title, photo),
            caption=photo.caption,
            credit=photo.credit[:CREDIT_LENGTH],
            source=(photo.source or parsed.source)[:SOURCE_LENGTH],
            # Editors can refine it; the caption says what the picture shows.
            alt_text=_shorten(photo.caption or parsed.title, ALT_LENGTH),
        )
        image.set_file(photo.clean)
        pending = image.file
        try:
            # Stored before the row, so the name is known for undo even if
            # the INSERT fails.
            pending.save(pending.name, pending.file, save=False)
        except Exception as exc:
            raise PhotoStorageError(
                f"photo {photo.number} could not be stored: {exc}",
                f"第 {photo.number} 张图片无法保存（存储出错：{exc}），请稍后再试",
            ) from exc
        self.stored.append((image.file.storage, image.file.name))
        image.save()
        if district is not None:
            image.districts.add(district)
        transaction.on_commit(lambda: make_standard_renditions(image))
        return image

    def _districts_of(self, parsed):
        """{photo number: the district of the section it stands in}."""
        found = {}
        for section in parsed.sections:
            district = self.districts.get(normalize_district_label(section.district_label))
            for _, number in section.photos:
                found[number] = district
        return found

    @contextmanager
    def undo_on_failure(self):
        """Delete the files stored inside the block if an exception leaves it."""
        mark = len(self.stored)
        try:
            yield
        except BaseException:
            self._delete(self.stored[mark:])
            del self.stored[mark:]
            raise

    def forget_if_committed(self):
        """After a block that may have committed: files stored before a
        commit are the library's now, never to be undone."""
        if not transaction.get_connection().in_atomic_block:
            self.stored.clear()

    @staticmethod
    def _delete(files):
        for storage, name in files:
            try:
                storage.delete(name)
            except Exception:
                logger.exception("Could not delete %s after a failed import", name)


def _title(article_title, photo):
    if photo.caption:
        return _shorten(photo.caption, SHORT_TITLE)
    suffix = f" 图{photo.number}"
    return _shorten(article_title, TITLE_LENGTH - len(suffix)) + suffix


def _shorten(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"
