from django.contrib import admin

from districts.models import District

from .models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    """The word list. Publishers (and superusers) keep it; every editor may read it
    (the 发布者 group holds add/change/delete, the other groups view: website.roles)."""

    list_display = ["wrong", "right", "kind", "severity", "outdated_from", "active", "updated_at"]
    list_display_links = ["wrong"]
    list_filter = ["kind", "severity", "active"]
    search_fields = ["wrong", "right", "exceptions", "note"]
    fieldsets = [
        (None, {"fields": ["kind", "wrong", "right", "severity", "active"]}),
        ("何时提示", {"fields": ["outdated_from", "exceptions"]}),
        ("说明", {"fields": ["note"]}),
    ]

    # Every staff member may read the list, whatever their group: it says what
    # the checker will flag in their articles.
    def has_view_permission(self, request, obj=None):
        return _is_staff(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return _is_staff(request.user) or super().has_module_permission(request)

    def changelist_view(self, request, extra_context=None):
        # The names of dissolved districts are checked too, from the districts'
        # own data: say so where editors look for them.
        extra_context = {**(extra_context or {}), "derived_rules": derived_rules()}
        return super().changelist_view(request, extra_context=extra_context)


def derived_rules():
    """One line per dissolved district: which names are checked from when."""
    lines = []
    for district in District.objects.filter(dissolved_on__isnull=False).prefetch_related(
        "aliases", "successors"
    ):
        names = "、".join([district.name, *(alias.name for alias in district.aliases.all())])
        successors = "、".join(successor.name for successor in district.successors.all())
        merged = f"（已并入{successors}）" if successors else ""
        lines.append(
            f"{names}：{district.dissolved_on:%Y-%m-%d}起发布的稿件应写作“原{district.name}”{merged}"
        )
    return lines


def _is_staff(user):
    return user.is_active and user.is_staff
