"""Review: what editors submit and publishers approve or send back, and the
notices that tell people about it.

A submission is either the first publication of an item (its content is the
item itself, in status 待审核) or a change to live content, held here as the
form data the editor saved while readers keep seeing the live version.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class Submission(models.Model):
    class Kind(models.TextChoices):
        FIRST = "first", "首次发布"
        CHANGE = "change", "改动已发布内容"

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    content_type = models.ForeignKey(ContentType, verbose_name="内容类型", on_delete=models.CASCADE)
    object_id = models.BigIntegerField("对象编号")
    content_object = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField("标题", max_length=200)
    district_names = models.CharField("城区", max_length=200, blank=True)

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    # The change form's data (field name -> list of values, as posted) of a
    # change to live content; empty for a first publication.
    data = models.JSONField("待审内容", default=dict, blank=True)
    change_summary = models.CharField("改动说明", max_length=300, blank=True)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        related_name="submissions",
        on_delete=models.SET_NULL,
        null=True,
    )
    submitted_at = models.DateTimeField("提交时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "审核单"
        verbose_name_plural = "审核单"
        ordering = ["submitted_at", "pk"]
        constraints = [
            # One open submission per item: a new save replaces the open one.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state__in=["pending", "returned"]),
                name="one_open_submission_per_object",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "state"])]

    def __str__(self):
        return f"{self.object_repr}（{self.get_state_display()}）"

    @property
    def is_open(self):
        return self.state in (self.State.PENDING, self.State.RETURNED)


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A notice in the admin (the bell in the header); also sent by email."""

    class Event(models.TextChoices):
        SUBMITTED = "submitted", "提交审核"
        APPROVED = "approved", "已发布"
        RETURNED = "returned", "退回修改"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        related_name="notifications",
        on_delete=models.CASCADE,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
    )
    event = models.CharField("事件", max_length=20, choices=Event.choices)
    submission = models.ForeignKey(
        Submission,
        verbose_name="审核单",
        related_name="notifications",
        on_delete=models.CASCADE,
        null=True,
    )
    message = models.CharField("内容", max_length=500)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.message
