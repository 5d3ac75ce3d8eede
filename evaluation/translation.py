"""Text staff write in English and French (django-modeltranslation adds title_en, title_fr, …)."""

from modeltranslation.translator import TranslationOptions, register

from .models import EvaluationForm, Question


@register(EvaluationForm)
class EvaluationFormTranslation(TranslationOptions):
    fields = ("title", "introduction")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")
