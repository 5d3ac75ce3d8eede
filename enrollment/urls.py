from django.urls import path

from . import views

app_name = "enrollment"

urlpatterns = [
    path("me/", views.my_learning, name="my_learning"),
]
