"""The hub partner portal, included under /hubs/<slug>/manage/ in the `hubs:manage` namespace.

Every pattern here that takes an object id is walked by tests/hubs/test_isolation.py with another hub's
objects; adding one without covering it there fails that test.
"""

from django.urls import path

from . import manage_views as views

app_name = "manage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export, name="export"),
    path("spokes/", views.spoke_list, name="spokes"),
    path("spokes/new/", views.spoke_create, name="spoke_create"),
    path("spokes/<int:spoke_id>/edit/", views.spoke_edit, name="spoke_edit"),
    path("spokes/<int:spoke_id>/archive/", views.spoke_archive, name="spoke_archive"),
    path("spokes/<int:spoke_id>/unarchive/", views.spoke_unarchive, name="spoke_unarchive"),
    path("members/", views.member_list, name="members"),
    path("members/<int:member_id>/", views.member_detail, name="member_detail"),
    path("memberships/<int:membership_id>/approve/", views.membership_approve, name="membership_approve"),
    path("memberships/<int:membership_id>/decline/", views.membership_decline, name="membership_decline"),
    path("memberships/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"),
    path("invitations/new/", views.invite, name="invite"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
