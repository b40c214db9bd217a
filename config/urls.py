from django.contrib import admin
from django.urls import include, path

from articles.views import HomeView

admin.site.site_header = "杭州党史学习教育专题 · 内容管理"
admin.site.site_title = "内容管理"
admin.site.index_title = "稿件、城区与专题"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("articles.urls")),
    path("", include("districts.urls")),
    path("admin/", admin.site.urls),
]
