"""Spreadsheet exports that stream, read right in Excel, and speak the viewer's language and time zone.

A streamed response is iterated after the view has returned, when the locale and time-zone
middleware have already unwound: a lazy column title, a `get_FOO_display()` or a
`timezone.localtime()` evaluated then would come out in the site's defaults (English, Toronto)
for a staff member in Vancouver working in French. So the language and the zone are read
when the response is built, and the rows are produced inside both again.

    return csv_response(filename="registrants.csv", header=[_("name"), _("date")], rows=rows)
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone, translation

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object csv.writer writes to; each row comes back as a string to stream."""

    def write(self, value: str) -> str:
        return value


def cell(value, *, zone=None) -> str:
    """Text for a spreadsheet: times in the viewer's zone, nothing a spreadsheet would run."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_response(*, filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A streamed UTF-8 CSV (with a byte-order mark so Excel reads accents right) that never fills memory."""
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    titles = [str(title) for title in header]
    writer = csv.writer(_Echo())

    def generate() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(titles)
        with translation.override(language), timezone.override(zone):
            for row in rows:
                yield writer.writerow([cell(value, zone=zone) for value in row])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
