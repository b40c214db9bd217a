"""Autosave for admin change forms: what an editor has typed and not yet saved
reaches the server every ADMIN_AUTOSAVE_SECONDS (static/admin-extra/autosave.js)
and is offered back when the form is opened again, after a closed tab, a crash
or an expired session.

One autosave per user and form (core.models.AutosavedForm), each replacing the
last. It is not a version: the content's rows and its django-reversion history
are never touched. Saving the form, or discarding the autosave, deletes it.

URLs, next to a model admin's own (admin/<app>/<model>/):

- `<id>/autosave/` (name `<app>_<model>_autosave`)
  GET: this user's autosave of object <id> when it is newer than the object's
  last change, as JSON, else 204. POST: keep the form as it is now, sent as
  JSON `{"fields": [[name, value], …], "labels": {name: {value: text}}}` or
  form-encoded; answers `{"saved_at": …, "time": "HH:MM"}`.
- `<id>/autosave/discard/` (`<app>_<model>_autosave_discard`) POST: delete it.
- `autosave/` and `autosave/discard/` (`…_autosave_new`, `…_autosave_discard_new`):
  the same for the add form.

Each answers only what the change form itself would: a signed-in staff user
with change permission on that object (the admin's get_object, so district
scope too) or, for the add form, add permission. Errors are JSON with a
Chinese `error` message.
"""

import json
from functools import update_wrapper

from django import forms
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from core.models import NEW_OBJECT, AutosavedForm

DEFAULT_SECONDS = 30
TOO_LARGE_MESSAGE = "表单内容超过 {limit}，无法自动保存。请尽快手动保存。"


class BadAutosave(ValueError):
    pass


def autosave_seconds():
    """How often the change form is autosaved; 0 turns autosave off."""
    return int(getattr(settings, "ADMIN_AUTOSAVE_SECONDS", DEFAULT_SECONDS))


def store_autosave(user, model, object_id, data):
    """Keep `data` as `user`'s autosave of `model`'s object `object_id` (None:
    the add form), replacing the one kept before."""
    autosave, _ = AutosavedForm.objects.update_or_create(
        user=user,
        content_type=ContentType.objects.get_for_model(model),
        object_id=NEW_OBJECT if object_id is None else str(object_id),
        defaults={"data": data, "saved_at": timezone.now()},
    )
    return autosave


def clear_autosave(user, obj_or_model, object_id=None):
    """Delete `user`'s autosave of an object's change form: an instance, or a
    model and `object_id` (None: the add form). Returns how many were deleted."""
    if isinstance(obj_or_model, type):
        model = obj_or_model
    else:
        model = type(obj_or_model)
        if object_id is None:
            object_id = obj_or_model.pk
    deleted, _ = AutosavedForm.objects.of(user, model, object_id).delete()
    return deleted


def _error(message, status):
    return JsonResponse({"error": message}, status=status)


def _checked_text(value):
    """`value` if it is text PostgreSQL can store in JSON (no NUL, no lone surrogate)."""
    if not isinstance(value, str) or "\x00" in value:
        raise BadAutosave
    try:
        value.encode()
    except UnicodeEncodeError as exc:
        raise BadAutosave from exc
    return value


def form_data_from(request):
    """The form as the request carries it: {"fields": [[name, value], …],
    "labels": {…}}, without the CSRF token. Raises BadAutosave."""
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadAutosave from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("fields"), list):
            raise BadAutosave
        pairs = payload["fields"]
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in pairs):
            raise BadAutosave
        labels = payload.get("labels") or {}
        if not isinstance(labels, dict) or not all(
            isinstance(shown, dict) for shown in labels.values()
        ):
            raise BadAutosave
        labels = {
            _checked_text(name): {_checked_text(v): _checked_text(t) for v, t in shown.items()}
            for name, shown in labels.items()
        }
    else:
        pairs = [[name, value] for name, values in request.POST.lists() for value in values]
        labels = {}
    fields = [
        [_checked_text(name), _checked_text(value)]
        for name, value in pairs
        if name != "csrfmiddlewaretoken"
    ]
    return {"fields": fields, "labels": labels}


class AutosaveAdminMixin:
    """For a ModelAdmin: its change and add forms autosave (see the module's
    docstring); a successful save of the form deletes the user's autosave,
    deleting the object everyone's."""

    # Larger posts are refused with 413: a form this size is no longer typing.
    autosave_max_bytes = 1024 * 1024

    @property
    def media(self):
        media = super().media
        seconds = autosave_seconds()
        if seconds <= 0:
            return media
        script = forms.Script("admin-extra/autosave.js", **{"data-autosave-seconds": seconds})
        return media + forms.Media(js=[script], css={"all": ["admin-extra/autosave.css"]})

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        save, discard = self.autosave_view, self.autosave_discard_view
        return [
            path("autosave/", self._autosave_endpoint(save), name=f"{info}_autosave_new"),
            path(
                "autosave/discard/",
                self._autosave_endpoint(discard),
                name=f"{info}_autosave_discard_new",
            ),
            path(
                "<path:object_id>/autosave/",
                self._autosave_endpoint(save),
                name=f"{info}_autosave",
            ),
            path(
                "<path:object_id>/autosave/discard/",
                self._autosave_endpoint(discard),
                name=f"{info}_autosave_discard",
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Outside every transaction the admin opens (this mixin comes first): the
        # autosave goes only once the save has gone through.
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if request.method == "POST" and response.status_code == 302:
            clear_autosave(request.user, self.model, self._autosave_key(object_id))
        return response

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        self._forget_autosaves([pk])

    def delete_queryset(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        self._forget_autosaves(pks)

    def _forget_autosaves(self, pks):
        """Everyone's autosaves of deleted objects go with them."""
        AutosavedForm.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            object_id__in=[str(pk) for pk in pks],
        ).delete()

    # The endpoints

    def _autosave_endpoint(self, view):
        """`view` for signed-in staff only, answering JSON where the admin would
        redirect to its login page (a script cannot follow that)."""

        def endpoint(request, object_id=None):
            if not self.admin_site.has_permission(request):
                return _error("登录已失效，请重新登录。", 403)
            try:
                obj = self._autosave_target(request, object_id)
            except PermissionDenied as exc:
                return _error(str(exc) or "无权编辑此内容。", 403)
            except Http404:
                return _error("对象不存在，或您无权查看。", 404)
            return view(request, obj, None if obj is None else obj.pk)

        return update_wrapper(csrf_protect(never_cache(endpoint)), view)

    def _autosave_target(self, request, object_id):
        """The object whose form is autosaved, None for the add form, checked
        as the change or add view checks it."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _autosave_key(self, object_id):
        if object_id is None:
            return None
        try:
            return self.opts.pk.to_python(unquote(object_id))
        except ValidationError:  # not a key of this model: nothing was kept under it
            return unquote(object_id)

    def autosave_view(self, request, obj, object_id):
        if request.method == "POST":
            return self._store(request, object_id)
        if request.method in ("GET", "HEAD"):
            return self._offer(request, obj, object_id)
        return _error("不支持的请求方法。", 405)

    def autosave_discard_view(self, request, obj, object_id):
        if request.method != "POST":
            return _error("不支持的请求方法。", 405)
        deleted = clear_autosave(request.user, self.model, object_id)
        return JsonResponse({"discarded": bool(deleted)})

    def _store(self, request, object_id):
        limit = self.autosave_max_bytes
        too_large = _error(TOO_LARGE_MESSAGE.format(limit=_size(limit)), 413)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return too_large
        if request.content_type == "application/json" and len(request.body) > limit:
            return too_large
        try:
            data = form_data_from(request)
        except BadAutosave:
            return _error("自动保存的内容格式不正确。", 400)
        autosave = store_autosave(request.user, self.model, object_id, data)
        return JsonResponse(_when(autosave))

    def _offer(self, request, obj, object_id):
        autosave = AutosavedForm.objects.of(request.user, self.model, object_id).first()
        if autosave is None:
            return HttpResponse(status=204)
        changed_at = None if obj is None else self.autosave_object_changed_at(obj)
        if changed_at is not None and autosave.saved_at <= changed_at:
            # Saved since: the form now shows newer content than the autosave's.
            return HttpResponse(status=204)
        return JsonResponse({**_when(autosave), "data": autosave.data})

    def autosave_object_changed_at(self, obj):
        """When `obj` was last saved: its `updated_at`, else the admin log's last entry."""
        changed_at = getattr(obj, "updated_at", None)
        if changed_at is None:
            changed_at = (
                LogEntry.objects.filter(
                    content_type=ContentType.objects.get_for_model(self.model),
                    object_id=str(obj.pk),
                )
                .order_by("-action_time")
                .values_list("action_time", flat=True)
                .first()
            )
        return changed_at


def _when(autosave):
    local = timezone.localtime(autosave.saved_at)
    return {
        "saved_at": local.isoformat(),
        "time": f"{local:%H:%M}",
        "date": f"{local:%Y-%m-%d %H:%M}",
        "age_seconds": max(0, int((timezone.now() - autosave.saved_at).total_seconds())),
    }


def _size(limit):
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} KB"
