"""Submitting, approving and sending back: the review steps themselves.

A change to live content is kept as the change form's data. Approving it runs
that data through the same admin form the editor used, as that editor (so it
is checked by exactly the rules they saved under), and commits it as one new
version; until then the live rows are untouched, so the public site, feeds,
search and the page cache cannot show it.
"""

from django.contrib.admin.utils import flatten_fieldsets, quote
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.forms.formsets import all_valid
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone

from audit.log import Action, record

from .models import Notification, Submission
from .notify import notify, publishers_of

# Buttons and bookkeeping posted with the change form, never part of the content.
NOT_CONTENT = frozenset(
    {
        "csrfmiddlewaretoken",
        "_save",
        "_continue",
        "_addanother",
        "_saveasnew",
        "_submit_review",
        "_publish",
        "_schedule",
        "_schedule_at",
        "_keep_pending",
        "_pending_token",
    }
)


def form_data(post):
    """Posted form data as JSON-ready {name: [values]}."""
    return {name: post.getlist(name) for name in post if name not in NOT_CONTENT}


def as_querydict(data):
    post = QueryDict(mutable=True)
    for name, values in data.items():
        post.setlist(name, list(values))
    return post


def open_submission(obj):
    """The item's submission still waiting for a decision (pending or returned)."""
    return (
        Submission.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            state__in=[Submission.State.PENDING, Submission.State.RETURNED],
        )
        .select_related("submitted_by", "reviewed_by")
        .first()
    )


def token(submission):
    """What a change form opened on `submission` posts back, so a save over a
    newer submission is refused instead of replacing it unseen."""
    if submission is None or submission.state != Submission.State.PENDING:
        return ""
    return f"{submission.pk}:{submission.submitted_at.timestamp():.6f}"


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])


def review_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_review", args=[quote(obj.pk)])


def _who(user):
    if user is None:
        return "（已删除的用户）"
    return user.get_full_name() or user.get_username()


def submit(request, obj, *, kind, publish_permission, districts="", data=None, summary=""):
    """Open (or renew) the item's submission and tell the publishers."""
    with transaction.atomic():
        submission = open_submission(obj) or Submission(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        submission.kind = kind
        submission.state = Submission.State.PENDING
        submission.data = data or {}
        submission.change_summary = summary[:300]
        submission.object_repr = str(obj)[:200]
        submission.district_names = districts[:200]
        submission.submitted_by = request.user
        submission.submitted_at = timezone.now()
        submission.reviewed_by = None
        submission.reviewed_at = None
        submission.save()
        what = "改动" if kind == Submission.Kind.CHANGE else "稿件"
        notify(
            publishers_of(publish_permission, exclude=request.user),
            event=Notification.Event.SUBMITTED,
            actor=request.user,
            submission=submission,
            message=f"{_who(request.user)} 提交了{what}待审核：{submission.object_repr}",
            url=review_url(obj),
            request=request,
        )
        record(Action.SUBMIT, obj, detail=summary)
    return submission


def close(obj, state, user):
    """Mark the item's open submission decided (published or withdrawn)."""
    submission = open_submission(obj)
    if submission is None:
        return None
    submission.state = state
    submission.reviewed_by = user
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    return submission


def approved(request, obj, submission):
    """Record the approval of `submission` and tell its author."""
    submission.state = Submission.State.APPROVED
    submission.reviewed_by = request.user
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    if submission.submitted_by_id and submission.submitted_by_id != request.user.pk:
        notify(
            [submission.submitted_by],
            event=Notification.Event.APPROVED,
            actor=request.user,
            submission=submission,
            message=f"{_who(request.user)} 已批准发布：{submission.object_repr}",
            url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else change_url(obj),
            request=request,
        )


def send_back(request, obj, submission, comment):
    with transaction.atomic():
        submission.state = Submission.State.RETURNED
        submission.reviewed_by = request.user
        submission.reviewed_at = timezone.now()
        submission.review_comment = comment
        submission.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment"])
        if submission.submitted_by_id:
            notify(
                [submission.submitted_by],
                event=Notification.Event.RETURNED,
                actor=request.user,
                submission=submission,
                message=f"{_who(request.user)} 退回了：{submission.object_repr}。意见：{comment}",
                url=change_url(obj),
                request=request,
            )
        record(Action.RETURN, obj, detail=comment)


class NotApplicable(Exception):
    """The held data no longer fits the item; carries the form errors."""

    def __init__(self, errors):
        super().__init__("；".join(errors))
        self.errors = errors


def apply(request, model_admin, obj, data, as_user):
    """Save `data` onto `obj` through `model_admin`'s change form and inlines,
    as `as_user` would have saved it. Raises NotApplicable with the errors."""
    author_request = _request_as(request, as_user, as_querydict(data))
    fieldsets = model_admin.get_fieldsets(author_request, obj)
    form_class = model_admin.get_form(
        author_request, obj, change=True, fields=flatten_fieldsets(fieldsets)
    )
    form = form_class(author_request.POST, {}, instance=obj)
    formsets, _ = model_admin._create_formsets(author_request, form.instance, change=True)
    form_valid = form.is_valid()
    new_object = model_admin.save_form(author_request, form, change=True) if form_valid else obj
    if not (all_valid(formsets) and form_valid):
        raise NotApplicable(_errors(form, formsets))
    model_admin.save_model(author_request, new_object, form, True)
    model_admin.save_related(author_request, form, formsets, True)
    message = model_admin.construct_change_message(author_request, form, formsets, False)
    return new_object, message


def _request_as(request, user, post):
    """A POST of `post` by `user`, otherwise like `request` (a copy.copy of a
    WSGIRequest loses its POST data on first use, so a fresh request is built)."""
    author_request = HttpRequest()
    author_request.method = "POST"
    author_request.POST = post
    author_request.GET = request.GET
    author_request.META = request.META
    author_request.COOKIES = request.COOKIES
    author_request.path = request.path
    author_request.path_info = request.path_info
    author_request.resolver_match = request.resolver_match
    for name in ("session", "_messages"):
        if hasattr(request, name):
            setattr(author_request, name, getattr(request, name))
    author_request.user = user
    author_request._applying_submission = True
    return author_request


def _errors(form, formsets):
    errors = []
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        errors.extend(f"{label}：{m}" if label else m for m in messages)
    for formset in formsets:
        errors.extend(str(e) for e in formset.non_form_errors())
        for form_errors in formset.errors:
            for messages in form_errors.values():
                errors.extend(messages)
    return errors or ["内容无法保存。"]
