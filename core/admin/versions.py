"""Saved versions of an object (django-reversion keeps them): restoring one
safely, and comparing two.

reversion's own restore screens revert the database first and ask questions
afterwards; `ScopedVersionAdminMixin` asks first (this model, this object, in
the user's scope, with change permission), keeps the publication state of
someone who may not publish, and commits only a restore that was saved as a
new version with an admin log entry.
"""

import datetime as dt
import difflib
from contextlib import nullcontext

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from reversion.errors import RevertError
from reversion.models import Version
from reversion.revisions import _get_options
from reversion.utils import mute_signals

from audit.log import Action, Outcome, record
from core.richtext import paragraphs_from_html
from core.status import Status

# Bookkeeping that changes with every save and tells a reviewer nothing.
SKIPPED_FIELDS = frozenset(
    {
        "id",
        "edit_version",
        "updated_at",
        "created_at",
        "revised_at",
        "last_edited_by",
        "imported_fingerprint",
    }
)
SKIPPED_RELATED_FIELDS = frozenset({"id", "article", "programme", "position"})


def document_lines(model, data, related):
    """An object as labelled lines of text: its fields (`data`, name -> value),
    then the objects it follows (`related`, (model, data) pairs: sections,
    bylines, items …) in order."""
    lines = []
    for field in model._meta.concrete_fields:
        if field.name not in SKIPPED_FIELDS and field.name in data:
            lines.append(f"{field.verbose_name}：{_readable(field, data[field.name])}")
    for other_model, other in related:
        label = other_model._meta.verbose_name
        for name, value in other.items():
            if name in SKIPPED_RELATED_FIELDS or value in ("", None):
                continue
            if name == "body":
                for paragraph in paragraphs_from_html(value):
                    lines.append(f"{label}·段落：{paragraph}")
                continue
            field = other_model._meta.get_field(name)
            lines.append(f"{label}·{field.verbose_name}：{_readable(field, value)}")
    return lines


def _readable(field, value):
    """A field's value as an editor reads it: choices by their label, times in
    Beijing time, yes/no in words."""
    if value is None:
        return ""
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def condensed(rows, context=2):
    """Diff rows cut to the changes and `context` unchanged lines around each;
    ("gap", "") stands for the lines left out."""
    near = set()
    for index, (kind, _) in enumerate(rows):
        if kind != "same":
            near.update(range(index - context, index + context + 1))
    kept = []
    for index, row in enumerate(rows):
        if index in near:
            kept.append(row)
        elif not kept or kept[-1][0] != "gap":
            kept.append(("gap", ""))
    return kept


def _in_order(pairs):
    return sorted(pairs, key=lambda pair: (pair[0]._meta.label, pair[1].get("position", 0)))


def version_document(version, model_admin):
    """A saved version as labelled lines of text (see `document_lines`)."""
    related = []
    for other in version.revision.version_set.exclude(pk=version.pk).select_related("content_type"):
        other_model = other.content_type.model_class()
        if other_model is not None:
            related.append((other_model, other.field_dict))
    return document_lines(model_admin.model, version.field_dict, _in_order(related))


def _field_values(obj):
    return {field.name: field.value_from_object(obj) for field in obj._meta.concrete_fields}


def object_document(obj):
    """The object as it is in the database now, as labelled lines of text, in
    the same form as `version_document`, so the two can be compared."""
    model = type(obj)
    related = []
    for related_model, link in _followed_models(model).items():
        for other in related_model._default_manager.filter(**{link: obj.pk}):
            related.append((related_model, _field_values(other)))
    return document_lines(model, _field_values(obj), _in_order(related))


def diff_rows(older_lines, newer_lines):
    """(kind, text) rows of a line diff; kind is added, removed or same."""
    rows = []
    for line in difflib.ndiff(older_lines, newer_lines):
        kind = {"- ": "removed", "+ ": "added", "  ": "same"}.get(line[:2])
        if kind:
            rows.append((kind, line[2:]))
    return rows


class _Rollback(Exception):
    """Leaves the restore transaction without committing, carrying the response."""

    def __init__(self, response):
        self.response = response


class RestoreRefused(Exception):
    pass


class ScopedVersionAdminMixin:
    """Safe versions of reversion's revision, recover and recover-list views.

    `publish_permission`: who lacks it keeps the object's current status and
    publication times when restoring (and recovers a deleted object as a draft),
    so a restore cannot republish what a publisher took down.
    """

    publish_permission = None
    publication_fields = ("status", "published_at", "expires_at")
    # Never taken from an old version: the optimistic-lock counter must only grow.
    kept_fields = ("edit_version",)
    draft_status = Status.DRAFT
    restorable_statuses = (Status.DRAFT, Status.REVIEW)

    def may_publish(self, request):
        return self.publish_permission is None or request.user.has_perm(self.publish_permission)

    def version_in_scope(self, request, version):
        """Whether the user may see this (possibly deleted) object's version."""
        return True

    def _versions(self):
        content_type = ContentType.objects.get_for_model(self.model)
        return Version.objects.select_related("revision").filter(content_type=content_type)

    # Views

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("对象不存在，或您无权查看。")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(self._versions(), pk=version_id, object_id=str(obj.pk))
        context = {"title": f"恢复到此版本：{version.object_repr}", "revert": True}
        return self._restore_view(
            request,
            version,
            obj,
            self.revision_form_template or self._reversion_get_template_list("revision_form.html"),
            {**context, **(extra_context or {})},
        )

    def recover_view(self, request, version_id, extra_context=None):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        version = get_object_or_404(self._versions(), pk=version_id)
        if self.model._default_manager.filter(pk=version.object_id).exists():
            raise Http404("该对象没有被删除。")
        if not self.version_in_scope(request, version):
            raise PermissionDenied
        context = {"title": f"恢复已删除的{self.model._meta.verbose_name}：{version.object_repr}"}
        return self._restore_view(
            request,
            version,
            None,
            self.recover_form_template or self._reversion_get_template_list("recover_form.html"),
            {**context, "recover": True, **(extra_context or {})},
        )

    def recoverlist_view(self, request, extra_context=None):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        deleted = self._reversion_order_version_queryset(
            request, Version.objects.get_deleted(self.model).select_related("revision")
        )
        visible = [v for v in deleted if self.version_in_scope(request, v)]
        return super().recoverlist_view(request, {"deleted": visible, **(extra_context or {})})

    # The restore itself

    def _restore_view(self, request, version, current, template_name, context):
        posting = request.method == "POST"
        signals = (
            nullcontext()
            if posting
            else mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed)
        )
        request._restoring_version = version
        try:
            with transaction.atomic(using=version.db), signals:
                self._revert(request, version, current)
                obj = self._check_reverted(request, version.object_id)
                with self.create_revision(request):
                    response = self.changeform_view(request, str(obj.pk), request.path, context)
                saved = getattr(request, "_restore_saved", False)
                if posting and response.status_code == 302 and saved:
                    action = Action.RESTORE if current is not None else Action.RECOVER
                    record(action, obj, detail=self._restore_message(version))
                    return response
                if response.status_code == 200:
                    response.template_name = template_name
                    response.render()
                raise _Rollback(response)
        except _Rollback as rollback:
            return rollback.response
        except (RestoreRefused, RevertError, models.ProtectedError) as exc:
            action = Action.RESTORE if current is not None else Action.RECOVER
            if posting:
                record(
                    action,
                    current,
                    outcome=Outcome.DENIED,
                    detail=str(exc),
                    object_repr=version.object_repr,
                )
            messages.error(request, str(exc))
            opts = self.model._meta
            return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")

    def _revert(self, request, version, current):
        """Revert the revision, refusing one that holds anything but this object
        and the objects it follows (a revision of other objects must not ride along)."""
        followed = _followed_models(self.model)
        for other in version.revision.version_set.select_related("content_type"):
            model = other.content_type.model_class()
            if model is self.model and other.object_id == version.object_id:
                continue
            if model in followed and str(other.field_dict.get(followed[model])) == str(
                version.object_id
            ):
                continue
            raise RestoreRefused("此版本与其他内容一同保存，不能在这里单独恢复。")
        kept = {}
        if current is not None:
            names = list(self.kept_fields)
            if not self.may_publish(request):
                names += self.publication_fields
            kept = {name: getattr(current, name) for name in names if hasattr(current, name)}
        version.revision.revert(delete=True)
        manager = self.model._default_manager.using(version.db)
        if kept:
            manager.filter(pk=version.object_id).update(**kept)
        elif current is None and not self.may_publish(request):
            status = version.field_dict.get("status")
            if status is not None and status not in self.restorable_statuses:
                manager.filter(pk=version.object_id).update(status=self.draft_status)

    def _check_reverted(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_change_permission(request, obj):
            raise RestoreRefused("恢复后的内容不在您可以编辑的范围内，未作任何更改。")
        return obj

    def _restore_message(self, version):
        when = localize(timezone.localtime(version.revision.date_created))
        return f"恢复到 {when} 保存的版本"

    # Hooks into the change form that the restore runs through

    def log_change(self, request, obj, message):
        version = getattr(request, "_restoring_version", None)
        if version is not None:
            request._restore_saved = True
            message = self._restore_message(version)
        return super().log_change(request, obj, message)


def _followed_models(model):
    """{related model: name of its foreign key to `model`} for what reversion follows."""
    followed = {}
    for name in _get_options(model).follow:
        field = model._meta.get_field(name)
        if field.one_to_many and field.related_model is not None:
            followed[field.related_model] = field.field.attname
    return followed


class VersionPairForm(forms.Form):
    old = forms.IntegerField(min_value=1)
    new = forms.IntegerField(min_value=1)


class VersionHistoryMixin(ScopedVersionAdminMixin):
    """Version history for an admin: safe restore and recovery, and comparison."""

    def history_view(self, request, object_id, extra_context=None):
        # reversion's list carries no version ids; the compare form needs them.
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            opts = self.model._meta
            versions = self._reversion_order_version_queryset(
                request,
                Version.objects.get_for_object(obj).select_related("revision", "revision__user"),
            )
            revision_url = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revision"
            action_list = [
                {
                    "pk": version.pk,
                    "revision": version.revision,
                    "url": reverse(revision_url, args=(quote(version.object_id), version.pk)),
                }
                for version in versions
            ]
            extra_context = {"action_list": action_list, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

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
        pair = VersionPairForm(request.GET)
        if not pair.is_valid():
            raise Http404("请选择要比较的两个版本。")
        versions = Version.objects.get_for_object(obj)
        content_type = ContentType.objects.get_for_model(self.model)
        older = get_object_or_404(versions, pk=pair.cleaned_data["old"], content_type=content_type)
        newer = get_object_or_404(versions, pk=pair.cleaned_data["new"], content_type=content_type)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        rows = diff_rows(version_document(older, self), version_document(newer, self))
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
