"""How the portal writes dates, times and staff-entered HTML, in English and in French.

Session times are stored in UTC and always shown in the active time zone (the
viewer's, Eastern Time by default) with the zone named, because a learner in
St. John's or Vancouver must not have to convert "12:00" in their head:

    Thursday, March 10, 2022, 12:00 – 1:00 p.m. ET
    jeudi 10 mars 2022, 12 h 00 à 13 h 00 HE

A viewer whose clock differs from Eastern Time also reads the time the programme announces,
in brackets, so what they see matches the emails and newsletters colleagues forward:

    Thursday, March 10, 2022, 9:00 – 10:00 a.m. PT (12:00 p.m. ET)

The functions are plain Python so services, views, emails and tests can call them;
`core/templatetags/echo_format.py` wraps them as template filters, as Django's `date`
filter wraps `formats.date_format`.
"""

import datetime as dt
import re
import unicodedata
import zoneinfo
from decimal import Decimal

import nh3
from django.conf import settings
from django.utils import dateformat, formats, timezone, translation
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext, pgettext

# Abbreviations zoneinfo gives for Canadian (and US) zones, by the zone family they belong to.
_ZONE_FAMILIES = {
    "NST": "NT",
    "NDT": "NT",
    "AST": "AT",
    "ADT": "AT",
    "EST": "ET",
    "EDT": "ET",
    "CST": "CT",
    "CDT": "CT",
    "MST": "MT",
    "MDT": "MT",
    "PST": "PT",
    "PDT": "PT",
}


def _zone_label(family: str) -> str:
    labels = {
        "NT": pgettext("time zone abbreviation", "NT"),
        "AT": pgettext("time zone abbreviation", "AT"),
        "ET": pgettext("time zone abbreviation", "ET"),
        "CT": pgettext("time zone abbreviation", "CT"),
        "MT": pgettext("time zone abbreviation", "MT"),
        "PT": pgettext("time zone abbreviation", "PT"),
    }
    return labels[family]


def _is_french() -> bool:
    return (translation.get_language() or "en").lower().startswith("fr")


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _abbreviation(aware: dt.datetime) -> str:
    name = aware.tzname() or ""
    family = _ZONE_FAMILIES.get(name)
    return _zone_label(family) if family else name


def zone_abbreviation(value: dt.datetime) -> str:
    """ "ET", "PT", "NT"… in English, "HE", "HP", "HT"… in French; the zone's own name elsewhere in the world."""
    return _abbreviation(_local(value))


def _programme_zone() -> zoneinfo.ZoneInfo:
    """The zone the programme announces its times in (Eastern Time): what signed-out visitors see."""
    return zoneinfo.ZoneInfo(settings.DEFAULT_VIEWER_TIME_ZONE)


def programme_time(value: dt.datetime) -> str:
    """ "12:00 p.m. ET" when the viewer's clock differs from the programme's at that moment, else "".

    A clinician in Vancouver reads their own time first, and the time the programme, its emails and
    its colleagues announce in brackets after it.
    """
    if not timezone.is_aware(value):
        return ""
    local = _local(value)
    announced = value.astimezone(_programme_zone())
    if local.utcoffset() == announced.utcoffset():
        return ""
    clock = _clock_fr(announced) if _is_french() else _clock_en(announced, with_meridiem=True)
    return f"{clock} {_abbreviation(announced)}"


def _with_programme_time(text: str, value: dt.datetime) -> str:
    announced = programme_time(value)
    return f"{text} ({announced})" if announced else text


def _clock_fr(value: dt.datetime) -> str:
    return f"{value.hour} h {value.minute:02d}"


def _clock_en(value: dt.datetime, *, with_meridiem: bool) -> str:
    hour = value.hour % 12 or 12
    text = f"{hour}:{value.minute:02d}"
    if with_meridiem:
        text += " a.m." if value.hour < 12 else " p.m."
    return text


def _first_of_month(value: dt.date, pattern: str) -> str:
    """French writes the first of the month as an ordinal: "1er décembre"."""
    if _is_french() and value.day == 1:
        return pattern.replace("j", "j\\e\\r", 1)
    return pattern


def format_date(value: dt.datetime | dt.date) -> str:
    """ "Thursday, March 10, 2022" / "jeudi 10 mars 2022"."""
    if isinstance(value, dt.datetime):
        value = _local(value)
    return dateformat.format(value, _first_of_month(value, pgettext("long date with weekday", "l, F j, Y")))


def format_written_date(value: dt.datetime | dt.date | None, pattern: str = "DATE_FORMAT") -> str:
    """What Django's `date` filter writes for a named format ("DATE_FORMAT") or a pattern, in the active time
    zone, with the first of the month as French writes it: "1er décembre 2026", not "1 décembre 2026"."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value)
    return dateformat.format(value, _first_of_month(value, formats.get_format(pattern)))


def format_day_month_year(value: dt.datetime | dt.date) -> str:
    """ "December 2, 2025" / "2 décembre 2025": how the portal writes a date in a sentence and in a date field."""
    if isinstance(value, dt.datetime):
        value = _local(value)
    return dateformat.format(value, _first_of_month(value, pgettext("date without weekday", "F j, Y")))


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c)).rstrip(".")


def _month_numbers() -> dict[str, int]:
    """Month names and abbreviations in every language of the site ("december", "dec", "decembre", "dec")."""
    from django.conf import settings
    from django.utils.dates import MONTHS, MONTHS_3, MONTHS_AP

    names: dict[str, int] = {}
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            for table in (MONTHS, MONTHS_3, MONTHS_AP):
                for number, name in table.items():
                    names.setdefault(_plain(str(name)), number)
    return names


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_PARTS = re.compile(r"\d+(?:er)?|[^\W\d_]+\.?")


def parse_written_date(text: str) -> dt.date | None:
    """A date as people write it in English or French, or None: "2025-12-02", "December 2, 2025", "Dec 2 2025",
    "2 décembre 2025", "1er déc. 2025". All-numeric dates other than year-month-day are refused, since
    "02/12/2025" means one day in Montréal and another in Toronto."""
    cleaned = " ".join((text or "").split()).lower()
    iso = _ISO_DATE.fullmatch(cleaned)
    parts = [int(group) for group in iso.groups()] if iso else None
    if parts is None:
        tokens = _DATE_PARTS.findall(cleaned)
        if "".join(tokens).replace(".", "") != re.sub(r"[\s,.]", "", cleaned):
            return None  # something else in it: slashes, stray symbols
        words = [token for token in tokens if not token[0].isdigit()]
        numbers = [int(token.removesuffix("er")) for token in tokens if token[0].isdigit()]
        month = _month_numbers().get(_plain(words[0])) if len(words) == 1 else None
        if month is None or len(numbers) != 2:
            return None
        year, day = (numbers[1], numbers[0]) if numbers[1] >= 1000 else (numbers[0], numbers[1])
        parts = [year, month, day]
    if parts[0] < 1000:
        return None
    try:
        return dt.date(*parts)
    except ValueError:
        return None


def format_day_month(value: dt.datetime | dt.date) -> str:
    """ "March 3" / "3 mars", with the year when it is not this year ("March 3, 2027" / "3 mars 2027")."""
    if isinstance(value, dt.datetime):
        value = _local(value)
    if value.year == timezone.localdate().year:
        return dateformat.format(value, _first_of_month(value, pgettext("day and month", "F j")))
    return dateformat.format(value, _first_of_month(value, pgettext("day, month and year", "F j, Y")))


def format_time(value: dt.datetime) -> str:
    """ "12:30 p.m. ET" / "12 h 30 HE"."""
    local = _local(value)
    clock = _clock_fr(local) if _is_french() else _clock_en(local, with_meridiem=True)
    return _with_programme_time(f"{clock} {_abbreviation(local)}", value)


def format_time_range(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """ "12:00 – 1:00 p.m. ET" / "12 h 00 à 13 h 00 HE" (the end's date too when it falls on another day)."""
    start, end = _local(starts_at), _local(ends_at)
    zone = _abbreviation(end)
    if _is_french():
        end_text = _clock_fr(end)
        if end.date() != start.date():
            end_text = f"{format_date(end)}, {end_text}"
        return _with_programme_time(f"{_clock_fr(start)} à {end_text} {zone}", starts_at)
    same_half = (start.hour < 12) == (end.hour < 12) and end.date() == start.date()
    start_text = _clock_en(start, with_meridiem=not same_half)
    end_text = _clock_en(end, with_meridiem=True)
    if end.date() != start.date():
        end_text = f"{format_date(end)}, {end_text}"
    return _with_programme_time(f"{start_text} – {end_text} {zone}", starts_at)


def format_session_when(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """ "Thursday, March 10, 2022, 12:00 – 1:00 p.m. ET" / "jeudi 10 mars 2022, 12 h 00 à 13 h 00 HE"."""
    return f"{format_date(starts_at)}, {format_time_range(starts_at, ends_at)}"


def format_credits(value: Decimal | int | float | None) -> str:
    """ "1 credit", "1.5 credits", "12 credits"; empty when there are none."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value)).normalize()
    if number <= 0:
        return ""
    shown = f"{number:f}"
    if _is_french():
        shown = shown.replace(".", ",")
    # English says "1.5 credits"; French keeps the singular below two ("1,5 crédit").
    count = int(number) if number == number.to_integral_value() or _is_french() else 2
    return ngettext("%(credits)s credit", "%(credits)s credits", count) % {"credits": shown}


# Staff write series descriptions in the admin: keep structure and links, drop everything that could run.
_ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "i",
    "li",
    "ol",
    "p",
    "strong",
    "ul",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


def sanitize_html(value: str) -> SafeString:
    cleaned = nh3.clean(
        value or "",
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just removed every tag and attribute not listed above


_BLOCK_TAG = re.compile(r"<(p|h[2-4]|ul|ol|blockquote)[\s>]", re.IGNORECASE)


def prose_html(value: str) -> SafeString:
    """Text staff wrote: paragraphs separated by blank lines become <p> (unless the text lays out its own paragraphs
    in HTML); links and emphasis are kept as far as sanitize_html allows."""
    text = value or ""
    if not _BLOCK_TAG.search(text):
        text = linebreaks(text)
    return sanitize_html(text)
