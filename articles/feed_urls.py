from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("articles.rss", feeds.ArticleFeed(), name="articles_rss"),
    path("articles.atom", feeds.AtomArticleFeed(), name="articles_atom"),
    path("districts/<slug:slug>.rss", feeds.DistrictRssFeed(), name="district_rss"),
    path("districts/<slug:slug>.atom", feeds.DistrictAtomFeed(), name="district_atom"),
    path("tags/<slug:slug>.rss", feeds.TagRssFeed(), name="tag_rss"),
    path("tags/<slug:slug>.atom", feeds.TagAtomFeed(), name="tag_atom"),
]
