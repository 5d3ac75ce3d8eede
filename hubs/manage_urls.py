"""The hub partner portal, included under /hubs/<slug>/manage/ in the `hubs:manage` namespace.

Every pattern here that takes an object id is walked by tests/hubs/test_isolation.py with another hub's
objects; adding one without covering it there fails that test.
"""

from django.urls import path

from .manage_views import dashboard, export, invitations, join_requests, members, series_invitations, spokes

app_name = "manage"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export.csv", export.export, name="export"),
    path("spokes/", spokes.spoke_list, name="spokes"),
    path("spokes/new/", spokes.spoke_create, name="spoke_create"),
    path("spokes/<int:spoke_id>/edit/", spokes.spoke_edit, name="spoke_edit"),
    path("spokes/<int:spoke_id>/archive/", spokes.spoke_archive, name="spoke_archive"),
    path("spokes/<int:spoke_id>/unarchive/", spokes.spoke_unarchive, name="spoke_unarchive"),
    path("members/", members.member_list, name="members"),
    path("members/<int:member_id>/", members.member_detail, name="member_detail"),
    path("memberships/<int:membership_id>/approve/", members.membership_approve, name="membership_approve"),
    path("memberships/<int:membership_id>/decline/", members.membership_decline, name="membership_decline"),
    path("memberships/<int:membership_id>/remove/", members.membership_remove, name="membership_remove"),
    path("series-requests/", join_requests.join_requests, name="join_requests"),
    path("series-requests/decide/", join_requests.join_requests_decide, name="join_requests_decide"),
    path("invitations/new/", invitations.invite, name="invite"),
    path("invitations/<int:invitation_id>/revoke/", invitations.invitation_revoke, name="invitation_revoke"),
    path("invitation-only/", series_invitations.series_list, name="invitation_series"),
    path("invitation-only/<int:series_id>/", series_invitations.series_invitations, name="series_invitations"),
    path(
        "invitation-only/<int:series_id>/send-again/",
        series_invitations.series_invitations_resend,
        name="series_invitations_resend",
    ),
    path(
        "invitation-only/<int:series_id>/invitations.csv",
        series_invitations.series_invitations_export,
        name="series_invitations_export",
    ),
]
