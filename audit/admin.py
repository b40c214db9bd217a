from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only, and for superusers only: nobody edits or deletes the record."""

    list_display = ["time", "username", "ip_address", "action", "outcome", "object_repr"]
    list_filter = ["action", "outcome", "time"]
    search_fields = ["username", "ip_address", "object_repr", "detail"]
    date_hierarchy = "time"
    list_per_page = 100
    readonly_fields = [
        "time",
        "username",
        "user_number",
        "ip_address",
        "action",
        "outcome",
        "object_type",
        "object_id",
        "object_repr",
        "detail",
    ]
    fields = readonly_fields
    actions = None

    @admin.display(description="用户编号")
    def user_number(self, entry):
        return entry.user_id

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
