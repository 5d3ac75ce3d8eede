from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("<str:number>/", views.verify, name="verify"),
    path("<str:number>/download/", views.download, name="download"),
]
