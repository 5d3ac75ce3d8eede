from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("partners/interest/", views.partner_interest, name="partner_interest"),
    path("partners/interest/thanks/", views.partner_interest_thanks, name="partner_interest_thanks"),
    path("stay-connected/", views.stay_connected, name="stay_connected"),
    path("stay-connected/check-your-email/", views.stay_connected_check_email, name="stay_connected_check_email"),
    path("stay-connected/confirm/<str:token>/", views.confirm, name="confirm"),
    path("stay-connected/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("stay-connected/profile/join/", views.profile_join, name="profile_join"),
    path("stay-connected/profile/leave/", views.profile_leave, name="profile_leave"),
]
