"""Text stored once per language (django-modeltranslation's title_en, title_fr): labels and copies."""

from typing import Any

from django.conf import settings
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language, get_language_info


def localized_verbose_name(verbose_name: str, language: str) -> str:
    """ "title (English)", "titre (français)": each language named in itself, as on the language switch."""
    return f"{verbose_name} ({get_language_info(language)['name_local']})"


def field_in(name: str, language: str) -> str:
    """The column that holds `name` in `language`: field_in("title", "fr") == "title_fr".

    The settings import this module, so it spells modeltranslation's naming rule rather than importing
    modeltranslation (whose settings would then be read before ours exist)."""
    return f"{name}_{language.replace('-', '_')}"


def every_language(instance: Any, *names: str) -> dict[str, Any]:
    """Each named field's value in every language, for copying an object without losing a translation."""
    return {
        field_in(name, code): getattr(instance, field_in(name, code))
        for name in names
        for code, _label in settings.LANGUAGES
    }


def localized(name: str, *, through: str = "") -> Coalesce:
    """A query expression for `name` in the active language, else the other one (sorting and subqueries).

    modeltranslation rewrites `order_by("title")` to `title_fr` alone, which in French would put every
    English-only row in no particular order; this sorts and selects what the page shows.
    """
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    codes = [current] + [code for code, _label in settings.LANGUAGES if code != current]
    prefix = f"{through}__" if through else ""
    return Coalesce(*(NullIf(F(prefix + field_in(name, code)), Value("")) for code in codes), output_field=TextField())


def contains_in_any_language(name: str, text: str, *, through: str = "") -> Q:
    """Rows whose `name` holds `text` (any case) in any language.

    modeltranslation rewrites `title__icontains` to the active language's column alone, so a French visitor's search
    never looked at the English title a row without a French one shows them in its place."""
    prefix = f"{through}__" if through else ""
    matches = Q()
    for code, _label in settings.LANGUAGES:
        matches |= Q(**{f"{prefix}{field_in(name, code)}__icontains": text})
    return matches
