from django.urls import path

from . import views

app_name = "hubs"

urlpatterns = [
    path("", views.hub_list, name="list"),
    path("<slug:slug>/", views.detail, name="detail"),
]
