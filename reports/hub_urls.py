"""A hub's own reach and semi-annual report, under /hubs/<slug>/manage/reach/ (scoped through hubs.scoping)."""

from django.urls import path

from . import views

app_name = "reports_hub"

urlpatterns = [
    path("", views.hub_dashboard, name="dashboard"),
    path("report/", views.hub_report, name="report"),
    path("report.pdf", views.hub_report_pdf, name="report_pdf"),
    path("<slug:key>.csv", views.hub_table_csv, name="table_csv"),
]
