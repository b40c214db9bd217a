"""Writing audit entries: `record(action, obj, ...)` from anywhere.

Who and from where come from the request being served (set by
`audit.middleware.AuditContextMiddleware`), or from the caller for work done
outside a request (management commands).
"""

from contextvars import ContextVar

from django.apps import apps

from .choices import Action, Outcome

__all__ = [
    "Action",
    "Outcome",
    "acting_as",
    "collected",
    "current_actor",
    "describe_m2m",
    "record",
    "write_collected",
]

_actor = ContextVar("audit_actor", default=(None, None))
_collecting = ContextVar("audit_collecting", default=None)


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


class collected:
    """Within the block, `record()` keeps its entries in `.entries` instead of
    writing each one. The caller writes them with `write_collected()` once the
    work they describe is saved, or drops them when it is rolled back: a bulk
    import writes one INSERT per batch instead of one per article."""

    def __enter__(self):
        self.entries = []
        self.token = _collecting.set(self.entries)
        return self

    def __exit__(self, *exc):
        _collecting.reset(self.token)


def write_collected(entries):
    if entries:
        apps.get_model("audit", "AuditEntry").objects.bulk_create(entries)


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
    # Looked up when an entry is written, so content apps can import this module
    # (and connect their audit receivers) before the models are loaded.
    audit_entry = apps.get_model("audit", "AuditEntry")
    entry = audit_entry(
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
    if (collecting := _collecting.get()) is not None:
        collecting.append(entry)
    else:
        entry.save()
    return entry


def describe_m2m(action, model, pk_set):
    """A many-to-many change in words: 加入：张三、李四."""
    verb = {"post_add": "加入", "post_remove": "移除", "post_clear": "清空"}[action]
    if not pk_set:
        return verb
    names = [str(obj) for obj in model._default_manager.filter(pk__in=pk_set)]
    return f"{verb}：{'、'.join(sorted(names))}"
