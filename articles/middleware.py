"""The visit beacon answered early: every article view sends one, so it must
cost about what the cached page it came with costs, not a trip through the
whole middleware stack.

Placed right after the page cache in settings.MIDDLEWARE, this answers exactly
`POST` to the URL articles:article_visit routes to (under any script prefix)
with articles.beacon.answer, the view's own checks. Sessions, authentication,
CSRF, messages, axes and the rest never run for it: the beacon reads no cookie
and sets none. The headers that those skipped middleware add to every answer
for the browser's safety (nosniff, HSTS, the CSP, Referrer-, Permissions- and
Cross-Origin-Opener-Policy, X-Frame-Options) are added by the same middleware
classes, run around the beacon alone; they also redirect plain HTTP to HTTPS as
for any other request. Anything else (a GET, a malformed id) goes down the
stack as before, to the view or the 404.
"""

import functools
import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import convert_exception_to_response
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse

from core.middleware import PermissionsPolicyMiddleware, SiteCSPMiddleware

from . import beacon

VIEW_NAME = "articles:article_visit"
_MARKER = 918273645  # an id that shows where the id goes in the reversed URL


@functools.lru_cache(maxsize=16)
def _route(urlconf, script_prefix):
    """(before the id, after it) in the beacon's path_info, or None if this
    URLconf does not route the beacon."""
    try:
        url = reverse(VIEW_NAME, args=[_MARKER], urlconf=urlconf)
    except NoReverseMatch:
        return None
    path = url[len(script_prefix) - 1 :]
    try:
        if resolve(path, urlconf=urlconf).view_name != VIEW_NAME:
            return None  # shadowed by an earlier pattern: leave it to that one
    except Resolver404:
        return None
    head, tail = path.split(str(_MARKER))
    return head, tail


def beacon_pk(request):
    """The article id if `request` is a beacon this middleware answers, else None."""
    if request.method != "POST":
        return None
    route = _route(settings.ROOT_URLCONF, get_script_prefix())
    if route is None:
        return None
    head, tail = route
    path = request.path_info
    if not (path.startswith(head) and path.endswith(tail)):
        return None
    digits = path[len(head) : len(path) - len(tail)]
    # As Django's int converter: ASCII digits only.
    if not (digits.isascii() and digits.isdigit()):
        return None
    return int(digits)


class VisitBeaconMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Innermost first: each wraps the one before, as in settings.MIDDLEWARE.
        handler = convert_exception_to_response(self.count)
        for middleware in (
            XFrameOptionsMiddleware,
            SiteCSPMiddleware,
            PermissionsPolicyMiddleware,
            SecurityMiddleware,
        ):
            handler = convert_exception_to_response(middleware(handler))
        self.answer = handler

    def __call__(self, request):
        pk = beacon_pk(request)
        if pk is None:
            return self.get_response(request)
        request.visit_pk = pk
        return self.answer(request)

    @staticmethod
    def count(request):
        try:
            request.get_host()
        except DisallowedHost as error:
            # Logged where Django logs it; answered in the beacon's own words.
            logging.getLogger("django.security.DisallowedHost").error(str(error))
            response = beacon.refusal(400)
        else:
            response = beacon.answer(request, request.visit_pk)
        response["Content-Length"] = str(len(response.content))
        return response
