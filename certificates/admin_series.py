"""What the series admin offers about certificates: issuing them in bulk for the selected series.

`SeriesAdmin` lists `SeriesDocumentsMixin` among its bases; the documents themselves are in
`certificates.admin`.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .admin import issue_message


class SeriesDocumentsMixin:
    @admin.action(description=_("Issue certificates or statements to those who qualify"), permissions=["change"])
    def issue_documents(self, request, queryset):
        for series in queryset.order_by("title"):
            result = services.issue_for_series(series=series)
            self.message_user(request, f"{series.title}: {issue_message(result)}", messages.SUCCESS)
