"""Reading a list of people to invite to a series: a CSV file or lines pasted from a spreadsheet or an email.

Each line is an address, optionally with a name and a language (en or fr), in any order, separated by
commas, semicolons or tabs; `Name <address>` as mail programs copy it works too, and a first line of
column titles (email, name, language, in English or French) is skipped. Nothing is sent from here: the
result says which lines will be invited and why the others will not (not an address, a language we do
not write in, the same address twice, or someone already invited), for hub staff to read first.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from series.models import Series

from .models import Enrollment, SeriesInvitation

MAX_ROWS = 5000
MAX_FILE_BYTES = 1_000_000
NAME_MAX_LENGTH = SeriesInvitation._meta.get_field("name").max_length
HEADER_WORDS = {"email", "e-mail", "courriel", "adresse", "address", "name", "nom", "language", "langue"}
LANGUAGE_WORDS = {
    "en": "en",
    "english": "en",
    "anglais": "en",
    "fr": "fr",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
}


class ListError(Exception):
    """The list as a whole cannot be read (too long, not text); `message` is for the person who sent it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Person:
    line: int
    email: str
    name: str = ""
    language: str = ""  # "" for the series' language (or the account's, when the address has one)


@dataclass(frozen=True)
class Problem:
    line: int
    text: str
    reason: str


@dataclass
class Preview:
    """What sending would do: `to_invite` get an email; every other line is reported with its reason."""

    to_invite: list[Person] = field(default_factory=list)
    invalid: list[Problem] = field(default_factory=list)
    duplicates: list[Problem] = field(default_factory=list)
    already_invited: list[Problem] = field(default_factory=list)

    @property
    def line_count(self) -> int:
        return len(self.to_invite) + len(self.invalid) + len(self.duplicates) + len(self.already_invited)

    def as_text(self) -> str:
        """The lines to invite, one `address,name,language` each: what the confirmation form sends back."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for person in self.to_invite:
            writer.writerow([person.email, person.name, person.language])
        return out.getvalue()


def decode_upload(content: bytes) -> str:
    if len(content) > MAX_FILE_BYTES:
        raise ListError(_("The file is larger than 1 MB. Split the list into smaller files."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ListError(_("The file could not be read as text. Save it from your spreadsheet as CSV and try again."))


def _cells(line: str) -> list[str]:
    delimiter = "\t" if "\t" in line else ";" if ";" in line else ","
    return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter), [])]


def _is_header(cells: list[str]) -> bool:
    words = {cell.strip().lower() for cell in cells if cell.strip()}
    return bool(words) and words <= HEADER_WORDS and not any("@" in word for word in words)


def _language(cell: str) -> str | None:
    code = LANGUAGE_WORDS.get(cell.strip().lower())
    return code if code in dict(settings.LANGUAGES) else None


def _read_line(number: int, raw: str) -> Person | Problem:
    cells = [cell for cell in _cells(raw) if cell]
    address_cells = [cell for cell in cells if "@" in cell]
    if not address_cells:
        return Problem(number, raw, _("No email address on this line."))
    if len(address_cells) > 1:
        return Problem(number, raw, _("More than one email address on this line: put each person on a line."))
    display_name, email = parseaddr(address_cells[0])
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        return Problem(number, raw, _("“%(text)s” is not a valid email address.") % {"text": address_cells[0]})
    others = [cell for cell in cells if cell is not address_cells[0]]
    language = ""
    names = [display_name] if display_name else []
    for cell in others:
        code = _language(cell)
        if code and not language:
            language = code
        elif len(cell) == 2 and cell.isalpha():  # a language code, not a name
            return Problem(number, raw, _("“%(text)s” is not a language we write in (en or fr).") % {"text": cell})
        else:
            names.append(cell)
    name = " ".join(names).strip()
    if len(name) > NAME_MAX_LENGTH:
        return Problem(number, raw, _("The name is longer than %(max)d characters.") % {"max": NAME_MAX_LENGTH})
    return Person(number, email, name, language)


def read_people(text: str) -> tuple[list[Person], list[Problem]]:
    """Every non-blank line as a person or a problem, with its line number; refuses more than MAX_ROWS lines."""
    lines = [(number, raw) for number, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if lines and _is_header(_cells(lines[0][1])):
        lines = lines[1:]
    if len(lines) > MAX_ROWS:
        raise ListError(
            _("The list has %(count)d lines; send at most %(max)d at a time.") % {"count": len(lines), "max": MAX_ROWS}
        )
    people: list[Person] = []
    problems: list[Problem] = []
    for number, raw in lines:
        result = _read_line(number, raw.strip())
        (people if isinstance(result, Person) else problems).append(result)
    return people, problems


def preview(*, series: Series, text: str) -> Preview:
    """Read the list and sort it out against the series' invitations and members: 2 queries."""
    people, problems = read_people(text)
    result = Preview(invalid=problems)
    emails = {person.email for person in people}
    invited = set(SeriesInvitation.objects.filter(series=series, email__in=emails).values_list("email", flat=True))
    members = set(
        Enrollment.objects.filter(series=series)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .annotate(address=Lower("user__email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    first_line: dict[str, int] = {}
    for person in people:
        if person.email in first_line:
            result.duplicates.append(
                Problem(
                    person.line,
                    person.email,
                    _("Already on line %(line)d of this list.") % {"line": first_line[person.email]},
                )
            )
            continue
        first_line[person.email] = person.line
        if person.email in members:
            result.already_invited.append(Problem(person.line, person.email, _("Already a member of this series.")))
        elif person.email in invited:
            result.already_invited.append(
                Problem(person.line, person.email, _("Already invited: use “Send again” to remind them."))
            )
        else:
            result.to_invite.append(person)
    return result
