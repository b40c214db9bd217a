import base64
import functools
import hashlib

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django_prose_editor.widgets import prose_editor_admin_media

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
                message = "网址中含有无效字符。"
                if request.path_info.endswith(".json"):
                    return JsonResponse({"error": message}, status=400)
                return bad_request(request, message)
        return self.get_response(request)


def bad_request(request, message):
    """The site's 400 page in Chinese, with `message` saying what was wrong."""
    return render(request, "400.html", {"message": message}, status=400)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp with the admin's policy: the public policy (no inline code)
    plus exactly two inline blocks, each allowed by its hash, that the article
    body's editor (django-prose-editor 0.28, Tiptap) cannot work without:

    - script-src: django-prose-editor's `<script type="importmap">`. Its
      modules import "django-prose-editor/editor" by that name; without the
      import map no editor starts. An import map is an inline script as far
      as CSP is concerned. A hash rather than a nonce: django-reversion's
      version screens, and ours built on them, render the change form before
      returning it, too early for a nonce to be added to its media on the way
      out.
    - style-src: the stylesheet Tiptap writes into a `<style>` element
      (injectCSS; django-prose-editor offers no option to turn it off or to
      give it a nonce). It sets the editable area's `white-space: pre-wrap`,
      the gap cursor and selection hiding.

    Nothing in the admin needs 'unsafe-inline': checked in chromium on every
    admin list, add, change, history, compare, revision and delete page, and
    while typing, formatting, opening the editor's menus and dialogs, the date
    and time pickers, select2 and the tag suggestions. Django's admin, select2
    and ProseMirror set styles only through CSSOM (`element.style.x = ...`),
    which CSP does not restrict.
    """

    admin_prefix = "/admin/"

    # sha256 of Tiptap's default stylesheet as shipped in django-prose-editor
    # 0.28's editor.js; an upgrade that changes it fails tests/core/test_csp_headers.py.
    tiptap_style_hash = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(self.admin_prefix):
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), self.importmap_hash()]
            update["style-src"] = [*update.get("style-src", []), self.tiptap_style_hash]
            parts.update = update
        return parts

    @staticmethod
    @functools.cache
    def importmap_hash():
        """The hash of the import map as the admin renders it. Computed, not
        written down: its URLs come from the static files storage and carry the
        file hashes of each deployment (fixed for the life of a process, so
        computed once, not on every admin request)."""
        (tag,) = prose_editor_admin_media.render_importmap()
        content = tag[tag.index(">") + 1 : tag.rindex("</script>")]
        digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
        return f"'sha256-{digest}'"
