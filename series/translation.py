"""Series text staff write in English and French (django-modeltranslation adds title_en, title_fr…)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Accreditation, Series


@register(Series)
class SeriesTranslationOptions(TranslationOptions):
    fields = ("title", "short_name", "summary", "description", "audience_description", "key_distributor")
    # Neither language is required by the field: the series' own language is (Series.clean).
    required_languages = ()


@register(Accreditation)
class AccreditationTranslationOptions(TranslationOptions):
    # The bodies' own terms, as each language's document prints them ("Certified" / "Certifié").
    fields = ("credit_type", "category")
    required_languages = ()
