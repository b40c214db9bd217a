"""Parts of pages cached under the page cache's rules: shared by every app
server, invalid as soon as any content is written, never kept past the next
scheduled change. For pages that are not served whole from the cache (the
page cache is off, the reader's font size differs, the query string is new),
the expensive parts still render once per change, not once per request.

Views keep the work a fragment needs lazy (a cached_property the template
reads inside the fragment), so a cached fragment also saves its queries.
"""

import contextlib
import pickle

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from . import horizon, invalidation, store

FRAGMENT_KEY = "fragment:{}"


def _generation(request):
    """One read of the generation per request, however many fragments it renders."""
    generation = getattr(request, "_page_cache_generation", None)
    if generation is None:
        generation = store.current_generation()
        if request is not None:
            request._page_cache_generation = generation
    return generation


def cached_value(name, vary, build, request=None):
    """What `build()` returns (anything picklable), from the cache when it holds
    a valid copy for (`name`, `vary`); `vary` holds whatever the value depends
    on besides content (an object's pk, a page number)."""
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return build()
    key = FRAGMENT_KEY.format(store.key(name, *vary))
    now = timezone.now().timestamp()
    try:
        generation = _generation(request)
        entry = store.get(key, generation, now)
    except store.Unavailable:
        return build()
    if entry is not None:
        return pickle.loads(entry.content)
    value = build()
    if invalidation.writes_pending():
        return value
    expires_at = horizon.expiry(generation, now, settings.FRAGMENT_CACHE_SECONDS)
    if expires_at > now:
        entry = store.Entry(generation, expires_at, 0, (), pickle.dumps(value))
        with contextlib.suppress(store.Unavailable):
            store.put(key, entry, now)
    return value


def cached_fragment(name, vary, build, request=None):
    """The HTML `build()` returns, cached as `cached_value` caches values."""
    return mark_safe(cached_value(name, vary, lambda: str(build()), request))
