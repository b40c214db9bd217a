"""The site's URLs with the document downloads, until config/urls.py includes them."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("files/", include("documents.urls")), *site_urlpatterns]
