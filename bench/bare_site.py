"""The bare-Django baseline for bench/http_bench.py: the site's settings and
middleware, but one URL whose view returns a small fixed response.

Used as both the settings module and the URLconf (DJANGO_SETTINGS_MODULE=
bench.bare_site). Its req/s is the ceiling the site's pages are compared with:
what gunicorn, WSGI and the middleware stack cost before any view does work.
The page cache is left out: the baseline is a view that is built every time,
through every other middleware.
"""

from django.http import HttpResponse
from django.urls import path

from bench.http_settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_site"
MIDDLEWARE = [m for m in MIDDLEWARE if m != "core.pagecache.middleware.PageCacheMiddleware"]  # noqa: F405
PAGE_CACHE_SECONDS = 0


def bare(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", bare)]
