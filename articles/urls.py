from django.urls import path

from . import beacon, views

app_name = "articles"

urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("preview/articles/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path("visits/<int:pk>/", beacon.visit_beacon, name="article_visit"),
    path("tags/", views.TagIndexView.as_view(), name="tag_index"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
]
