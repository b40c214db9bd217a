"""The visibility horizon: the next moment anything becomes visible or expires.

Scheduled content (`Publishable` models with `scheduled = True`) appears at
`published_at` and disappears at `expires_at` without anyone saving it, so no
write moves the generation on. Instead no entry is kept past the horizon; the
first request after it rebuilds the page, on every server, without a cron.

The horizon only changes when content does, so it is worked out once per
generation (two aggregate queries per scheduled model) and shared like the pages.
"""

import contextlib
import threading

from django.apps import apps
from django.db.models import Min, Q
from django.utils import timezone

from ..publication import Publishable
from ..status import Status
from . import store

HORIZON_KEY = "pagecache:horizon:{}"
NEVER = float("inf")

_local = {}
_lock = threading.Lock()


def scheduled_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable) and getattr(model, "scheduled", False)
    ]


def compute(now):
    """The earliest publication or expiry time after `now` (POSIX time), or NEVER."""
    moment = None
    for model in scheduled_models():
        upcoming = model._default_manager.filter(status=Status.PUBLISHED).aggregate(
            appears=Min("published_at", filter=Q(published_at__gt=now)),
            expires=Min("expires_at", filter=Q(expires_at__gt=now)),
        )
        for value in upcoming.values():
            if value is not None and (moment is None or value < moment):
                moment = value
    return moment.timestamp() if moment is not None else NEVER


def next_change(generation, now):
    """The horizon for entries of `generation`, as POSIX time (NEVER if nothing
    is scheduled). `now` is a datetime."""
    timestamp = now.timestamp()
    known = _local.get(generation)
    if known is not None and known > timestamp:
        return known
    key = HORIZON_KEY.format(generation)
    try:
        known = store.call(lambda cache: cache.get(key))
    except store.Unavailable:
        known = None
    if known is None or known <= timestamp:
        known = compute(now)
        with contextlib.suppress(store.Unavailable):
            store.call(lambda cache: cache.set(key, known, 24 * 3600))
    with _lock:
        if len(_local) > 64:  # old generations are never asked for again
            _local.clear()
        _local[generation] = known
    return known


def expiry(generation, now, seconds):
    """When an entry of `generation` stored at `now` (POSIX time) must go:
    `seconds` later, or at the horizon if that comes first."""
    return min(now + seconds, next_change(generation, timezone.now()))
