"""Writing audit entries: `record(action, obj, ...)` from anywhere.

Who and from where come from the request being served (set by
`audit.middleware.AuditContextMiddleware`), or from the caller for work done
outside a request (management commands).
"""

from contextvars import ContextVar

from .models import Action, AuditEntry, Outcome

__all__ = ["Action", "Outcome", "acting_as", "current_actor", "record"]

_actor = ContextVar("audit_actor", default=(None, None))


def current_actor():
    """(user, ip_address) of the request being served, or (None, None)."""
    return _actor.get()


class acting_as:
    """Within the block, entries are recorded as done by `user` from `ip`."""

    def __init__(self, user, ip_address=None):
        self.value = (user, ip_address)

    def __enter__(self):
        self.token = _actor.set(self.value)
        return self

    def __exit__(self, *exc):
        _actor.reset(self.token)


def record(
    action,
    obj=None,
    outcome=Outcome.SUCCESS,
    detail="",
    user=None,
    username=None,
    ip_address=None,
    object_repr=None,
):
    """Append one entry. `user`/`ip_address` default to the current request's."""
    actor, actor_ip = current_actor()
    user = user if user is not None else actor
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    entry = AuditEntry(
        user_id=user.pk if user is not None else None,
        username=(username if username is not None else getattr(user, "username", ""))[:150],
        ip_address=ip_address or actor_ip,
        action=action,
        outcome=outcome,
        detail=str(detail)[:10000],
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk or "")[:64]
        entry.object_repr = str(obj)[:300] if object_repr is None else object_repr[:300]
    elif object_repr is not None:
        entry.object_repr = object_repr[:300]
    entry.save()
    return entry
