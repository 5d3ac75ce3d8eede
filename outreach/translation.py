"""The mailing staff write twice, once per language (django-modeltranslation adds the _en and _fr columns)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Mailing


@register(Mailing)
class MailingTranslation(TranslationOptions):
    fields = ("subject", "body")
    # Both are required before sending (Mailing.is_complete); a draft may be saved half-written.
    required_languages = ()
