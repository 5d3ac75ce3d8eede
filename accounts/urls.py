from django.urls import path

from . import privacy_views, unsubscribe, views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("delete/", privacy_views.delete_account, name="delete_account"),
    path("reminders/unsubscribe/<str:token>/", unsubscribe.reminders_unsubscribe, name="unsubscribe_reminders"),
    path("programme/unsubscribe/<str:token>/", unsubscribe.programme_unsubscribe, name="unsubscribe_programme"),
]
