from django.urls import path

from . import views

app_name = "echo_sessions"

urlpatterns = [
    path("past/", views.past, name="past"),
    path("<int:pk>/", views.detail, name="detail"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
]
