from django.urls import path

from . import views

app_name = "website"

urlpatterns = [
    path("campaigns/<slug:slug>/", views.CampaignReportView.as_view(), name="campaign_report"),
    path("districts/", views.DistrictListView.as_view(), name="district_list"),
    path("districts/<slug:slug>/", views.DistrictDetailView.as_view(), name="district_detail"),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path(
        "preview/programmes/<int:pk>/",
        views.ProgrammePreviewView.as_view(),
        name="programme_preview",
    ),
    path(
        "preview/campaigns/<int:pk>/",
        views.CampaignReportPreviewView.as_view(),
        name="campaign_preview",
    ),
]
