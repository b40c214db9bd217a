"""The admin's search boxes use the site's Chinese search."""

from . import service


class SearchServiceAdminMixin:
    """ModelAdmin.get_search_results through the search index: Chinese words
    are found whole (the default `icontains` is slow and unranked on a large
    archive). Text with no searchable words falls back to Django's search."""

    search_kind = None

    def get_search_results(self, request, queryset, search_term):
        ids = service.matching_ids(self.search_kind, search_term) if search_term.strip() else None
        if ids is None:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(pk__in=ids), False
