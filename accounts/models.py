from axes.models import AccessAttempt
from django.utils import timezone


class LoginLock(AccessAttempt):
    """django-axes' failed sign-ins, shown in the admin in Chinese, where a
    publisher can lift a lock."""

    class Meta:
        proxy = True
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败与锁定"
        default_permissions = ("view", "delete")

    def __str__(self):
        # django-axes says "Attempted Access: <UTC time>"; editors read Beijing time.
        when = timezone.localtime(self.attempt_time)
        return f"{self.username or self.ip_address}（{when:%Y-%m-%d %H:%M}）"
