"""Districts: their names as sources write them, and their history (江干区
was merged into 上城区 in 2021). This app knows nothing of the content about them."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.models import tag_manager
from core.slugs import unique_slug

_BRACKETS = str.maketrans({"（": "(", "）": ")"})
_SPACES = re.compile(r"[\s\u00a0\u3000]+")


def normalize_district_label(text):
    """Fold the ways one district name is written: 高新区（滨江） == 高新区(滨江)."""
    return _SPACES.sub("", text.translate(_BRACKETS))


def is_own_name(alias, district_name):
    """Whether `alias` is only another way of writing `district_name` (bracket
    width, spaces). Such an alias adds nothing: the importer already matches
    the name in every writing (importing.importer.district_index), and pages
    would list the district as its own alias (高新区(滨江) 又称 高新区（滨江）)."""
    return normalize_district_label(alias) == normalize_district_label(district_name)


class District(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField(
        "网址名", max_length=60, unique=True, blank=True, help_text="留空时由名称拼音生成。"
    )
    profile = models.TextField("简介", blank=True)
    display_order = models.PositiveIntegerField("显示顺序", default=0)
    dissolved_on = models.DateField(
        "撤销日期", null=True, blank=True, help_text="行政区划调整后不再存在的城区填写撤销日期。"
    )
    successors = models.ManyToManyField(
        "self",
        verbose_name="承继城区",
        symmetrical=False,
        related_name="predecessors",
        blank=True,
        help_text="撤销后辖区并入的城区。",
    )
    change_note = models.TextField(
        "区划调整说明", blank=True, help_text="在页面上说明区划调整的经过。"
    )
    tags = tag_manager()
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="城区编辑",
        related_name="edited_districts",
        blank=True,
        help_text="这些用户（城区编辑组）只能查看和编辑本城区的稿件与举措。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "城区"
        verbose_name_plural = "城区"
        ordering = ["display_order", "name"]
        permissions = [("edit_all_districts", "可以查看和编辑所有城区的内容")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(District, self.name, max_length=60, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("website:district_detail", args=[self.slug])

    @property
    def is_dissolved(self):
        return self.dissolved_on is not None and self.dissolved_on <= timezone.localdate()


class DistrictAlias(models.Model):
    """Another way a district's name is written in source texts."""

    district = models.ForeignKey(
        District, verbose_name="城区", related_name="aliases", on_delete=models.CASCADE
    )
    name = models.CharField("别称", max_length=50, unique=True)

    class Meta:
        verbose_name = "城区别称"
        verbose_name_plural = "城区别称"
        ordering = ["district", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # The admin's inline sets the district before validating, a new
        # district (no pk yet) included; without one there is nothing to compare.
        if not (self.district_id or DistrictAlias.district.is_cached(self)):
            return
        if self.name and is_own_name(self.name, self.district.name):
            raise ValidationError(
                {"name": "别称与城区名称相同（括号全角半角、空格不计），无需另列。"}
            )
