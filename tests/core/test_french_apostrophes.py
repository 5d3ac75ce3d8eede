"""French pages and emails write apostrophes as the catalogue does (’): a straight one between two letters of a
French translation is a slip that shows on the page ("Sur une liste d'attente")."""

import re
from pathlib import Path

from django.conf import settings

STRAIGHT_BETWEEN_LETTERS = re.compile(r"(?<=\w)'(?=\w)")


def _translations(po: Path):
    """Each msgstr of a catalogue with its continuation lines, as one string, and the line it starts on."""
    current, start = None, 0
    for number, line in enumerate(po.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("msgstr"):
            current, start = [line.split(" ", 1)[1]], number
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            if current is not None:
                yield start, "".join(current)
            current = None
    if current is not None:
        yield start, "".join(current)


def test_no_french_translation_has_a_straight_apostrophe():
    catalogues = [
        path for path in Path(settings.BASE_DIR).glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in path.parts
    ]
    assert len(catalogues) > 10
    slips = [
        f"{po.relative_to(settings.BASE_DIR)}:{line}: {text}"
        for po in catalogues
        for line, text in _translations(po)
        if STRAIGHT_BETWEEN_LETTERS.search(text)
    ]
    assert slips == []
