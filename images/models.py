"""The image library: pictures editors upload once and use in many places.

Files live on Django's default storage (local disk or S3, whichever
STORAGES["default"] names), reached only through the storage API.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from core.models import tag_manager
from districts.models import District

from .validation import CleanImage


class ImageQuerySet(models.QuerySet):
    def missing_alt_text(self):
        """Images that still need alt text: bulk uploads, mostly (alt text is
        required when an image is saved in its own form)."""
        return self.filter(decorative=False, alt_text="")


def _original_path(image, filename):
    # A random part keeps two uploads of the same bytes in separate files, so
    # deleting one image never removes the other's file.
    return f"images/original/{image.content_hash[:2]}/{image.content_hash[:20]}-{secrets.token_hex(4)}{filename[filename.rfind('.') :]}"


_unit_interval = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Image(models.Model):
    title = models.CharField("标题", max_length=200)
    file = models.FileField("图片文件", upload_to=_original_path, max_length=255)
    width = models.PositiveIntegerField("宽（像素）", editable=False, default=0)
    height = models.PositiveIntegerField("高（像素）", editable=False, default=0)
    file_size = models.PositiveIntegerField("文件大小（字节）", editable=False, default=0)
    content_hash = models.CharField(
        "内容校验和", max_length=64, editable=False, db_index=True, help_text="存储文件的 SHA-256。"
    )
    alt_text = models.CharField(
        "替代文本",
        max_length=300,
        blank=True,
        help_text="为看不到图片的读者（读屏软件）描述图片内容，如“上城区党员在望江街道参观红色展馆”。",
    )
    decorative = models.BooleanField(
        "装饰性图片",
        default=False,
        help_text="纯装饰、不传达信息的图片可勾选，此时不需要替代文本。",
    )
    caption = models.TextField("图片说明", blank=True)
    credit = models.CharField("摄影", max_length=100, blank=True, help_text="如“王小明”。")
    source = models.CharField(
        "来源/版权", max_length=200, blank=True, help_text="如“杭州日报”“上城区委宣传部供图”。"
    )
    tags = tag_manager()
    focal_x = models.FloatField(
        "焦点横坐标", default=0.5, validators=_unit_interval, help_text="0 为最左，1 为最右。"
    )
    focal_y = models.FloatField(
        "焦点纵坐标", default=0.5, validators=_unit_interval, help_text="0 为最上，1 为最下。"
    )
    districts = models.ManyToManyField(
        District, verbose_name="相关城区", related_name="images", blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传者",
        related_name="uploaded_images",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now, editable=False)

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = "图片"
        verbose_name_plural = "图片"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="image_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def credit_line(self):
        """The credit as papers print it: 王小明 摄 (an editor may have typed the 摄)."""
        credit = self.credit.strip()
        if not credit or credit.endswith("摄") or credit.startswith(("摄影", "图片")):
            return credit
        return f"{credit} 摄"

    def clean(self):
        super().clean()
        if not self.decorative and not self.alt_text.strip():
            raise ValidationError(
                {"alt_text": "请填写替代文本，说明图片的内容；纯装饰性的图片请勾选“装饰性图片”。"}
            )
        self.alt_text = self.alt_text.strip()

    def set_file(self, clean: CleanImage, title=""):
        """Take a checked upload (validation.clean_upload) as this image's file;
        it is written to storage when the image is saved."""
        self.content_hash = clean.sha256
        self.width, self.height = clean.width, clean.height
        self.file_size = len(clean.content)
        self.file = ContentFile(clean.content, name=f"upload{clean.extension}")
        if title and not self.title:
            self.title = title

    @property
    def focal_key(self):
        """The focal point to a thousandth, as written in crop renditions' names."""
        return f"{round(self.focal_x * 1000):03d}{round(self.focal_y * 1000):03d}"


class Rendition(models.Model):
    """One resized or cropped copy of an image in one format, made once.

    Its file name carries the image's content hash and the spec (and, for
    crops, the focal point), so a name always means the same pixels and can be
    cached for a year."""

    class Format(models.TextChoices):
        AVIF = "avif", "AVIF"
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    image = models.ForeignKey(
        Image, verbose_name="图片", related_name="renditions", on_delete=models.CASCADE
    )
    spec = models.CharField("规格", max_length=40)
    format = models.CharField("格式", max_length=4, choices=Format.choices)
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    file = models.FileField("文件", max_length=255)

    class Meta:
        verbose_name = "图片规格"
        verbose_name_plural = "图片规格"
        ordering = ["image", "spec", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "spec", "format"], name="unique_rendition_per_spec_format"
            )
        ]

    def __str__(self):
        return f"{self.image} · {self.spec} · {self.format}"

    @property
    def url(self):
        return self.file.url


def delete_file_after_commit(file_field):
    """Delete a stored file once the deletion of its row is committed (a
    rolled-back delete keeps it)."""
    name, storage = file_field.name, file_field.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=Image)
@receiver(post_delete, sender=Rendition)
def _delete_stored_file(sender, instance, **kwargs):
    delete_file_after_commit(instance.file)


def lead_image_field():
    """The 题图 of a piece of content (article, programme, campaign): shown on
    its page, in lists and as its share picture. An image in use cannot be
    deleted (PROTECT, and images.usage lists where it is used)."""
    return models.ForeignKey(
        Image,
        verbose_name="题图",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="显示在页面顶部、列表卡片和分享卡片中；从图片库中选择。",
    )
