from django.contrib import admin
from django.urls import reverse
from reversion.admin import VersionAdmin

from core.admin.deletion import PlainDeleteSummaryMixin
from core.admin.forms import PlainSlugErrorsMixin
from core.admin.versions import VersionHistoryMixin

from .models import District, DistrictAlias
from .scoping import own_district_ids, sees_all_districts


class DistrictAliasInline(admin.TabularInline):
    model = DistrictAlias
    extra = 1


@admin.register(District)
class DistrictAdmin(
    PlainDeleteSummaryMixin, PlainSlugErrorsMixin, VersionHistoryMixin, VersionAdmin
):
    list_display = ["name", "slug", "display_order", "dissolved_on", "alias_names"]
    list_filter = ["dissolved_on"]
    search_fields = ["name", "aliases__name"]
    filter_horizontal = ["successors", "editors"]
    inlines = [DistrictAliasInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "display_order", "profile", "tags"]}),
        ("区划调整", {"fields": ["dissolved_on", "successors", "change_note"]}),
        ("城区编辑", {"fields": ["editors"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        # The district pickers of a district editor offer only their districts.
        if request.path == reverse("admin:autocomplete") and not sees_all_districts(request.user):
            queryset = queryset.filter(pk__in=own_district_ids(request.user))
        return queryset, duplicates

    @admin.display(description="别称")
    def alias_names(self, district):
        return "、".join(alias.name for alias in district.aliases.all())
