import taggit.models
from django.contrib import admin
from django.db.models import Count
from django.http import JsonResponse
from django.urls import path

from core.models import Tag

from ..tags import tags_in_scope

SUGGESTIONS_SHOWN = 15


class TagSuggestionsMixin:
    """The tag input's suggestions (core.admin.widgets.TagAutocompleteWidget):
    existing tags whose name contains the typed text, most used first, among
    the tags the user may see."""

    def get_urls(self):
        return [
            path(
                "tag-suggestions/",
                self.admin_site.admin_view(self.tag_suggestions),
                name="articles_tag_suggestions",
            ),
            *super().get_urls(),
        ]

    def tag_suggestions(self, request):
        if not self.has_view_or_change_permission(request):
            return JsonResponse({"results": []}, status=403)
        term = request.GET.get("q", "").strip()[:50]
        tags = tags_in_scope(request.user)
        if term:
            tags = tags.filter(name__icontains=term)
        names = list(
            tags.annotate(uses=Count("tagged_items"))
            .order_by("-uses", "name")[:SUGGESTIONS_SHOWN]
            .values_list("name", flat=True)
        )
        return JsonResponse({"results": names})


# django-taggit registers its own Tag model, which this site does not use (its
# tags are core.Tag): superusers saw two 标签 sections, one always empty.
if admin.site.is_registered(taggit.models.Tag):
    admin.site.unregister(taggit.models.Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    ordering = ["name"]

    def get_queryset(self, request):
        return tags_in_scope(request.user)
