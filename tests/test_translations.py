"""A francophone clinician can do everything in French: every catalogue entry is translated."""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in p.parts)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_french_catalogue_is_complete(path):
    po = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy (needs review): {fuzzy[:10]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_is_committed_and_current(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"run `make messages`: {compiled} is missing"
    po = polib.pofile(str(path))
    mo = polib.mofile(str(compiled))
    assert {e.msgid: e.msgstr for e in po.translated_entries() if not e.msgid_plural} == {
        e.msgid: e.msgstr for e in mo if not e.msgid_plural and e.msgid
    }, f"run `make messages`: {compiled} is older than its .po"


# What the portal says to its reader ("vous") agrees with anyone, as "inscrit·e" does elsewhere.
READER_GENDERED = re.compile(r"\b[Vv]ous\b[^.:;?!«»]{0,25}?\b(inscrit|invité|avisé|connecté|seul)\b(?!·)")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_french_addresses_its_reader_inclusively(path):
    po = polib.pofile(str(path))
    texts = [text for entry in po for text in [entry.msgstr, *entry.msgstr_plural.values()]]
    assert [text for text in texts if READER_GENDERED.search(text)] == []


def test_the_french_profile_says_inclusively_that_one_is_not_on_the_mailing_list(client, clinician):
    clinician.preferred_language = "fr"
    clinician.save()
    client.force_login(clinician)

    profile = client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Vous n’êtes pas inscrit·e à la liste d’envoi." in profile
