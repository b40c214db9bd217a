import base64
import hashlib

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.shortcuts import render

FONT_SIZES = ("small", "medium", "large")
FONT_SIZE_COOKIE = "fontsize"
ONE_YEAR = 365 * 24 * 3600


class FontSizeMiddleware:
    """The 字号 大/中/小 switch without JavaScript: `?size=large` sets the size
    for this page and remembers it in a cookie for the next ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.GET.get("size")
        if chosen not in FONT_SIZES:
            chosen = None
        remembered = request.COOKIES.get(FONT_SIZE_COOKIE)
        request.font_size = chosen or (remembered if remembered in FONT_SIZES else "medium")
        response = self.get_response(request)
        if chosen and chosen != remembered:
            response.set_cookie(
                FONT_SIZE_COOKIE,
                chosen,
                max_age=ONE_YEAR,
                samesite="Lax",
                secure=not settings.DEBUG and request.is_secure(),
            )
        if chosen or remembered:
            # The page differs by the cookie; caches must not mix sizes.
            response.headers.setdefault("Vary", "Cookie")
        return response


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RejectNullCharactersMiddleware:
    """A NUL character in the query string is never meaningful, and PostgreSQL
    refuses it in text: answer 400 before any view or admin filter sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return bad_request(request, "网址中含有无效字符。")
        return self.get_response(request)


def bad_request(request, message):
    """The site's 400 page in Chinese, with `message` saying what was wrong."""
    return render(request, "400.html", {"message": message}, status=400)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp, with the one inline script the admin needs allowed by its hash."""

    admin_prefix = "/admin/"

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(self.admin_prefix):
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), importmap_hash()]
            update["style-src"] = [*update.get("style-src", []), TIPTAP_STYLE_HASH]
            parts.update = update
        return parts


TIPTAP_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"


def importmap_hash():
    from django_prose_editor.widgets import prose_editor_admin_media

    (tag,) = prose_editor_admin_media.render_importmap()
    content = tag[tag.index(">") + 1 : tag.rindex("</script>")]
    digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
    return f"'sha256-{digest}'"
