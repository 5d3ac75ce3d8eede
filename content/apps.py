from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Pages, FAQ, newsletters and reports")

    def ready(self):
        from core.page_cache import invalidate_on_change

        from .models import FaqEntry, FaqTopic, Newsletter, Page, Report

        invalidate_on_change(FaqTopic, FaqEntry, Newsletter, Report, Page)
