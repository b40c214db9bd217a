from axes.models import AccessAttempt


class LoginLock(AccessAttempt):
    """django-axes' failed sign-ins, shown in the admin in Chinese, where a
    publisher can lift a lock."""

    class Meta:
        proxy = True
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败与锁定"
        default_permissions = ("view", "delete")
