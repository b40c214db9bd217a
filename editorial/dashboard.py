"""The admin home's work lists for one person: what waits for them, what came
back to them, and what goes live or comes down in the next days."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.status import Status

from .admin import ReviewAdminMixin
from .models import Notification, Submission

WINDOW = dt.timedelta(days=7)


@dataclass
class Dashboard:
    to_review: list = field(default_factory=list)
    returned: list = field(default_factory=list)
    mine_pending: list = field(default_factory=list)
    scheduled: list = field(default_factory=list)
    expiring: list = field(default_factory=list)
    may_review: bool = False


def _review_admins(site):
    return [ma for ma in site._registry.values() if isinstance(ma, ReviewAdminMixin)]


def dashboard_for(request, site=admin.site):
    user = request.user
    now = timezone.now()
    board = Dashboard()
    admins = _review_admins(site)
    reviewable = [
        ContentType.objects.get_for_model(ma.model)
        for ma in admins
        if ma.publish_permission and user.has_perm(ma.publish_permission)
    ]
    board.may_review = bool(reviewable)
    submissions = Submission.objects.select_related("submitted_by", "reviewed_by", "content_type")
    if reviewable:
        board.to_review = list(
            submissions.filter(state=Submission.State.PENDING, content_type__in=reviewable)
        )
    board.returned = list(
        submissions.filter(state=Submission.State.RETURNED, submitted_by=user).order_by(
            "-reviewed_at"
        )
    )
    board.mine_pending = list(submissions.filter(state=Submission.State.PENDING, submitted_by=user))
    for model_admin in admins:
        model = model_admin.model
        if not getattr(model, "scheduled", False):
            continue
        if not model_admin.has_view_or_change_permission(request):
            continue
        published = model_admin.get_queryset(request).filter(status=Status.PUBLISHED)
        board.scheduled += [
            (obj, obj.published_at)
            for obj in published.filter(published_at__gt=now, published_at__lte=now + WINDOW)
        ]
        board.expiring += [
            (obj, obj.expires_at)
            for obj in published.filter(expires_at__gt=now, expires_at__lte=now + WINDOW)
        ]
    # (object, when) pairs, soonest first, whatever kind of content they are.
    board.scheduled.sort(key=lambda pair: pair[1])
    board.expiring.sort(key=lambda pair: pair[1])
    return board


def unread_count(user):
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user).unread().count()
