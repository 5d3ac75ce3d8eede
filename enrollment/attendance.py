"""Reading the participant report a video platform exports (Zoom's "Participants" CSV) into (email, minutes).

Only the parsing lives here; `enrollment.services.record_attendance` decides what the rows change.

Zoom's export may start with a meeting summary (whose own header also has "User Email" and
"Duration (Minutes)", for the host) before a blank line and the participants table, so the
participants are the rows after the last header line.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

EMAIL_HEADERS = ("user email", "email", "email address")
MINUTES_HEADERS = ("duration (minutes)", "total duration (minutes)", "minutes", "duration")


class ParticipantReportError(ValueError):
    """The file is not a participant report we can read; ``message`` says why, in the staff member's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _normalized(cell: str) -> str:
    return " ".join(cell.strip().lower().split())


def _column(cells: list[str], names: tuple[str, ...]) -> int | None:
    normalized = [_normalized(cell) for cell in cells]
    for name in names:  # in order of preference: "Duration (Minutes)" before a bare "Duration"
        if name in normalized:
            return normalized.index(name)
    return None


def _minutes(raw: str, *, line: int) -> int:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise ParticipantReportError(
            _("Line %(line)d: “%(value)s” is not a number of minutes.") % {"line": line, "value": raw.strip()}
        )
    return int(value.to_integral_value())


def parse_participant_report(file_bytes: bytes) -> list[tuple[str, int]]:
    """Each participant's email (trimmed, lower case) and total minutes, rejoins summed, in order of first appearance.

    Rows without an email (guests who did not sign in) cannot be matched to anyone and are left out.
    Raises ParticipantReportError for anything that is not a readable report.
    """
    try:
        text = file_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParticipantReportError(
            _("The file is not UTF-8 text. Export the participant report again as a CSV file.")
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    email_column = minutes_column = None
    saw_email_header = False
    totals: dict[str, int] = {}
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            email_at = _column(cells, EMAIL_HEADERS)
            minutes_at = _column(cells, MINUTES_HEADERS)
            if email_at is not None:
                saw_email_header = True
                if minutes_at is not None:  # a (new) header line: what came before was a summary
                    email_column, minutes_column = email_at, minutes_at
                    totals = {}
                continue
            if email_column is None:
                continue  # a title or summary line before the header
            email = cells[email_column].strip().lower() if email_column < len(cells) else ""
            if not email:
                continue
            raw = cells[minutes_column] if minutes_column < len(cells) else ""
            totals[email] = totals.get(email, 0) + _minutes(raw, line=reader.line_num)
    except csv.Error as error:
        raise ParticipantReportError(
            _("Line %(line)d cannot be read as CSV: %(error)s") % {"line": reader.line_num, "error": error}
        ) from None
    if email_column is None:
        if saw_email_header:
            raise ParticipantReportError(
                _("The report has no minutes column: expected a header “Duration (Minutes)”, “Minutes” or “Duration”.")
            )
        raise ParticipantReportError(
            _("The report has no email column: expected a header “User Email”, “Email” or “Email address”.")
        )
    return list(totals.items())
