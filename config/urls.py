from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView
from js_asset import static_lazy

from search.views import SearchView, search_json
from website.sitemaps import SITEMAPS
from website.views import HomeView, robots_txt

admin.site.site_header = f"{settings.SITE_NAME} · 内容管理"
admin.site.site_title = f"{settings.SITE_NAME} 内容管理"
admin.site.index_title = "稿件、城区与专题"


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("articles.urls")),
    path("", include("website.urls")),
    path("search/", SearchView.as_view(), name="search"),
    path("search.json", search_json, name="search_json"),
    path("api/v1/", include("api.urls")),
    path("feeds/", include("articles.feed_urls")),
    path("files/", include("documents.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico on their own; the file is a static one (hashed name).
    path("favicon.ico", RedirectView.as_view(url=static_lazy("favicon.ico")), name="favicon"),
    # Before the admin's own URLs, which would take any path under admin/.
    path("admin/2fa/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

# Uploaded files, under DEBUG only (static() adds nothing otherwise, or when
# MEDIA_URL is a full URL): in production nginx serves MEDIA_ROOT
# (deploy/nginx.conf), or the object store serves the files itself.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
