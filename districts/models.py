import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Status, tag_manager
from articles.slugs import unique_slug

_BRACKETS = str.maketrans({"（": "(", "）": ")"})
_SPACES = re.compile(r"[\s\u00a0\u3000]+")


def normalize_district_label(text):
    """Fold the ways one district name is written: 高新区（滨江） == 高新区(滨江)."""
    return _SPACES.sub("", text.translate(_BRACKETS))


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
        return reverse("districts:district_detail", args=[self.slug])

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


class CampaignQuerySet(models.QuerySet):
    def published(self):
        """Campaigns whose report a visitor may see."""
        return self.filter(status=Status.PUBLISHED)


class Campaign(models.Model):
    title = models.CharField("名称", max_length=100)
    slug = models.SlugField("网址名", max_length=60, unique=True)
    year = models.PositiveSmallIntegerField("年份")
    slogan = models.CharField("口号", max_length=100, blank=True)
    summary = models.TextField("导语", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    report_article = models.ForeignKey(
        "articles.Article",
        verbose_name="报道稿件",
        related_name="reported_campaigns",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text="专题页所依据的稿件。",
    )
    tags = tag_manager()
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "专题"
        verbose_name_plural = "专题"
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["year", "title"], name="unique_campaign_per_year")
        ]

    def __str__(self):
        return f"{self.year}年{self.title}"

    def get_absolute_url(self):
        return reverse("districts:campaign_report", args=[self.slug])


class ProgrammeQuerySet(models.QuerySet):
    def published(self):
        """Programmes a visitor may see."""
        return self.filter(status=Status.PUBLISHED)


class Programme(models.Model):
    """A district's named initiative within a campaign, such as 五学五争."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="专题", related_name="programmes", on_delete=models.PROTECT
    )
    district = models.ForeignKey(
        District, verbose_name="城区", related_name="programmes", on_delete=models.PROTECT
    )
    name = models.CharField("名称", max_length=50, help_text="如“五学五争”。")
    slug = models.SlugField(
        "网址名", max_length=80, unique=True, blank=True, help_text="留空时由名称拼音生成。"
    )
    headline = models.CharField(
        "标题", max_length=200, help_text="如“以“五学五争”开展党史学习教育”。"
    )
    summary = models.TextField("概述", blank=True)
    position = models.PositiveIntegerField("在专题中的顺序", default=0)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    tags = tag_manager()
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "举措"
        verbose_name_plural = "举措"
        ordering = ["campaign", "position", "pk"]
        permissions = [("publish_programme", "可以发布和撤下举措")]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "district", "name"], name="unique_programme_per_district"
            )
        ]

    def __str__(self):
        return f"{self.district.name} · {self.name}" if self.district_id else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Programme, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("districts:programme_detail", args=[self.slug])

    def _items_of(self, kind):
        return [item for item in self.items.all() if item.kind == kind]

    @property
    def main_items(self):
        return self._items_of(ProgrammeItem.Kind.ITEM)

    @property
    def activities(self):
        return self._items_of(ProgrammeItem.Kind.ACTIVITY)

    @property
    def sub_courses(self):
        return self._items_of(ProgrammeItem.Kind.SUB_COURSE)


class ProgrammeItem(models.Model):
    class Kind(models.TextChoices):
        ITEM = "item", "条目"
        ACTIVITY = "activity", "专项活动"
        SUB_COURSE = "sub_course", "子课程"

    programme = models.ForeignKey(
        Programme, verbose_name="举措", related_name="items", on_delete=models.CASCADE
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.ITEM)
    position = models.PositiveIntegerField("顺序", default=0)
    title = models.CharField("内容", max_length=200)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "举措条目"
        verbose_name_plural = "举措条目"
        ordering = ["programme", "kind", "position", "pk"]

    def __str__(self):
        return self.title


class KeyFigure(models.Model):
    """A number the report gives, with the words around it kept honest:
    不少于100场 is qualifier 不少于, value 100, unit 场."""

    programme = models.ForeignKey(
        Programme, verbose_name="举措", related_name="figures", on_delete=models.CASCADE
    )
    position = models.PositiveIntegerField("顺序", default=0)
    label = models.CharField("指标", max_length=100, help_text="如“巡回宣讲”。")
    value = models.PositiveIntegerField("数值")
    unit = models.CharField("单位", max_length=10, blank=True, help_text="如“场”“项”。")
    qualifier = models.CharField("限定词", max_length=20, blank=True, help_text="如“不少于”。")
    source_text = models.CharField(
        "原文表述", max_length=100, blank=True, help_text="如“六大专题活动”。"
    )

    class Meta:
        verbose_name = "关键数据"
        verbose_name_plural = "关键数据"
        ordering = ["programme", "position", "pk"]

    def __str__(self):
        return self.source_text or f"{self.qualifier}{self.value}{self.unit}{self.label}"


class ProgrammeEvent(models.Model):
    """A dated step of a programme. The date is only as precise as the source:
    “3月5日” is a day; “近日” is unknown and stays unknown."""

    class Precision(models.TextChoices):
        DAY = "day", "具体到日"
        MONTH = "month", "具体到月"
        YEAR = "year", "具体到年"
        UNKNOWN = "unknown", "日期不详"

    programme = models.ForeignKey(
        Programme, verbose_name="举措", related_name="events", on_delete=models.CASCADE
    )
    position = models.PositiveIntegerField("顺序", default=0)
    title = models.CharField("事项", max_length=200)
    date = models.DateField("日期", null=True, blank=True)
    date_precision = models.CharField(
        "日期精度", max_length=10, choices=Precision.choices, default=Precision.DAY
    )
    date_text = models.CharField(
        "原文日期", max_length=30, blank=True, help_text="原文的写法，如“3月5日”“昨天”“近日”。"
    )
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "时间节点"
        verbose_name_plural = "时间节点"
        ordering = ["programme", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(date_precision="unknown", date__isnull=True))
                | (~Q(date_precision="unknown") & Q(date__isnull=False)),
                name="event_date_matches_precision",
                violation_error_message="日期不详时不要填写日期；其他精度必须填写日期。",
            )
        ]

    def __str__(self):
        return f"{self.date_text or self.date or '日期不详'} {self.title}"

    @property
    def date_known(self):
        return self.date_precision != self.Precision.UNKNOWN
