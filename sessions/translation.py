"""Session, presenter and material text in English and French (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Presenter, Resource, Session


@register(Session)
class SessionTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    # The series' language is the one required (Session.clean).
    required_languages = ()


@register(Presenter)
class PresenterTranslationOptions(TranslationOptions):
    fields = ("bio",)
    required_languages = ()


@register(Resource)
class ResourceTranslationOptions(TranslationOptions):
    fields = ("title", "text")
    required_languages = ()
