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

from core.status import EDITOR_STATUSES, PUBLISHER_STATUSES, Status

from .forms import PlainSlugErrorsMixin, RequestFormMixin
from .versions import VersionHistoryMixin

PUBLICATION_FIELDS = ("status", "published_at", "expires_at")


class PublishableAdminForm(forms.ModelForm):
    """Without the publish permission (the admin's `publish_permission`): an
    item not yet published may be saved as a draft or sent for review; a
    published, withdrawn or archived one keeps its status and times."""

    publish_permission = None

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if request is not None and not request.user.has_perm(self.publish_permission):
            self._limit_to_editing()

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
        if "expires_at" in self.fields:
            self.fields["expires_at"].disabled = True

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


class PublishableAdmin(PlainSlugErrorsMixin, RequestFormMixin, VersionHistoryMixin, VersionAdmin):
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
            return format_html('<span title="{}">{}</span>', obj.published_at, label)
        return label

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
