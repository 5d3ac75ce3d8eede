from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from accounts import privacy_views
from accounts.views import set_language
from content import views as content_views
from core import health
from core.admin_view_on_site import view_on_site
from core.views import favicon

urlpatterns = [
    path("", include("series.urls_home")),
    path("series/", include("series.urls")),
    path("sessions/", include("sessions.urls")),
    path("hubs/<slug:slug>/manage/evaluations/", include("evaluation.hub_urls")),
    path("hubs/<slug:slug>/manage/reach/", include("reports.hub_urls")),
    path("hubs/", include("hubs.urls")),
    path("", include("enrollment.urls")),
    # My data sits beside My learning (/me/); its views belong to accounts.
    path("me/data/", privacy_views.my_data, name="my_data"),
    path("me/data/export/", privacy_views.request_data_export, name="data_export"),
    path("me/data/<str:token>/download/", privacy_views.download_data_export, name="data_download"),
    path("", include("outreach.urls")),
    path("", include("evaluation.urls")),
    path("", include("reports.urls")),
    path("certificates/", include("certificates.urls")),
    path("", include("cases.urls")),
    path("", include("content.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Before the admin's own: its view-on-site shortcut, scoped to the rows the admin shows the user.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="scoped_view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path(health.PATH, health.healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("contact/", TemplateView.as_view(template_name="pages/contact.html"), name="contact"),
    path("about/", content_views.about, name="about"),
]
