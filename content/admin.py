from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import FaqEntry, FaqTopic, Newsletter, Page, Report


class FaqEntryInline(TranslationTabularInline):
    model = FaqEntry
    extra = 1
    fields = ["question", "answer", "position", "is_published"]


@admin.register(FaqTopic)
class FaqTopicAdmin(TranslationAdmin):
    list_display = ["title", "position"]
    list_editable = ["position"]
    inlines = [FaqEntryInline]


@admin.register(FaqEntry)
class FaqEntryAdmin(TranslationAdmin):
    list_display = ["question", "topic", "position", "is_published"]
    list_filter = ["topic", "is_published"]
    search_fields = ["question_en", "question_fr", "answer_en", "answer_fr"]


class ArchivedDocumentAdmin(TranslationAdmin):
    list_display = ["title", "published_on", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title_en", "title_fr"]
    prepopulated_fields = {"slug": ["title_en"]}
    date_hierarchy = "published_on"


@admin.register(Newsletter)
class NewsletterAdmin(ArchivedDocumentAdmin):
    pass


@admin.register(Report)
class ReportAdmin(ArchivedDocumentAdmin):
    list_display = ["title", "period", "published_on", "is_published"]


@admin.register(Page)
class PageAdmin(TranslationAdmin):
    list_display = ["__str__", "title", "updated_at"]

    def has_add_permission(self, request):
        # Each page has its fixed place on the site; staff edit them.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
