"""Admin forms and lists for text kept in English and French.

Forms show both fields and require neither: modeltranslation's admin requires the English field whenever the
model field was required, which would refuse a French-only series; the model's clean() says which language is
required (the series' own). Lists sort by the text shown (`core.i18n.localized`): modeltranslation would sort
a French list by the French column alone, leaving rows that have only English in no order.
"""

from django.db.models.expressions import OrderBy
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from .i18n import localized


class _BothLanguagesOptional:
    def patch_translation_field(self, db_field, field, request, **kwargs):
        super().patch_translation_field(db_field, field, request, **kwargs)
        if getattr(db_field, "translated_field", None) is not None:
            field.required = False


class BilingualAdmin(_BothLanguagesOptional, TranslationAdmin):
    def get_ordering(self, request):
        ordering = super().get_ordering(request) or self.model._meta.ordering
        translated = self.trans_opts.all_fields
        shown = []
        for name in ordering:
            if isinstance(name, str) and name.lstrip("-") in translated:
                expression = localized(name.lstrip("-"))
                shown.append(OrderBy(expression, descending=name.startswith("-")))
            else:
                shown.append(name)
        return shown


class BilingualTabularInline(_BothLanguagesOptional, TranslationTabularInline):
    pass


class BilingualStackedInline(_BothLanguagesOptional, TranslationStackedInline):
    pass
