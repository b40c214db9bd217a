"""Campaigns and the programmes districts run within them, as the report
describes them: items, key figures and dated events.

These models began in the districts app; their tables keep those names
(migration articles 0004 moved them without touching the database).
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import tag_manager
from core.publication import Publishable
from core.slugs import unique_slug
from districts.models import District
from images.models import lead_image_field

from .article import Article


class Campaign(Publishable):
    title = models.CharField("名称", max_length=100)
    slug = models.SlugField("网址名", max_length=60, unique=True)
    year = models.PositiveSmallIntegerField("年份")
    slogan = models.CharField("口号", max_length=100, blank=True)
    summary = models.TextField("导语", blank=True)
    lead_image = lead_image_field()
    report_article = models.ForeignKey(
        Article,
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

    class Meta:
        db_table = "districts_campaign"
        verbose_name = "专题"
        verbose_name_plural = "专题"
        ordering = ["-year", "title"]
        permissions = [("publish_campaign", "可以发布和撤下专题")]
        constraints = [
            models.UniqueConstraint(fields=["year", "title"], name="unique_campaign_per_year")
        ]

    def __str__(self):
        return f"{self.year}年{self.title}"

    def get_absolute_url(self):
        return reverse("website:campaign_report", args=[self.slug])


class Programme(Publishable):
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
    lead_image = lead_image_field()
    position = models.PositiveIntegerField("在专题中的顺序", default=0)
    tags = tag_manager()
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        db_table = "districts_programme"
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
        return reverse("website:programme_detail", args=[self.slug])

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
        db_table = "districts_programmeitem"
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
        db_table = "districts_keyfigure"
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
        db_table = "districts_programmeevent"
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
