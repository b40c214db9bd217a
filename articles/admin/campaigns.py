from django.contrib import admin

from core.admin.publishable import PublishableAdmin, PublishableAdminForm
from core.admin.widgets import TagAutocompleteWidget
from districts.scoping import DistrictScopedAdminMixin
from editorial.admin import ReviewAdminMixin

from ..models import Campaign, KeyFigure, Programme, ProgrammeEvent, ProgrammeItem


class CampaignAdminForm(PublishableAdminForm):
    class Meta:
        model = Campaign
        fields = ["title", "slug", "year", "slogan", "summary", "lead_image", "status"]
        fields += ["report_article", "tags"]
        widgets = {"tags": TagAutocompleteWidget}


@admin.register(Campaign)
class CampaignAdmin(ReviewAdminMixin, PublishableAdmin):
    form = CampaignAdminForm
    publish_permission = "articles.publish_campaign"
    preview_url_name = "website:campaign_preview"
    preview_label = "预览专题页"
    list_display = ["title", "year", "slogan", "status_label", "report_article", "preview_link"]
    list_filter = ["year", "status"]
    search_fields = ["title", "slogan"]
    autocomplete_fields = ["report_article", "lead_image"]
    list_select_related = ["report_article"]


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


class ProgrammeAdminForm(PublishableAdminForm):
    class Meta:
        model = Programme
        fields = ["campaign", "district", "name", "slug", "headline", "summary", "lead_image"]
        fields += ["position"]
        fields += ["status", "tags"]
        widgets = {"tags": TagAutocompleteWidget}


@admin.register(Programme)
class ProgrammeAdmin(ReviewAdminMixin, DistrictScopedAdminMixin, PublishableAdmin):
    form = ProgrammeAdminForm
    publish_permission = "articles.publish_programme"
    preview_url_name = "website:programme_preview"
    preview_label = "预览"
    district_scope = "district"
    list_display = ["name", "district", "campaign", "status_label", "item_count", "preview_link"]
    list_filter = ["campaign", "district", "status", ("tags", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "headline", "summary", "items__title"]
    list_select_related = ["district", "campaign"]
    autocomplete_fields = ["campaign", "district", "lead_image"]
    inlines = [ProgrammeItemInline, KeyFigureInline, ProgrammeEventInline]
    show_facets = admin.ShowFacets.ALWAYS

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items")

    def review_districts(self, programme):
        return programme.district.name if programme.district_id else ""

    @admin.display(description="条目数")
    def item_count(self, programme):
        return len(programme.main_items)
