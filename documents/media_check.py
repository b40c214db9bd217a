"""What `manage.py check_media` looks for: stored files that went missing,
documents nothing links to, and images without alternative text.

Images belong to the images app, a neighbour on the same layer that may not be
imported from here; they are read through the app registry, and skipped while
that app has no Image model with the fields this needs.
"""

from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.db import connection, models

from .models import Document
from .usage import usage


@dataclass
class MediaReport:
    missing_documents: list = field(default_factory=list)
    unused_documents: list = field(default_factory=list)
    images_without_alt: list = field(default_factory=list)
    missing_images: list = field(default_factory=list)
    images_checked: bool = False

    @property
    def something_missing(self):
        return bool(self.missing_documents or self.missing_images)

    def as_dict(self):
        return asdict(self)


def _file_missing(fieldfile):
    return not fieldfile.name or not fieldfile.storage.exists(fieldfile.name)


def _image_model():
    try:
        model = apps.get_model("images", "Image")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    if not {"alt_text", "decorative"} <= names:
        return None
    if model._meta.db_table not in connection.introspection.table_names():
        return None  # not migrated yet
    return model


def _file_field_name(model):
    return next((f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)), None)


def _describe_document(document):
    return {
        "id": document.pk,
        "title": document.title,
        "file": document.file.name,
        "url": document.get_absolute_url(),
    }


def check_media():
    report = MediaReport()
    for document in Document.objects.order_by("pk").iterator():
        if _file_missing(document.file):
            report.missing_documents.append(_describe_document(document))
        if not usage(document):
            report.unused_documents.append(_describe_document(document))
    image_model = _image_model()
    if image_model is not None:
        report.images_checked = True
        file_field = _file_field_name(image_model)
        for image in image_model._default_manager.order_by("pk").iterator():
            described = {"id": image.pk, "title": str(image)}
            if file_field:
                described["file"] = getattr(image, file_field).name
            if not (image.alt_text or "").strip() and not image.decorative:
                report.images_without_alt.append(described)
            if file_field and _file_missing(getattr(image, file_field)):
                report.missing_images.append(described)
    return report
