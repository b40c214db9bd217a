from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles.views import HomeView

admin.site.site_header = f"{settings.SITE_NAME} · 内容管理"
admin.site.site_title = f"{settings.SITE_NAME} 内容管理"
admin.site.index_title = "稿件、城区与专题"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("articles.urls")),
    path("", include("districts.urls")),
    path("admin/", admin.site.urls),
]
