"""Vocabularies that describe a clinician; series use them to name their audience."""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class Profession(models.TextChoices):
    PHYSICIAN = "physician", _("Physician")
    NURSE_PRACTITIONER = "nurse_practitioner", _("Nurse practitioner")
    REGISTERED_NURSE = "registered_nurse", _("Registered nurse")
    REGISTERED_PRACTICAL_NURSE = "registered_practical_nurse", _("Registered practical nurse")
    PSW = "psw", _("Personal support worker / health care aide")
    PARAMEDIC = "paramedic", _("Paramedic")
    PHARMACIST = "pharmacist", _("Pharmacist")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SPIRITUAL_CARE = "spiritual_care", _("Spiritual care provider")
    ALLIED_HEALTH = "allied_health", _("Other allied health")
    ADMINISTRATOR = "administrator", _("Administrator or system leader")
    COMMUNITY_LEADER = "community_leader", _("Community leader")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class PracticeSetting(models.TextChoices):
    PRIMARY_CARE = "primary_care", _("Primary care / family health team")
    LONG_TERM_CARE = "long_term_care", _("Long-term care")
    HOME_COMMUNITY = "home_community", _("Home and community care")
    HOSPITAL_INPATIENT = "hospital_inpatient", _("Hospital in-patient")
    AMBULATORY = "ambulatory", _("Ambulatory clinic")
    HOSPICE = "hospice", _("Hospice or palliative care unit")
    PARAMEDIC = "paramedic", _("Paramedic services")
    OTHER = "other", _("Other")


class Province(models.TextChoices):
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


def provinces_in_reading_order() -> list[tuple[str, str]]:
    """The provinces and territories in the alphabetical order of the reader's language: in French « Québec » comes
    after « Nunavut » and « Île-du-Prince-Édouard » among the I's (accents folded as a dictionary sorts)."""

    def folded(label: str) -> str:
        return unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()

    return sorted(((code, str(label)) for code, label in Province.choices), key=lambda choice: folded(choice[1]))


def provinces_reordered(choices) -> list[tuple[str, str]]:
    """A province field's `choices` (a model form's, say) with its blank choice kept first and the provinces and
    territories in the reader's order."""
    return [*(choice for choice in choices if choice[0] == ""), *provinces_in_reading_order()]


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class TimeZone(models.TextChoices):
    NEWFOUNDLAND = "America/St_Johns", _("Newfoundland Time")
    ATLANTIC = "America/Halifax", _("Atlantic Time")
    EASTERN = "America/Toronto", _("Eastern Time")
    CENTRAL = "America/Winnipeg", _("Central Time")
    SASKATCHEWAN = "America/Regina", _("Central Time (Saskatchewan, no daylight saving)")
    MOUNTAIN = "America/Edmonton", _("Mountain Time")
    YUKON = "America/Whitehorse", _("Yukon Time")
    PACIFIC = "America/Vancouver", _("Pacific Time")


PROVINCE_TIME_ZONES = {
    Province.NL: TimeZone.NEWFOUNDLAND,
    Province.NS: TimeZone.ATLANTIC,
    Province.NB: TimeZone.ATLANTIC,
    Province.PE: TimeZone.ATLANTIC,
    Province.QC: TimeZone.EASTERN,
    Province.ON: TimeZone.EASTERN,
    Province.NU: TimeZone.EASTERN,
    Province.MB: TimeZone.CENTRAL,
    Province.SK: TimeZone.SASKATCHEWAN,
    Province.AB: TimeZone.MOUNTAIN,
    Province.NT: TimeZone.MOUNTAIN,
    Province.YT: TimeZone.YUKON,
    Province.BC: TimeZone.PACIFIC,
}


def time_zone_for_province(province: str) -> str:
    return PROVINCE_TIME_ZONES.get(province, TimeZone.EASTERN).value
