"""The proofreading word list publishers keep: wrong forms and what to write
instead, banned and absolute terms, and names that are outdated from a date.

Names of dissolved districts are not kept here: the checker derives them from
the districts' dissolution data (districts.models.District.dissolved_on), so
they stay true by themselves.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Term(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "错误写法→正确写法"
        BANNED = "banned", "禁用词·绝对化用语"
        OUTDATED = "outdated", "过时名称"

    class Severity(models.TextChoices):
        HIGH = "high", "高"
        LOW = "low", "低"

    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    wrong = models.CharField(
        "查找的写法",
        max_length=100,
        help_text="稿件中出现这一写法即提示，如错误写法“党史教育学习”、禁用词“国家级”、过时名称“下城区”。",
    )
    right = models.CharField(
        "正确写法或建议",
        max_length=200,
        blank=True,
        help_text="错误写法和过时名称必填，如“党史学习教育”“原下城区”；禁用词可写改写建议或留空。",
    )
    exceptions = models.TextField(
        "不提示的写法",
        blank=True,
        help_text="每行一个包含查找写法的较长词语，稿件中是这些词语时不提示，如禁用词“国家级”下写“国家级高新区”。"
        "正确写法包含查找写法时（如“原下城区”包含“下城区”）自动不提示，不必填写。",
    )
    outdated_from = models.DateField(
        "过时日期",
        null=True,
        blank=True,
        help_text="过时名称必填：发布时间在这一天及以后的稿件才提示，之前的稿件照旧。",
    )
    severity = models.CharField(
        "严重程度",
        max_length=10,
        choices=Severity.choices,
        default=Severity.HIGH,
        help_text="“高”：提交审核和发布时拦下，须改正或由发布者填写理由放行；“低”：只提示，不拦。",
    )
    note = models.TextField(
        "说明", blank=True, help_text="为什么要改、依据是什么；编辑在提示中会看到这段话。"
    )
    active = models.BooleanField("启用", default=True, help_text="取消勾选后不再检查这一条。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "校对词条"
        verbose_name_plural = "校对词条"
        ordering = ["kind", "wrong"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "wrong"], name="unique_proofreading_term"),
            models.CheckConstraint(condition=~Q(wrong=""), name="proofreading_term_has_text"),
            models.CheckConstraint(
                condition=~Q(kind="outdated") | Q(outdated_from__isnull=False),
                name="outdated_term_has_date",
            ),
        ]
        # The checker loads the active list; the admin filters by kind.
        indexes = [models.Index(fields=["active", "kind"], name="proofreading_term_active_idx")]

    def __str__(self):
        if self.right:
            return f"{self.wrong} → {self.right}"
        return self.wrong

    @property
    def exception_list(self):
        """The longer phrases in which `wrong` is not flagged, one per line."""
        return [line.strip() for line in self.exceptions.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        self.wrong = self.wrong.strip()
        self.right = self.right.strip()
        errors = {}
        if self.kind in (self.Kind.CORRECTION, self.Kind.OUTDATED) and not self.right:
            errors["right"] = "错误写法和过时名称要写明应改成什么。"
        elif self.right and self.right == self.wrong:
            errors["right"] = "正确写法与查找的写法相同，这一条不会起作用。"
        if self.kind == self.Kind.OUTDATED and self.outdated_from is None:
            errors["outdated_from"] = "过时名称要写明从哪一天起过时。"
        if self.wrong:
            stray = [phrase for phrase in self.exception_list if self.wrong not in phrase]
            if stray:
                errors["exceptions"] = (
                    f"不提示的写法要包含“{self.wrong}”，这几行没有：{'、'.join(stray)}。"
                )
        if errors:
            raise ValidationError(errors)
