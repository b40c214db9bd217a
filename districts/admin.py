from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from articles.admin_forms import RequestFormMixin
from articles.admin_versions import VersionHistoryMixin
from articles.models import Status
from articles.search.admin import SearchServiceAdminMixin
from articles.widgets import TagAutocompleteWidget

from .admin_scoping import DistrictScopedAdminMixin
from .models import (
    Campaign,
    District,
    DistrictAlias,
    KeyFigure,
    Programme,
    ProgrammeEvent,
    ProgrammeItem,
)
from .permissions import own_district_ids, sees_all_districts

PUBLISH_PROGRAMME = "districts.publish_programme"


class DistrictAliasInline(admin.TabularInline):
    model = DistrictAlias
    extra = 1


@admin.register(District)
class DistrictAdmin(VersionHistoryMixin, VersionAdmin):
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


@admin.register(Campaign)
class CampaignAdmin(VersionHistoryMixin, VersionAdmin):
    list_display = ["title", "year", "slogan", "status", "report_article", "preview_link"]
    list_filter = ["year", "status"]
    search_fields = ["title", "slogan"]
    autocomplete_fields = ["report_article"]
    list_select_related = ["report_article"]
    readonly_fields = ["preview_link"]

    @admin.display(description="预览")
    def preview_link(self, campaign):
        if not campaign.pk:
            return "保存后可预览"
        url = reverse("districts:campaign_preview", args=[campaign.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">预览专题页</a>', url)


class ProgrammeItemInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0
    fields = ["kind", "position", "title", "description"]
    ordering = ["kind", "position"]


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    extra = 0
    fields = ["position", "qualifier", "value", "unit", "label", "source_text"]
    ordering = ["position"]


class ProgrammeEventInline(admin.TabularInline):
    model = ProgrammeEvent
    extra = 0
    fields = ["position", "title", "date", "date_precision", "date_text", "note"]
    ordering = ["position"]


class ProgrammeAdminForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["campaign", "district", "name", "slug", "headline", "summary", "position"]
        fields += ["status", "tags"]
        widgets = {"tags": TagAutocompleteWidget}

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        if request is not None and not request.user.has_perm(PUBLISH_PROGRAMME):
            status = self.fields.get("status")
            if status is None:
                return
            if self.instance.pk and self.instance.status == Status.PUBLISHED:
                status.disabled = True
                status.help_text = "只有发布者可以撤下已发布的举措。"
            else:
                status.choices = [
                    c for c in status.choices if c[0] in (Status.DRAFT, Status.REVIEW)
                ]


@admin.register(Programme)
class ProgrammeAdmin(
    RequestFormMixin,
    SearchServiceAdminMixin,
    DistrictScopedAdminMixin,
    VersionHistoryMixin,
    VersionAdmin,
):
    search_kind = "programme"
    form = ProgrammeAdminForm
    list_display = ["name", "district", "campaign", "status", "item_count", "preview_link"]
    list_filter = ["campaign", "district", "status", ("tags", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "headline", "summary", "items__title"]
    list_select_related = ["district", "campaign"]
    autocomplete_fields = ["campaign", "district"]
    readonly_fields = ["preview_link"]
    inlines = [ProgrammeItemInline, KeyFigureInline, ProgrammeEventInline]
    actions = ["publish_selected", "unpublish_selected"]
    show_facets = admin.ShowFacets.ALWAYS
    district_scope = "district"
    publish_permission = PUBLISH_PROGRAMME

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items")

    @admin.display(description="条目数")
    def item_count(self, programme):
        return len(programme.main_items)

    @admin.display(description="预览")
    def preview_link(self, programme):
        if not programme.pk:
            return "保存后可预览"
        url = reverse("districts:programme_preview", args=[programme.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">预览</a>', url)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PROGRAMME)

    @admin.action(description="发布所选举措", permissions=["publish"])
    def publish_selected(self, request, queryset):
        count = self._set_status(queryset.exclude(status=Status.PUBLISHED), Status.PUBLISHED)
        self.message_user(request, f"已发布 {count} 项举措。", messages.SUCCESS)

    @admin.action(description="撤下所选举措", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = self._set_status(queryset.filter(status=Status.PUBLISHED), Status.UNPUBLISHED)
        self.message_user(request, f"已撤下 {count} 项举措。", messages.SUCCESS)

    def _set_status(self, queryset, status):
        """Save one by one, so versions and the search index follow."""
        count = 0
        for programme in queryset:
            programme.status = status
            programme.save(update_fields=["status", "updated_at"])
            count += 1
        return count
