"""The site's URLs mounted under /zh/, to check that the early beacon follows
the route the URLconf gives it, not a fixed path."""

from django.urls import include, path

urlpatterns = [path("zh/", include("config.urls"))]
