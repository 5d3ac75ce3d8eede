from django.urls import path

from . import feeds, invitation_views, join_views, views

app_name = "enrollment"

urlpatterns = [
    path("me/", views.my_learning, name="my_learning"),
    path("me/mainpro/", views.mainpro_summary, name="mainpro_summary"),
    path("me/mainpro.csv", views.mainpro_csv, name="mainpro_csv"),
    path("me/calendar/<str:token>.ics", feeds.personal_feed, name="calendar_feed"),
    path("me/calendar/regenerate/", feeds.regenerate_token, name="calendar_feed_regenerate"),
    path("series/<slug:slug>/calendar.ics", feeds.series_feed, name="series_calendar_feed"),
    path("me/registrations/<int:pk>/cancel/", views.cancel_registration, name="cancel_registration"),
    path("me/series/<slug:slug>/leave/", views.leave_series, name="leave_series"),
    path("enroll/", views.enroll_by_key, name="enroll_by_key"),
    path("invitations/series/<str:token>/", invitation_views.series_invitation, name="series_invitation"),
    # Series-scoped pages: /series/<slug>/ itself belongs to the catalog, which matches one segment only.
    path("series/<slug:slug>/enroll/", views.enroll, name="enroll"),
    path("series/<slug:slug>/register/", views.register, name="register"),
    path("series/<slug:slug>/register/done/", views.registered, name="registered"),
    path("series/<slug:slug>/ask/", join_views.ask_to_join, name="ask_to_join"),
    path("series/<slug:slug>/ask/withdraw/", join_views.withdraw_join_request, name="withdraw_join_request"),
]
