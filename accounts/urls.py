from django.urls import path

from . import unsubscribe, views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("reminders/unsubscribe/<str:token>/", unsubscribe.reminders_unsubscribe, name="unsubscribe_reminders"),
    path("programme/unsubscribe/<str:token>/", unsubscribe.programme_unsubscribe, name="unsubscribe_programme"),
]
