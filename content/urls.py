from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("faq/", views.faq, name="faq"),
    path("newsletters/", views.newsletters, name="newsletters"),
    path("newsletters/<slug:slug>/", views.newsletter, name="newsletter"),
    path("reports/", views.reports, name="reports"),
    path("reports/<slug:slug>/", views.report, name="report"),
]
