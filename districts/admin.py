from django.contrib import admin

from .models import (
    Campaign,
    District,
    DistrictAlias,
    KeyFigure,
    Programme,
    ProgrammeEvent,
    ProgrammeItem,
)


class DistrictAliasInline(admin.TabularInline):
    model = DistrictAlias
    extra = 1


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "display_order", "dissolved_on", "alias_names"]
    list_filter = ["dissolved_on"]
    search_fields = ["name", "aliases__name"]
    filter_horizontal = ["successors"]
    inlines = [DistrictAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="别称")
    def alias_names(self, district):
        return "、".join(alias.name for alias in district.aliases.all())


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "slogan", "status", "report_article"]
    list_filter = ["year", "status"]
    search_fields = ["title", "slogan"]
    autocomplete_fields = ["report_article"]
    list_select_related = ["report_article"]


class ProgrammeItemInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0
    fields = ["kind", "position", "title", "description"]


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    extra = 0
    fields = ["position", "qualifier", "value", "unit", "label", "source_text"]


class ProgrammeEventInline(admin.TabularInline):
    model = ProgrammeEvent
    extra = 0
    fields = ["position", "title", "date", "date_precision", "date_text", "note"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "campaign", "status", "item_count"]
    list_filter = ["campaign", "district", "status", "tags"]
    search_fields = ["name", "headline", "summary", "items__title"]
    list_select_related = ["district", "campaign"]
    autocomplete_fields = ["campaign", "district"]
    inlines = [ProgrammeItemInline, KeyFigureInline, ProgrammeEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items")

    @admin.display(description="条目数")
    def item_count(self, programme):
        return len(programme.main_items)
