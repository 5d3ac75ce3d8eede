"""Admin forms for text kept in English and French: both fields shown, neither required by the form.

modeltranslation's admin requires the English field whenever the model field was required, which would
refuse a French-only series. The model's clean() says which language is required (the series' own).
"""

from modeltranslation.admin import TranslationAdmin, TranslationTabularInline


class _BothLanguagesOptional:
    def patch_translation_field(self, db_field, field, request, **kwargs):
        super().patch_translation_field(db_field, field, request, **kwargs)
        if getattr(db_field, "translated_field", None) is not None:
            field.required = False


class BilingualAdmin(_BothLanguagesOptional, TranslationAdmin):
    pass


class BilingualTabularInline(_BothLanguagesOptional, TranslationTabularInline):
    pass
