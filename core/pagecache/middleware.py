"""The page cache as the first middleware: a hit is answered before any other
middleware runs (they all ran when the entry was built, and their headers are
in it), at the price of one read of the generation from Redis.

Cached: anonymous GET and HEAD requests for anything outside
settings.PAGE_CACHE_EXCLUDED_PATHS and the static files, whose response is a
200 or 301 that sets no cookie and does not ask to stay private. Anyone
carrying a session cookie (staff) goes straight to the views, and a signed-in
user's response is marked `private, no-store` so no proxy keeps it either.

Every answer says what happened in `X-Page-Cache`: hit, miss (built and
stored) or bypass (not cacheable, or the cache unavailable).
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from ..middleware import FONT_SIZE_COOKIE, FONT_SIZES
from . import horizon, invalidation, store

STATUS_HEADER = "X-Page-Cache"
CACHEABLE_STATUSES = {200, 301}
# Recomputed for every answer; the rest of the stored headers are replayed as built.
_NOT_STORED = {"cache-control", STATUS_HEADER.lower(), "set-cookie"}


def cache_key(request):
    """The key of the cached answer to `request`, or None if it may not be cached."""
    if request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    path = request.path
    if path.startswith(_excluded_prefixes()):
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # the views answer 400 as usual
    font_size = request.COOKIES.get(FONT_SIZE_COOKIE)
    if font_size not in FONT_SIZES:
        font_size = ""
    return store.key(request.scheme, host, request.get_full_path(), font_size)


def _excluded_prefixes():
    static = (
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
    )
    return (static, *settings.PAGE_CACHE_EXCLUDED_PATHS)


def storable(response):
    if response.status_code not in CACHEABLE_STATUSES or response.streaming:
        return False
    if response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    return "*" not in response.get("Vary", "")


def public_cache_control(response, expires_at, now):
    """`public, max-age` for a proxy or CDN in front, never past the entry's own
    expiry (so never past the next scheduled change), and time to serve it stale
    while revalidating within the same bound."""
    remaining = max(0, int(expires_at - now))
    max_age = min(settings.PAGE_CACHE_MAX_AGE, remaining)
    stale = max(0, min(settings.PAGE_CACHE_STALE_SECONDS, remaining - max_age))
    response["Cache-Control"] = f"public, max-age={max_age}, stale-while-revalidate={stale}"


def answer_from(entry, request, now):
    body = b"" if request.method == "HEAD" else entry.content
    response = HttpResponse(body, status=entry.status)
    for name, value in entry.headers:
        response.headers[name] = value
    public_cache_control(response, entry.expires_at, now)
    response[STATUS_HEADER] = "hit"
    if not ("HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META):
        return response
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = cache_key(request) if settings.PAGE_CACHE_SECONDS > 0 else None
        if key is None:
            return self.uncached(request)
        now = timezone.now().timestamp()
        try:
            generation = store.current_generation()
            request._page_cache_generation = generation  # for the fragments
            entry = store.get(key, generation, now)
        except store.Unavailable:
            return self.uncached(request)
        if entry is not None:
            return answer_from(entry, request, now)

        response = self.get_response(request)
        response[STATUS_HEADER] = "bypass"
        if not storable(response) or invalidation.writes_pending():
            return response
        expires_at = horizon.expiry(generation, now, settings.PAGE_CACHE_SECONDS)
        if expires_at <= now:
            return response
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(now)
        headers = tuple(
            (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
        )
        entry = store.Entry(generation, expires_at, response.status_code, headers, response.content)
        try:
            store.put(key, entry, now)
        except store.Unavailable:
            return response
        public_cache_control(response, expires_at, now)
        response[STATUS_HEADER] = "miss"
        return response

    def uncached(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        if request.method in ("GET", "HEAD") and not request.path.startswith(_excluded_prefixes()):
            response.headers.setdefault(STATUS_HEADER, "bypass")
        return response
