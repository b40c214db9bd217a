"""What the site promises its readers about each column (栏目): how often it
is updated. The quarterly inspection of government sites (国办秘函〔2019〕19号)
fails a site whose columns go stale; website.health measures them against
these expectations."""

from django.core.exceptions import ValidationError
from django.db import models


class ColumnExpectation(models.Model):
    """One column's update expectation, set by an administrator. A column
    without a row gets its default (website.health.default_kind)."""

    class Kind(models.TextChoices):
        NEWS = "news", "新闻类（10 天预警，14 天不合格）"
        NOTICE = "notice", "通知公告/政策文件类（150 天预警，180 天不合格）"
        NONE = "none", "不要求更新"

    key = models.CharField(
        "栏目",
        max_length=120,
        unique=True,
        help_text="栏目的标识，如 home、news、district:shangcheng、programme:…、tag:…。",
    )
    kind = models.CharField("更新要求", max_length=10, choices=Kind.choices, default=Kind.NEWS)
    warn_days = models.PositiveIntegerField(
        "预警天数", null=True, blank=True, help_text="留空时按更新要求的默认天数。"
    )
    fail_days = models.PositiveIntegerField(
        "不合格天数", null=True, blank=True, help_text="留空时按更新要求的默认天数。"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("最后修改", auto_now=True)

    class Meta:
        verbose_name = "栏目更新要求"
        verbose_name_plural = "栏目更新要求"
        ordering = ["key"]

    def __str__(self):
        return self.key

    def clean(self):
        super().clean()
        if self.kind == self.Kind.NONE and (
            self.warn_days is not None or self.fail_days is not None
        ):
            raise ValidationError("不要求更新的栏目无需填写天数。")
        warn, fail = self.thresholds() or (None, None)
        if warn is not None and fail is not None and warn >= fail:
            raise ValidationError({"warn_days": "预警天数应少于不合格天数。"})

    def thresholds(self):
        """(warn days, fail days), or None for a column that need not update."""
        if self.kind == self.Kind.NONE:
            return None
        default_warn, default_fail = DEFAULT_THRESHOLDS[self.kind]
        warn = default_warn if self.warn_days is None else self.warn_days
        fail = default_fail if self.fail_days is None else self.fail_days
        return warn, fail


# The inspection's limits (fail) and the margin vendors warn at.
DEFAULT_THRESHOLDS = {
    ColumnExpectation.Kind.NEWS: (10, 14),
    ColumnExpectation.Kind.NOTICE: (150, 180),
}
