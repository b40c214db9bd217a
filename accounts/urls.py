from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("verify/", views.verify, name="otp_verify"),
    path("setup/", views.setup, name="otp_setup"),
]
