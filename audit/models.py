"""An append-only record of security-relevant events (等级保护 asks for one).

Rows are written once and never changed; the only way to remove them is
`manage.py prune_audit_log`, which drops entries past the retention period.
"""

from django.conf import settings
from django.db import models

from .choices import Action, Outcome

__all__ = ["Action", "AuditEntry", "Outcome"]


class AppendOnlyError(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit log entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit log entries are removed only by prune_older_than()")

    def prune_older_than(self, moment):
        """Remove entries recorded before `moment`; returns how many."""
        stale = self.filter(time__lt=moment)
        return models.QuerySet.delete(stale)[0]


class AuditEntry(models.Model):
    time = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        # The entry outlives the account: no cascade, no constraint, no update.
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    # Kept as text too: the entry must still say who after the account is gone.
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    action = models.CharField("动作", max_length=32, choices=Action.choices, db_index=True)
    outcome = models.CharField(
        "结果", max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS, db_index=True
    )
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象 ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    detail = models.TextField("详情", blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-time", "-pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit log entries are removed only by prune_audit_log")
