"""A hub's evaluation results, under /hubs/<slug>/manage/evaluations/ (scoped through hubs.scoping)."""

from django.urls import path

from . import views

app_name = "evaluation_hub"

urlpatterns = [
    path("", views.hub_index, name="index"),
    path("series/<int:series_id>/", views.hub_series, name="series"),
    path("series/<int:series_id>/responses.csv", views.hub_series_csv, name="series_csv"),
    path("sessions/<int:session_id>/", views.hub_session, name="session"),
    path("sessions/<int:session_id>/responses.csv", views.hub_session_csv, name="session_csv"),
]
