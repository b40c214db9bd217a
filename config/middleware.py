from django.conf import settings

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
