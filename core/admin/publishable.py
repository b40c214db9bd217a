"""One admin for everything editors draft and publishers publish (articles,
programmes, campaigns): a preview link, publish and unpublish actions, and a
status field only publishers may move past review."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from audit.log import Action, record
from core.status import EDITOR_STATUSES, PUBLISHER_STATUSES, Status

from .autosave import AutosaveAdminMixin
from .deletion import PlainDeleteSummaryMixin
from .forms import PlainSlugErrorsMixin, RequestFormMixin
from .versions import VersionHistoryMixin

PUBLICATION_FIELDS = ("status", "published_at", "expires_at")


LOCKED_TIME_HELP = "稿件已发布，首次发布时间已锁定；只有超级管理员可以更改，更改会记入审计日志。"


class PublishableAdminForm(forms.ModelForm):
    """Without the publish permission (the admin's `publish_permission`): an
    item not yet published may be saved as a draft or sent for review; a
    published, withdrawn or archived one keeps its status and times.

    The publication time is set by publishing or scheduling, never typed by an
    editor; once the item has gone live it is locked, except for superusers
    (whose change is audited: inspections fail sites that forge dates)."""

    publish_permission = None

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.first_published = first_published(self.instance)
        self.published_at_before = getattr(self.instance, "published_at", None)
        if request is None:
            return
        may_publish = request.user.has_perm(self.publish_permission)
        if not may_publish:
            self._limit_to_editing()
        self._lock_publication_time(request.user, may_publish)

    def _limit_to_editing(self):
        status = self.fields.get("status")
        if status is None:
            return
        if self.instance.pk and self.instance.status in PUBLISHER_STATUSES:
            for name in PUBLICATION_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "只有发布者可以更改已发布内容的状态和时间。"
            return
        status.choices = [
            (value, label) for value, label in status.choices if value in EDITOR_STATUSES
        ]
        for name in ("published_at", "expires_at"):
            if name in self.fields:
                self.fields[name].disabled = True
        if "published_at" in self.fields:
            self.fields["published_at"].help_text = "发布者发布或定时发布时填入。"

    def _lock_publication_time(self, user, may_publish):
        field = self.fields.get("published_at")
        if field is None or not self.first_published or user.is_superuser:
            return
        field.disabled = True
        field.help_text = LOCKED_TIME_HELP

    @property
    def publication_time_changed(self):
        """A superuser moved the time of something already published."""
        return (
            self.first_published
            and "published_at" in self.changed_data
            and self.cleaned_data.get("published_at") != self.published_at_before
        )

    def clean(self):
        cleaned = super().clean()
        published_at, expires_at = cleaned.get("published_at"), cleaned.get("expires_at")
        if published_at and expires_at and expires_at <= published_at:
            self.add_error("expires_at", "下线时间必须晚于发布时间。")
        if (
            "published_at" in self.fields
            and cleaned.get("status") == Status.PUBLISHED
            and not published_at
        ):
            cleaned["published_at"] = timezone.now()
        return cleaned


def first_published(obj, now=None):
    """Whether `obj` (as saved) has gone live: its first publication time has passed."""
    published_at = getattr(obj, "published_at", None)
    return bool(
        obj.pk
        and published_at is not None
        and obj.status in PUBLISHER_STATUSES
        and published_at <= (now or timezone.now())
    )


class PublishableAdmin(
    AutosaveAdminMixin,
    PlainDeleteSummaryMixin,
    PlainSlugErrorsMixin,
    RequestFormMixin,
    VersionHistoryMixin,
    VersionAdmin,
):
    """Subclasses set `publish_permission` ("app.codename"), `preview_url_name`
    (a URL taking the object's pk) and the form (a PublishableAdminForm)."""

    form = PublishableAdminForm
    publish_permission = None
    preview_url_name = None
    preview_label = "在网站模板中预览"
    # The measure word in messages: 3 篇稿件, 2 项举措.
    counter = "项"
    actions = ["publish_selected", "unpublish_selected"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        form_class.publish_permission = self.publish_permission
        return form_class

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "preview_link"]

    @admin.display(description="状态", ordering="status")
    def status_label(self, obj):
        label = obj.publication_label()
        if label == "定时发布":
            when = f"{timezone.localtime(obj.published_at):%m-%d %H:%M}"
            return format_html('{} <span class="nowrap">{}</span>', label, when)
        return label

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "publication_time_changed", False):
            before = form.published_at_before
            record(
                Action.PUBLICATION_TIME,
                obj,
                detail=f"{_local(before)} → {_local(obj.published_at)}",
            )

    @admin.display(description="预览")
    def preview_link(self, obj):
        if not obj.pk:
            return "保存后可预览"
        url = reverse(self.preview_url_name, args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, self.preview_label
        )

    # Publishing in bulk

    def has_publish_permission(self, request):
        return request.user.has_perm(self.publish_permission)

    @admin.action(description="发布所选%(verbose_name_plural)s", permissions=["publish"])
    def publish_selected(self, request, queryset):
        count = self.set_status(
            request, queryset.exclude(status=Status.PUBLISHED), Status.PUBLISHED, "批量发布"
        )
        self.message_user(
            request, f"已发布 {count} {self.counter}{self.opts.verbose_name}。", messages.SUCCESS
        )

    @admin.action(description="撤下所选%(verbose_name_plural)s", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = self.set_status(
            request, queryset.filter(status=Status.PUBLISHED), Status.UNPUBLISHED, "批量撤下"
        )
        self.message_user(
            request, f"已撤下 {count} {self.counter}{self.opts.verbose_name}。", messages.SUCCESS
        )

    def set_status(self, request, queryset, status, comment):
        """Save each item as one new version, its row locked until all are done,
        so two publishers acting at once cannot interleave."""
        count = 0
        with transaction.atomic():
            for obj in queryset.select_for_update(of=("self",)):
                obj.status = status
                if status == Status.PUBLISHED and hasattr(obj, "published_at"):
                    obj.published_at = obj.published_at or timezone.now()
                self.before_status_change(request, obj)
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    reversion.set_comment(comment)
                    obj.save()
                count += 1
        return count

    def before_status_change(self, request, obj):
        """A hook for what a subclass records on every save (the last editor)."""


def _local(when):
    return f"{timezone.localtime(when):%Y-%m-%d %H:%M}" if when else "（无）"
