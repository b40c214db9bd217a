from axes.utils import reset
from django.conf import settings
from django.contrib import admin, messages

from audit.log import Action, record

from .models import LoginLock


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "state"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    actions = ["unlock_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="状态")
    def state(self, attempt):
        if attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT:
            return "已锁定"
        return f"还可尝试 {settings.AXES_FAILURE_LIMIT - attempt.failures_since_start} 次"

    @admin.action(description="解除所选账号和地址的锁定", permissions=["delete"])
    def unlock_selected(self, request, queryset):
        count = 0
        for attempt in list(queryset):
            count += reset(username=attempt.username) + reset(ip=attempt.ip_address)
            record(
                Action.UNLOCK,
                detail=f"用户名 {attempt.username}，地址 {attempt.ip_address}",
                object_repr=attempt.username or attempt.ip_address or "",
            )
        self.message_user(request, f"已解除锁定（清除 {count} 条失败记录）。", messages.SUCCESS)
