"""What the series admin offers about certificates: issuing in bulk, and each series' credits page.

`SeriesAdmin` lists `SeriesDocumentsMixin` among its bases: the "Issue certificates…" action and
the page at `<series>/credits/` (who qualifies and why not, their documents, the CSV of credits);
the documents themselves are in `certificates.admin`.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import admin_views, services
from .admin import issue_message


class SeriesDocumentsMixin:
    @admin.action(description=_("Issue certificates or statements to those who qualify"), permissions=["change"])
    def issue_documents(self, request, queryset):
        for series in queryset.order_by("title"):
            result = services.issue_for_series(series=series)
            self.message_user(request, f"{series.title}: {issue_message(result)}", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/credits/",
                self.admin_site.admin_view(self.credits_view),
                name="series_series_credits",
            ),
            *super().get_urls(),
        ]

    def credits_view(self, request, object_id):
        """Who qualifies and why not, their documents, issuing (staff who may change documents), the CSV."""
        series = self.get_object(request, object_id)
        if series is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_permission(request, series):
            raise PermissionDenied
        can_issue = request.user.has_perm("certificates.change_certificate")
        if request.method == "POST" and not can_issue:
            raise PermissionDenied
        return admin_views.series_credits(self, request, series, can_issue=can_issue)
