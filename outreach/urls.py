from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("partners/interest/", views.partner_interest, name="partner_interest"),
    path("partners/interest/thanks/", views.partner_interest_thanks, name="partner_interest_thanks"),
]
