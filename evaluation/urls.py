from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("evaluation/thanks/", views.thanks, name="thanks"),
    path("evaluation/sessions/<int:session_id>/", views.answer_signed_in, name="answer_signed_in"),
    path("evaluation/<str:token>/", views.answer, name="answer"),
    path("staff/evaluations/", views.staff_index, name="staff_index"),
    path("staff/evaluations/series/<int:series_id>/", views.staff_series, name="staff_series"),
    path("staff/evaluations/series/<int:series_id>/responses.csv", views.staff_series_csv, name="staff_series_csv"),
    path("staff/evaluations/sessions/<int:session_id>/", views.staff_session, name="staff_session"),
    path(
        "staff/evaluations/sessions/<int:session_id>/responses.csv",
        views.staff_session_csv,
        name="staff_session_csv",
    ),
]
