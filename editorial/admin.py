"""Review in the admin (先审后发): the buttons of the change form, changes to
live content held for a publisher, the review page, and the notices list."""

import datetime as dt

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, path, resolve, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin.versions import condensed, diff_rows, object_document
from core.status import Status

from . import review
from .models import Notification, Submission

OPEN_STATES = [Submission.State.PENDING, Submission.State.RETURNED]


class _Rollback(Exception):
    def __init__(self, result):
        self.result = result


def rolled_back(work):
    """Run `work()` in a transaction that is always rolled back; return its result."""
    try:
        with transaction.atomic():
            raise _Rollback(work())
    except _Rollback as done:
        return done.result


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="退回意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "请写明退回的理由，编辑会看到这条意见。"},
    )


class ReviewAdminMixin:
    """For a PublishableAdmin: what its change form saves, and who must approve it.

    - Someone without the publish permission who saves published content
      stores a held change (a Submission with the form data); readers keep the
      live version until a publisher approves it on the review page.
    - 提交审核 sends a draft to the publishers; 发布 / 定时发布 (publishers)
      publish at once or at a chosen time; a publisher's 保存为待审改动 holds
      their own change to live content.
    """

    review_template = "admin/review/review.html"
    change_form_template = "admin/review/change_form.html"

    # Which districts a submission concerns, for the review queue.
    def review_districts(self, obj):
        return ""

    # -- The list -------------------------------------------------------------

    def get_queryset(self, request):
        open_state = Submission.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            object_id=OuterRef("pk"),
            state__in=OPEN_STATES,
        ).values("state")[:1]
        return super().get_queryset(request).annotate(review_state=Subquery(open_state))

    @admin.display(description="状态", ordering="status")
    def status_label(self, obj):
        label = super().status_label(obj)
        state = getattr(obj, "review_state", None)
        if state == Submission.State.RETURNED:
            return format_html('{} <span class="review-flag returned">已退回修改</span>', label)
        if state == Submission.State.PENDING and obj.status == Status.PUBLISHED:
            return format_html('{} <span class="review-flag">有待审改动</span>', label)
        return label

    # -- The change form ------------------------------------------------------

    def holds_for_review(self, request, obj):
        """Whether saving `obj` now keeps the change for a publisher."""
        if obj is None or obj.status != Status.PUBLISHED:
            return False
        return not self.may_publish(request) or "_keep_pending" in request.POST

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        submission = review.open_submission(obj) if obj is not None else None
        request._review = {"submission": submission, "before": getattr(obj, "status", None)}
        if request.method == "POST" and not getattr(request, "_restoring_version", None):
            request.POST = self._apply_buttons(request)
            request._hold = self.holds_for_review(request, obj)
        elif (
            request.method == "GET"
            and submission is not None
            and submission.kind == Submission.Kind.CHANGE
            and "live" not in request.GET
        ):
            # The form opens on the held change; ?live shows the live version.
            request._pending_data = review.as_querydict(submission.data)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _apply_buttons(self, request):
        post = request.POST.copy()
        if "_submit_review" in post:
            post["status"] = Status.REVIEW
        elif "_publish" in post and self.may_publish(request):
            post["status"] = Status.PUBLISHED
        elif "_schedule" in post and self.may_publish(request):
            post["status"] = Status.PUBLISHED
            request._schedule_at = _parse_local(post.get("_schedule_at", ""))
        return post

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        pending = getattr(request, "_pending_data", None)
        admin_self = self

        class ReviewForm(form_class):
            def __init__(self, *args, **form_kwargs):
                if pending is not None and not args and "data" not in form_kwargs:
                    args = (pending, {})
                super().__init__(*args, **form_kwargs)

            def clean(self):
                cleaned = super().clean()
                admin_self._check_review_post(request, self)
                return cleaned

        return ReviewForm

    def _check_review_post(self, request, form):
        if request.method != "POST" or getattr(request, "_applying_submission", False):
            return
        if "_schedule" in request.POST:
            when = getattr(request, "_schedule_at", None)
            if when is None:
                form.add_error(None, "请在“定时发布”旁选择上线的日期和时间。")
            elif when <= timezone.now():
                form.add_error(None, "定时发布的时间必须晚于现在；要立即上线请点“发布”。")
        if getattr(request, "_hold", False):
            current = review.token(request._review["submission"])
            if current and request.POST.get("_pending_token", "") != current:
                form.add_error(
                    None,
                    "保存被拒绝：您打开此页后，其他人提交了新的待审改动。"
                    "您输入的内容仍在下面的表单中；请在新窗口中打开查看后再合并修改。",
                )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        pending = getattr(request, "_pending_data", None)
        if pending is not None and request.method == "GET":
            kwargs["data"] = pending.copy()
        return kwargs

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        state = getattr(request, "_review", {})
        submission = state.get("submission")
        may_publish = self.may_publish(request)
        live = obj is not None and obj.status == Status.PUBLISHED
        context["review"] = {
            "submission": submission,
            "showing_pending": getattr(request, "_pending_data", None) is not None,
            "token": review.token(submission),
            "may_publish": may_publish,
            "live": live,
            "held": live and not may_publish,
            "review_url": review.review_url(obj) if submission and obj else "",
            "live_url": f"{request.path}?live=1",
            "preview_pending_url": self._pending_preview_url(obj, submission),
            "schedule_min": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _pending_preview_url(self, obj, submission):
        if obj is None or submission is None or not submission.data:
            return ""
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_pending_preview", args=[quote(obj.pk)]
        )

    # -- What a save writes ---------------------------------------------------

    def save_model(self, request, obj, form, change):
        if getattr(request, "_hold", False):
            return
        when = getattr(request, "_schedule_at", None)
        if when is not None and obj.status == Status.PUBLISHED and hasattr(obj, "published_at"):
            obj.published_at = when
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_hold", False):
            return
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "_hold", False):
            # Nothing was saved, so the inlines hold no saved objects to describe.
            return ""
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._after_save(request, obj, entry)
        return entry

    def log_change(self, request, obj, message):
        if getattr(request, "_hold", False):
            self._hold_change(request, obj)
            return None
        entry = super().log_change(request, obj, message)
        self._after_save(request, obj, entry)
        return entry

    def _hold_change(self, request, obj):
        request._held_submission = review.submit(
            request,
            obj,
            kind=Submission.Kind.CHANGE,
            publish_permission=self.publish_permission,
            districts=self.review_districts(obj),
            data=review.form_data(request.POST),
            summary=self.change_summary(request, obj),
        )

    def change_summary(self, request, obj):
        """A line for the review queue about what kind of change this is."""
        return ""

    def _after_save(self, request, obj, entry):
        """The review steps a plain save implies, and the history's wording."""
        if getattr(request, "_restoring_version", None) is not None:
            return
        state = getattr(request, "_review", {})
        before = state.get("before")
        submission = state.get("submission")
        word = None
        if obj.status == Status.REVIEW and (before != Status.REVIEW or submission is None):
            review.submit(
                request,
                obj,
                kind=Submission.Kind.FIRST,
                publish_permission=self.publish_permission,
                districts=self.review_districts(obj),
                summary=self.change_summary(request, obj),
            )
            word = "提交审核"
        elif obj.status == Status.PUBLISHED:
            if submission is not None:
                review.approved(request, obj, submission)
            if before != Status.PUBLISHED:
                scheduled = getattr(obj, "published_at", None) and obj.published_at > timezone.now()
                word = "定时发布" if scheduled else "发布"
        elif submission is not None and obj.status == Status.DRAFT:
            review.close(obj, Submission.State.WITHDRAWN, request.user)
            word = "撤回审核"
        word = self.history_word(request, obj, word)
        if word and entry is not None and reversion.is_active():
            reversion.set_comment(f"{word}：{entry.get_change_message()}")

    def history_word(self, request, obj, word):
        """How the history names this save (a subclass adds 更正, 更新 …)."""
        return word

    def response_change(self, request, obj):
        held = getattr(request, "_held_submission", None)
        if held is None:
            return super().response_change(request, obj)
        if self.may_publish(request):
            text = "改动已保存为待审改动，网站上仍是已发布的版本。"
        else:
            text = "改动已提交审核。发布者批准前，网站上仍显示已发布的版本。"
        self.message_user(request, text, messages.SUCCESS)
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def set_status(self, request, queryset, status, comment):
        waiting = {}
        if status == Status.PUBLISHED:
            ids = list(queryset.values_list("pk", flat=True))
            waiting = {
                s.object_id: s
                for s in Submission.objects.filter(
                    content_type=ContentType.objects.get_for_model(self.model),
                    object_id__in=ids,
                    state=Submission.State.PENDING,
                    kind=Submission.Kind.FIRST,
                ).select_related("submitted_by")
            }
        count = super().set_status(request, queryset, status, comment)
        for obj in self.model._default_manager.filter(pk__in=list(waiting)):
            review.approved(request, obj, waiting[obj.pk])
        return count

    def history_view(self, request, object_id, extra_context=None):
        # Held changes are not versions: the history lists them on their own.
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            submissions = Submission.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model), object_id=obj.pk
            ).select_related("submitted_by", "reviewed_by")
            extra_context = {
                "review_history": submissions.order_by("-submitted_at"),
                **(extra_context or {}),
            }
        return super().history_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if (
            request.method == "POST"
            and obj is not None
            and self.has_change_permission(request, obj)
            and self.holds_for_review(request, obj)
            and self._versions().filter(pk=version_id, object_id=str(obj.pk)).exists()
        ):
            messages.error(
                request,
                "已发布内容只能由发布者恢复到旧版本。请打开稿件修改后提交审核，或请发布者恢复。",
            )
            return redirect(review.change_url(obj))
        return super().revision_view(request, object_id, version_id, extra_context)

    # -- The review page ------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name=f"{name}_review",
            ),
            path(
                "<path:object_id>/review/preview/",
                self.admin_site.admin_view(self.pending_preview_view),
                name=f"{name}_pending_preview",
            ),
            *super().get_urls(),
        ]

    def _reviewable(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("内容不存在。")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj, review.open_submission(obj)

    def review_view(self, request, object_id):
        obj, submission = self._reviewable(request, object_id)
        may_decide = self.may_publish(request) and self.has_change_permission(request, obj)
        return_form = ReturnForm()
        if request.method == "POST":
            if submission is None or submission.state != Submission.State.PENDING:
                messages.warning(request, "这份提交已经处理过了。")
                return redirect(review.change_url(obj))
            if not may_decide:
                raise PermissionDenied
            if "_approve" in request.POST:
                return self._approve(request, obj, submission)
            return_form = ReturnForm(request.POST)
            if return_form.is_valid():
                self._send_back(request, obj, submission, return_form.cleaned_data["comment"])
                self.message_user(request, f"已退回：{obj}。编辑会收到通知。", messages.SUCCESS)
                return redirect("admin:index")
        if submission is None:
            messages.info(request, "此内容目前没有待审核的提交。")
            return redirect(review.change_url(obj))
        rows, error = self._review_diff(request, obj, submission)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": obj,
            "submission": submission,
            "rows": condensed(rows),
            "apply_error": error,
            "changed": any(kind != "same" for kind, _ in rows),
            "may_decide": may_decide and submission.state == Submission.State.PENDING,
            "return_form": return_form,
            "preview_url": self._pending_preview_url(obj, submission)
            or self._live_preview_url(obj),
            "title": f"审核：{obj}",
        }
        return TemplateResponse(request, self.review_template, context)

    def _live_preview_url(self, obj):
        return reverse(self.preview_url_name, args=[obj.pk]) if self.preview_url_name else ""

    def _review_diff(self, request, obj, submission):
        if submission.kind == Submission.Kind.FIRST or not submission.data:
            return diff_rows([], object_document(obj)), ""
        live = object_document(obj)

        def pending():
            # A copy: the page still names the live object after the rollback.
            copy = self.model._default_manager.get(pk=obj.pk)
            applied, _ = review.apply(
                request, self, copy, submission.data, self._author(request, submission)
            )
            return object_document(applied)

        try:
            return diff_rows(live, rolled_back(pending)), ""
        except review.NotApplicable as problem:
            return diff_rows(live, live), "；".join(problem.errors)

    def _author(self, request, submission):
        author = submission.submitted_by
        return author if author is not None and author.is_active else request.user

    def _approve(self, request, obj, submission):
        if submission.kind == Submission.Kind.FIRST:
            # set_status closes the submission and tells its author.
            self.set_status(
                request, self.model._default_manager.filter(pk=obj.pk), Status.PUBLISHED, "批准发布"
            )
            self.message_user(request, f"已发布：{obj}。", messages.SUCCESS)
            return redirect("admin:index")
        try:
            with transaction.atomic():
                locked = self.model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
                author = self._author(request, submission)
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    applied, message = review.apply(request, self, locked, submission.data, author)
                    request._review = {"submission": None, "before": Status.PUBLISHED}
                    entry = admin.ModelAdmin.log_change(self, request, applied, message)
                    word = self.history_word(request, applied, "发布")
                    reversion.set_comment(
                        f"{word}（批准 {author.get_username()} 提交的改动）：{entry.get_change_message()}"
                    )
                review.approved(request, applied, submission)
        except review.NotApplicable as problem:
            messages.error(
                request,
                "这份改动无法直接发布："
                + "；".join(problem.errors)
                + "。请打开稿件修改后再发布，或退回。",
            )
            return redirect(review.review_url(obj))
        self.message_user(request, f"已批准并发布：{applied}。", messages.SUCCESS)
        return redirect("admin:index")

    def _send_back(self, request, obj, submission, comment):
        if submission.kind == Submission.Kind.FIRST and obj.status == Status.REVIEW:
            self.set_status(
                request,
                self.model._default_manager.filter(pk=obj.pk),
                Status.DRAFT,
                f"退回：{comment}",
            )
        review.send_back(request, obj, submission, comment)

    def pending_preview_view(self, request, object_id):
        obj, submission = self._reviewable(request, object_id)
        if submission is None or not submission.data:
            raise Http404("没有待审改动。")
        url = self._live_preview_url(obj)
        try:
            match = resolve(url)
        except Resolver404 as missing:
            raise Http404("没有预览页。") from missing

        def render():
            review.apply(request, self, obj, submission.data, self._author(request, submission))
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
            return response

        try:
            return rolled_back(render)
        except review.NotApplicable as problem:
            messages.error(request, "待审改动无法预览：" + "；".join(problem.errors))
            return redirect(review.change_url(obj))


def _parse_local(value):
    """A datetime-local input's value (Beijing time) as an aware datetime, or None."""
    try:
        naive = dt.datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return timezone.make_aware(naive)


# -- Notices -------------------------------------------------------------------


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Each person's own notices; nobody else's, and nothing to edit."""

    list_display = ["created_at", "notice", "actor", "is_read"]
    list_filter = ["event", ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["actor"]
    actions = ["mark_read"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or obj.recipient_id == request.user.pk
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    @admin.display(description="内容")
    def notice(self, notification):
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_open", args=[notification.pk])
        if notification.read_at is None:
            return format_html('<a href="{}"><strong>{}</strong></a>', url, notification.message)
        return format_html('<a href="{}">{}</a>', url, notification.message)

    @admin.display(description="已读", boolean=True)
    def is_read(self, notification):
        return notification.read_at is not None

    @admin.action(description="标为已读")
    def mark_read(self, request, queryset):
        count = queryset.filter(read_at__isnull=True).update(read_at=timezone.now())
        self.message_user(request, f"已将 {count} 条通知标为已读。", messages.SUCCESS)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:pk>/open/",
                self.admin_site.admin_view(self.open_view),
                name=f"{opts.app_label}_{opts.model_name}_open",
            ),
            *super().get_urls(),
        ]

    def open_view(self, request, pk):
        """Mark the notice read and go where it points."""
        notification = get_object_or_404(self.get_queryset(request), pk=pk)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return redirect(notification.url or "admin:index")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            return (
                self.open_view(request, int(object_id)) if object_id.isdigit() else redirect("..")
            )
        raise PermissionDenied
