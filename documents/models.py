"""The document library: attachments with stable addresses.

Files live on Django's default storage (local disk now, S3 later), so this
module only ever uses the storage API (open, size, exists, delete) and never
a local path.
"""

import os
import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from core.models import tag_manager
from core.slugs import pinyin_slug
from districts.models import District

from .extraction import extract_text
from .kinds import Kind
from .validation import human_size


def stored_name(instance, filename):
    """A fresh random key for every stored version: the editor's name (often
    Chinese, sometimes clashing) is kept in `original_name` instead, and a
    replacement never overwrites the file a reader may be downloading."""
    extension = os.path.splitext(filename)[1].lower()
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Document(models.Model):
    title = models.CharField(
        "标题", max_length=200, help_text="读者看到的链接文字，如“2021年党史学习教育工作方案”。"
    )
    file = models.FileField("文件", upload_to=stored_name, max_length=255)
    original_name = models.CharField(
        "原文件名", max_length=255, help_text="读者下载时得到的文件名。"
    )
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, editable=False)
    size = models.PositiveBigIntegerField("大小（字节）", editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False, db_index=True)
    extracted_text = models.TextField(
        "文件文字", blank=True, editable=False, help_text="从 PDF 和 Word 文件中提取，供搜索使用。"
    )
    districts = models.ManyToManyField(
        District, verbose_name="城区", related_name="documents", blank=True
    )
    tags = tag_manager()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now, editable=False)
    replaced_at = models.DateTimeField("替换时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="document_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values),
                name="document_kind_known",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("documents:download", args=[self.pk, self.slug, self.kind])

    @property
    def slug(self):
        return pinyin_slug(self.title, max_length=60, fallback="file")

    @property
    def is_public(self):
        # Every document is public for now; restricted documents (internal
        # circulars, drafts attached to unpublished pieces) will answer False
        # here and the download view already refuses them.
        return True

    @property
    def label(self):
        """PDF，1.2 MB: what a link to the file says about it."""
        return f"{self.get_kind_display()}，{human_size(self.size)}"

    @property
    def etag(self):
        return f'"{self.sha256}"'

    @property
    def download_name(self):
        """The file name readers get, with the extension of what it really is."""
        stem = os.path.splitext(self.original_name)[0] or self.slug
        return f"{stem}.{self.kind}"

    def store(self, upload, checked, user=None):
        """Put the file `upload`, which passed validation as `checked`, in this
        document (new, or replacing its file) and save. The id, and so the
        address, stay; the previous stored file is deleted once the new one is
        committed, so a failed save never leaves the document without a file."""
        previous = self.file.name if self.pk and self.file else ""
        with transaction.atomic():
            self.extracted_text = extract_text(upload, checked.kind)
            self.original_name = checked.name
            self.kind = checked.kind
            self.size = checked.size
            self.sha256 = checked.sha256
            if previous:
                self.replaced_at = timezone.now()
            elif user is not None and self.uploaded_by_id is None:
                self.uploaded_by = user
            upload.seek(0)
            self.file.save(checked.name, upload, save=False)
            try:
                self.save()
            except Exception:
                self.file.storage.delete(self.file.name)
                raise
            if previous and previous != self.file.name:
                storage = self.file.storage
                transaction.on_commit(lambda: storage.delete(previous))


@receiver(post_delete, sender=Document)
def delete_stored_file(sender, instance, **kwargs):
    """A deleted document's file goes too, once the deletion is committed (a
    rolled-back delete keeps its file)."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
