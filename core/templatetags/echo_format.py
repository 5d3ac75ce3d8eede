"""Template filters over `core.formatting`: {% load echo_format %} in any template."""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

from core.formatting import (
    format_credits,
    format_date,
    format_day_month,
    format_day_month_year,
    format_session_when,
    format_time,
    format_time_range,
    format_written_date,
    programme_time,
    prose_html,
    sanitize_html,
)

register = template.Library()


@register.filter
def session_when(session) -> str:
    """{{ session|session_when }}: the full date and time range of a session."""
    return format_session_when(session.starts_at, session.ends_at)


@register.filter
def time_range(session) -> str:
    """{{ session|time_range }}: "12:00 – 1:00 p.m. ET", for lists already grouped by day."""
    return format_time_range(session.starts_at, session.ends_at)


@register.filter
def long_date(value) -> str:
    """{{ value|long_date }}: "Thursday, March 10, 2022" in the active time zone."""
    return format_date(value) if value else ""


@register.filter
def written_date(value, pattern="DATE_FORMAT") -> str:
    """{{ value|written_date:"DATE_FORMAT" }}: Django's `date` filter, with "1er décembre" in French."""
    return format_written_date(value, pattern)


@register.filter
def day_month(value) -> str:
    """{{ value|day_month }}: "March 3" / "3 mars"."""
    return format_day_month(value) if value else ""


@register.filter
def day_month_year(value) -> str:
    """{{ value|day_month_year }}: "December 2, 2025" / "2 décembre 2025", as date fields show it too."""
    return format_day_month_year(value) if value else ""


@register.filter
def clock(value) -> str:
    """{{ value|clock }}: "12:30 p.m. ET"."""
    return format_time(value) if value else ""


@register.filter(name="programme_time")
def programme_time_filter(value) -> str:
    """{{ value|programme_time }}: "12:00 p.m. ET" when the active zone's clock differs from Eastern Time, else ""."""
    return programme_time(value) if value else ""


@register.filter
def credits(value) -> str:
    """{{ value|credits }}: "1 credit", "1.5 credits"."""
    return format_credits(value)


@register.filter
def sanitize(value) -> SafeString:
    """{{ series.description|sanitize }}: staff-entered HTML with only harmless tags kept."""
    return sanitize_html(str(value) if value is not None else "")


@register.filter
def prose(value) -> SafeString:
    """{{ entry.answer|prose }}: staff-written text, paragraphs from blank lines, only harmless HTML kept."""
    return prose_html(str(value) if value is not None else "")


@register.simple_tag
def colon() -> str:
    """{{ label }}{% colon %} {{ value }}: the colon after a label as the language writes it (French puts a
    non-breaking space before it, so "Foyer de soins de longue durée : 2" never breaks before the colon)."""
    return pgettext("the colon that follows a label", ":")
