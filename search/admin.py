"""The admin's search boxes for indexed kinds use the site's Chinese search.

The search app sits above the content apps, so rather than their admins
importing it, it extends their registered admins here (INSTALLED_APPS lists
search after them, so their admins are registered by now).
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered

from . import service
from .indexing import KINDS


class IndexedSearchAdminMixin:
    """ModelAdmin.get_search_results through the search index: Chinese words
    are found whole (the default `icontains` is slow and unranked on a large
    archive). Text with no searchable words falls back to Django's search."""

    search_kind = None

    def get_search_results(self, request, queryset, search_term):
        ids = service.matching_ids(self.search_kind, search_term) if search_term.strip() else None
        if ids is None:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(pk__in=ids), False


def use_index_in_admin(site, kind):
    try:
        registered = site.get_model_admin(kind.model)
    except NotRegistered:
        return
    extended = type(
        type(registered).__name__,
        (IndexedSearchAdminMixin, type(registered)),
        {"search_kind": kind.name, "__module__": type(registered).__module__},
    )
    site.unregister(kind.model)
    site.register(kind.model, extended)


for searchable in KINDS.values():
    if searchable.admin_search:
        use_index_in_admin(admin.site, searchable)
