from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeriesConfig(AppConfig):
    name = "series"
    verbose_name = _("Programs")

    def ready(self):
        from core.page_cache import invalidate_on_change

        from .models import Accreditation, Series

        # Public pages show these rows: any change drops the cached copies.
        invalidate_on_change(Series, Accreditation)
