from django.urls import include, path

from . import membership_views, views

app_name = "hubs"

urlpatterns = [
    path("", views.hub_list, name="list"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("invitations/<str:token>/", membership_views.invitation, name="invitation"),
    path("spokes/mine/", membership_views.my_spokes, name="my_spokes"),
    path("<slug:slug>/join/", membership_views.join, name="join"),
    path("<slug:slug>/manage/", include("hubs.manage_urls")),
]
