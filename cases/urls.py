from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("sessions/<int:session_id>/cases/", views.session_cases, name="session_cases"),
    path("sessions/<int:session_id>/cases/invite/", views.invite, name="invite"),
    path("sessions/<int:session_id>/cases/offer/", views.offer, name="offer"),
    path("cases/", views.panel_home, name="panel_home"),
    path("cases/<int:pk>/", views.detail, name="detail"),
    path("cases/<int:pk>/edit/", views.edit, name="edit"),
    path("cases/<int:pk>/submit/", views.submit, name="submit"),
    path("cases/<int:pk>/offer/", views.answer_offer, name="answer_offer"),
    path("cases/<int:pk>/review/", views.review, name="review"),
    path("cases/<int:pk>/recommendations/", views.recommendations, name="recommendations"),
    path("cases/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("cases/<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
