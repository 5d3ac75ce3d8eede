"""The content staff write twice, once per language (django-modeltranslation adds the _en and _fr columns)."""

from modeltranslation.translator import TranslationOptions, register

from .models import FaqEntry, FaqTopic, Newsletter, Page, Report


@register(FaqTopic)
class FaqTopicTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("en",)


@register(FaqEntry)
class FaqEntryTranslation(TranslationOptions):
    fields = ("question", "answer")
    required_languages = ("en",)


@register(Newsletter)
class NewsletterTranslation(TranslationOptions):
    fields = ("title", "summary", "body", "pdf")
    required_languages = ("en",)


@register(Report)
class ReportTranslation(TranslationOptions):
    fields = ("title", "period", "summary", "body", "pdf")
    required_languages = ("en",)


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("en",)
