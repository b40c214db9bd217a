"""Audit entries for content models: publication changes and deletions.

Content apps call `track_publication(Model)` and `track_deletion(Model)` from
their AppConfig.ready(); this module knows nothing of their models and imports
no models itself, so an app can import it while apps are still loading.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from audit.log import Action, record

from .status import Status

PUBLISHED = Status.PUBLISHED
STATUS_ACTIONS = {Status.UNPUBLISHED: Action.UNPUBLISH, Status.ARCHIVED: Action.ARCHIVE}


def publication_action(before, after, now=None):
    """The audit action for a change of (status, published_at), or None."""
    now = now or timezone.now()
    old_status, old_time = before
    status, published_at = after
    if status == PUBLISHED:
        scheduled = published_at is not None and published_at > now
        if old_status != PUBLISHED or (scheduled and old_time != published_at):
            return Action.SCHEDULE if scheduled else Action.PUBLISH
        return None
    if old_status != status:
        return STATUS_ACTIONS.get(status)
    return None


def _state(obj):
    return (getattr(obj, "status", None), getattr(obj, "published_at", None))


def _remember(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = (None, None)
    if instance.pk is not None:
        row = (
            sender._default_manager.filter(pk=instance.pk)
            .values_list("status", *(["published_at"] if hasattr(instance, "published_at") else []))
            .first()
        )
        if row is not None:
            before = (row[0], row[1] if len(row) > 1 else None)
    instance._audit_publication_before = before


def _compare(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_audit_publication_before", (None, None))
    action = publication_action(before, _state(instance))
    if action is not None:
        when = instance.published_at if hasattr(instance, "published_at") else None
        detail = f"发布时间 {timezone.localtime(when):%Y-%m-%d %H:%M}" if when else ""
        record(action, instance, detail=detail)


def _deleted(sender, instance, **kwargs):
    record(Action.DELETE, instance)


def track_publication(model):
    uid = f"audit_publication_{model._meta.label_lower}"
    pre_save.connect(_remember, sender=model, dispatch_uid=uid, weak=False)
    post_save.connect(_compare, sender=model, dispatch_uid=uid, weak=False)


def track_deletion(model):
    uid = f"audit_deletion_{model._meta.label_lower}"
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid, weak=False)
