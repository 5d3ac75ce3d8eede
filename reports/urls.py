from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("staff/reach/", views.dashboard, name="dashboard"),
    path("staff/reach/report/", views.report, name="report"),
    path("staff/reach/report.pdf", views.report_pdf, name="report_pdf"),
    path("staff/reach/<slug:key>.csv", views.table_csv, name="table_csv"),
]
