"""Django merges every app's French catalogue (and the project's) into one, so a message two catalogues translate
differently reads one way everywhere: the first app listed wins. A hub's spoke then said « Archivée » like a
series, a case « Approuvée » like a request to join. Each use whose French differs carries its own context
(pgettext); this test fails, naming them, when two catalogues translate the same (context, message) apart."""

import collections
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def french_catalogues() -> list[Path]:
    return sorted(
        path for path in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in path.relative_to(ROOT).parts
    )


def test_the_french_catalogues_are_found():
    found = {path.relative_to(ROOT).parts[0] for path in french_catalogues()}
    assert {"locale", "hubs", "series", "enrollment", "cases"} <= found


def test_no_two_french_catalogues_translate_the_same_message_differently():
    translations = collections.defaultdict(dict)
    for path in french_catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgstr or "fuzzy" in entry.flags:
                continue
            translations[(entry.msgctxt, entry.msgid)][str(path.relative_to(ROOT))] = entry.msgstr
    clashes = {key: where for key, where in translations.items() if len(set(where.values())) > 1}
    assert not clashes, "Give each use a context (pgettext), or say it the same way everywhere:\n" + "\n".join(
        f"  {context!r} {msgid!r}: " + "; ".join(f"{path} says {text!r}" for path, text in where.items())
        for (context, msgid), where in clashes.items()
    )
