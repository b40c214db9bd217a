from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/<slug:slug>.<slug:ext>", views.download, name="download"),
    path("<int:pk>/", views.download, name="download_by_id"),
]
