"""Compare two saved versions of an object (django-reversion keeps them).

reversion's admin lists versions and restores one (the restore is saved as a
new version); this adds a side-by-side reading of what changed between two.
"""

import difflib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from reversion.models import Version

from .richtext import paragraphs_from_html


def version_document(version, model_admin):
    """A version as labelled lines of text: its fields, then followed objects
    (sections, bylines, items …) in order."""
    model = model_admin.model
    lines = []
    data = version.field_dict
    for field in model._meta.concrete_fields:
        if field.name in ("id", "edit_version", "updated_at", "imported_fingerprint"):
            continue
        if field.name in data:
            value = data[field.name]
            lines.append(f"{field.verbose_name}：{'' if value is None else value}")
    related = version.revision.version_set.exclude(pk=version.pk).select_related("content_type")
    for other in sorted(
        related, key=lambda v: (v.content_type_id, v.field_dict.get("position", 0))
    ):
        other_model = other.content_type.model_class()
        if other_model is None:
            continue
        label = other_model._meta.verbose_name
        for name, value in other.field_dict.items():
            if name in ("id", "article", "programme", "position") or value in ("", None):
                continue
            if name == "body":
                for paragraph in paragraphs_from_html(value):
                    lines.append(f"{label}·段落：{paragraph}")
                continue
            verbose = other_model._meta.get_field(name).verbose_name
            lines.append(f"{label}·{verbose}：{value}")
    return lines


class VersionCompareMixin:
    object_history_template = "admin/versions/object_history.html"
    history_latest_first = True

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{opts.app_label}_{opts.model_name}_compare",
            ),
            *super().get_urls(),
        ]

    def compare_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj)
        content_type = ContentType.objects.get_for_model(self.model)
        older = get_object_or_404(versions, pk=request.GET.get("old"), content_type=content_type)
        newer = get_object_or_404(versions, pk=request.GET.get("new"), content_type=content_type)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        rows = []
        for line in difflib.ndiff(version_document(older, self), version_document(newer, self)):
            kind = {"- ": "removed", "+ ": "added", "  ": "same"}.get(line[:2])
            if kind:
                rows.append((kind, line[2:]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": obj,
            "older": older,
            "newer": newer,
            "rows": rows,
            "changed": any(kind != "same" for kind, _ in rows),
            "title": f"比较版本：{obj}",
        }
        return TemplateResponse(request, "admin/versions/compare.html", context)
