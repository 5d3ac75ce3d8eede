"""Hub text in English and French (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Hub


@register(Hub)
class HubTranslationOptions(TranslationOptions):
    fields = ("name", "region", "description")
    required_languages = ()
