"""Screening a case's text for personal health information, in plain Python: no outside service sees the text.

`screen(text, organisations=...)` returns the findings in order, each with its span, the kind of information it
looks like and a detail code saying why (which provinces' health card format, which name list…). The patterns
favour recall on what identifies a patient in a Canadian case write-up; a finding the presenter judges harmless
is explained rather than edited, so a false alarm costs a sentence, a miss costs a privacy breach.

Covered: health card numbers in each province's and territory's format, phone numbers, postal codes, email
addresses, full dates (numeric, English and French month names, and any date of birth), street addresses
(English and French), record numbers, and names: a title followed by a name, a common given name (with or
without a surname after it), a common surname, and the presenter's own spoke and organisation names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "phi_data"


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    start: int
    end: int
    text: str
    detail: str = ""  # why: provinces (health card), "given"/"surname"/"full"/"title"/"organisation" (names)…


KINDS = ("health_card", "phone", "postal_code", "email", "date", "address", "record_number", "name")

# --- health card numbers -----------------------------------------------------------------------------------------
# Formats by number of digits (provincial and territorial health insurance numbers); letter formats separately.
HEALTH_CARD_DIGITS: dict[int, tuple[str, ...]] = {
    8: ("PE",),
    9: ("AB", "MB", "NB", "NU", "SK", "YT"),
    10: ("BC", "NS", "ON"),
    12: ("NL",),
}
_QUEBEC = re.compile(r"(?<![\w-])[A-Z]{4}[ -]?\d{4}[ -]?\d{4}(?![\w-])")  # RAMQ: 4 letters, 8 digits
_NORTHWEST = re.compile(r"(?<![\w-])[DHMNT]\d{7}(?![\w-])")  # NWT: a letter and 7 digits
_ONTARIO_VERSION = re.compile(r"(?<![\w-])\d{4}[ -]?\d{3}[ -]?\d{3}[ -]?[A-Z]{2}(?![\w-])")  # with the version code
# A run of 8 to 12 digits, possibly grouped by spaces or hyphens, not part of a decimal, a ratio or a dose.
_DIGIT_RUN = re.compile(r"(?<![\w.,/-])\d(?:[ -]?\d){7,11}(?![\w/]|[.,]\d|\s?(?:mg|mcg|ml|mL|g|%|units?)\b)")
_PHONE_SHAPE = re.compile(r"^(?:1[ -]?)?\d{3}[ -]\d{3}[ -]\d{4}$")

# --- contact details ---------------------------------------------------------------------------------------------
_PHONE = re.compile(
    r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
    r"(?:\s?(?:x|ext\.?|poste)\s?\d{1,5})?(?![\w-])",
    re.IGNORECASE,
)
_LOCAL_PHONE = re.compile(r"(?<![\w.-])\d{3}-\d{4}(?![\w-])")
_POSTAL_CODE = re.compile(r"(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w-])", re.I)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# --- dates -------------------------------------------------------------------------------------------------------
_MONTHS_EN = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_MONTHS_FR = (
    r"(?:janv(?:ier)?|f[ée]vr?(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[ûu]t|sept(?:embre)?|oct(?:obre)?"
    r"|nov(?:embre)?|d[ée]c(?:embre)?)"
)
_DATES = (
    re.compile(r"(?<![\w/.-])(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?![\w/-]|\.\d)"),
    re.compile(r"(?<![\w/.-])\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}(?![\w/-]|\.\d)"),
    re.compile(rf"\b{_MONTHS_EN}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}\b", re.I),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS_EN}\.?,?\s+(?:19|20)\d{{2}}\b", re.I),
    re.compile(rf"\b\d{{1,2}}(?:er)?\s+{_MONTHS_FR}\.?\s+(?:19|20)\d{{2}}\b", re.I),
)
# Any date of birth, even a month and a year: "born March 1941", "DOB: 1941", "née en mars 1941".
_BIRTH = re.compile(
    r"\b(?:born(?:\s+on|\s+in)?|DOB|D\.O\.B\.?|date of birth|birth ?date|n[ée]e?\s+(?:le|en)|date de naissance|DDN)"
    r"\s*[:\-]?\s*[^.;\n]{0,25}?(?:19|20)\d{2}\b",
    re.I,
)

# --- street addresses --------------------------------------------------------------------------------------------
_STREET_TYPES_EN = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Crescent|Cres|Court|Ct|Lane|Ln|Way|Place|Pl|Terrace"
    r"|Trail|Highway|Hwy|Parkway|Pkwy|Circle|Square|Sq|Line|Sideroad|Concession|Gate|Grove)"
)
_ADDRESSES = (
    re.compile(
        rf"(?<![\w.,/-])\d{{1,6}}[A-Za-z]?,?\s+(?:[A-Z][\w'’.-]*\s+){{1,4}}{_STREET_TYPES_EN}\b\.?"
        r"(?:\s+(?:North|South|East|West|N|S|E|W))?\b"
    ),
    re.compile(
        r"(?<![\w.,/-])\d{1,6},?\s+(?:rue|avenue|av\.|boulevard|boul\.|bd|chemin|ch\.|rang|route|place|croissant"
        r"|mont[ée]e|c[ôo]te|all[ée]e|impasse|promenade)\s+"
        r"(?:(?:de|du|des|la|le|l['’]|d['’]|Saint|Sainte|St|Ste)[\s-]*)*[A-ZÉÈÀÂÎÔÛ][\w'’-]*",
        re.I,
    ),
    re.compile(r"\b(?:P\.?\s?O\.?\s+Box|C\.P\.|case postale)\s+\d+\b", re.I),
    re.compile(r"\b(?:Apt|Apartment|Unit|Suite|app\.|appartement)\s*#?\s*\d+[A-Z]?\b", re.I),
)

# --- record numbers ----------------------------------------------------------------------------------------------
_RECORD = re.compile(
    r"\b(?:MRN|chart|medical record|record|dossier|no de dossier)"
    r"\s*(?:#|no\.?|number|num[ée]ro|n[°o])?\s*[:#]?\s*(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9 -]{3,16}[A-Z0-9]\b",
    re.I,
)

# --- names -------------------------------------------------------------------------------------------------------
_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Mme|Mlle|Madame|Monsieur|Mister)\.?\s+[A-ZÉÈÀÂÎÔÛÇ][\w'’-]+|\bM\.\s+[A-ZÉÈÀ][\w'’-]+"
)
_WORD = re.compile(r"[A-ZÉÈÀÂÎÔÛÇ][a-zà-ÿ'’]+(?:-[A-ZÉÈÀ][a-zà-ÿ'’]+)?|[A-ZÉÈÀÂÎÔÛÇ]{4,}")
_EPONYM_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:disease|syndrome|palsy|sign|catheter|scale|breathing|respiration)\b", re.I
)
_EPONYM_BEFORE = re.compile(r"\b(?:maladie|syndrome|signe|sonde|échelle|respiration)\s+(?:de|d['’])\s*$", re.I)


def _load(name: str) -> frozenset[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def common_words() -> frozenset[str]:
    """Names that are also ordinary words, months or eponyms: flagged after a title or in a full name, never alone."""
    return _load("common_words.txt")


@cache
def generic_words() -> frozenset[str]:
    """Words of organisation names that identify nothing alone ("Health", "Team", "Home")."""
    return _load("generic_words.txt")


@cache
def given_names() -> frozenset[str]:
    return _load("given_names.txt")


@cache
def surnames() -> frozenset[str]:
    return _load("surnames.txt")


def _titlecase(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def _health_card(match: re.Match) -> Finding | None:
    raw = match.group()
    digits = re.sub(r"\D", "", raw)
    if _PHONE_SHAPE.match(raw):
        return None  # grouped as a phone number: the phone pattern reports it
    provinces = HEALTH_CARD_DIGITS.get(len(digits))
    if provinces is None:
        return None
    if len(digits) == 10 and not digits.startswith("9"):
        provinces = tuple(p for p in provinces if p != "BC")
    return Finding("health_card", match.start(), match.end(), raw, ",".join(provinces))


def _candidates(text: str, organisations: Iterable[str]) -> list[tuple[int, Finding]]:
    """Every match of every pattern, with its priority (lower wins when two overlap on the same span)."""
    found: list[tuple[int, Finding]] = []

    def add(priority: int, kind: str, match: re.Match, detail: str = "") -> None:
        found.append((priority, Finding(kind, match.start(), match.end(), match.group(), detail)))

    for match in _EMAIL.finditer(text):
        add(0, "email", match)
    for match in _RECORD.finditer(text):
        add(1, "record_number", match)
    for match in _QUEBEC.finditer(text):
        add(1, "health_card", match, "QC")
    for match in _NORTHWEST.finditer(text):
        add(1, "health_card", match, "NT")
    for match in _ONTARIO_VERSION.finditer(text):
        add(1, "health_card", match, "ON")
    for match in _BIRTH.finditer(text):
        add(2, "date", match, "birth")
    for pattern in _DATES:
        for match in pattern.finditer(text):
            add(2, "date", match)
    for match in _PHONE.finditer(text):
        add(3, "phone", match)
    for match in _LOCAL_PHONE.finditer(text):
        add(3, "phone", match)
    for match in _DIGIT_RUN.finditer(text):
        finding = _health_card(match)
        if finding is not None:
            found.append((4, finding))
    for match in _POSTAL_CODE.finditer(text):
        add(4, "postal_code", match)
    for pattern in _ADDRESSES:
        for match in pattern.finditer(text):
            add(5, "address", match)
    found.extend((6, finding) for finding in _organisation_findings(text, organisations))
    for match in _TITLE.finditer(text):
        add(7, "name", match, "title")
    found.extend((8, finding) for finding in _name_findings(text))
    return found


def _organisation_findings(text: str, organisations: Iterable[str]) -> list[Finding]:
    findings = []
    for name in organisations:
        name = re.sub(r"\([^)]*\)", "", name or "").strip()
        if len(name) < 3:
            continue
        whole = r"\s+".join(re.escape(part) for part in name.split())
        for match in re.finditer(rf"(?<!\w){whole}(?!\w)", text, re.I):
            findings.append(Finding("name", match.start(), match.end(), match.group(), "organisation"))
        for word in re.findall(r"[\w'’-]+", name):
            if len(word) < 4 or word.lower() in generic_words():
                continue
            for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I):
                findings.append(Finding("name", match.start(), match.end(), match.group(), "organisation"))
    return findings


def _is_eponym(text: str, start: int, end: int) -> bool:
    return bool(_EPONYM_AFTER.match(text[end : end + 30]) or _EPONYM_BEFORE.search(text[max(0, start - 20) : start]))


def _name_findings(text: str) -> list[Finding]:
    given, family = given_names(), surnames()
    words = list(_WORD.finditer(text))
    findings = []
    skip_next = False
    for index, match in enumerate(words):
        if skip_next:
            skip_next = False
            continue
        word = _titlecase(match.group())
        if _is_eponym(text, match.start(), match.end()):
            continue
        following = words[index + 1] if index + 1 < len(words) else None
        adjacent = following is not None and re.fullmatch(r"[ \t]+", text[match.end() : following.start()])
        if word in given and adjacent and _titlecase(following.group()) in family:
            findings.append(
                Finding("name", match.start(), following.end(), text[match.start() : following.end()], "full")
            )
            skip_next = True
        elif word in common_words():
            continue
        elif word in given:
            findings.append(Finding("name", match.start(), match.end(), match.group(), "given"))
        elif word in family:
            findings.append(Finding("name", match.start(), match.end(), match.group(), "surname"))
    return findings


def screen(text: str, *, organisations: Iterable[str] = ()) -> list[Finding]:
    """The findings in `text`, in order, none overlapping (the longest, then the most specific, wins)."""
    if not text:
        return []
    candidates = _candidates(text, list(organisations))
    candidates.sort(key=lambda item: (item[1].start, -(item[1].end - item[1].start), item[0]))
    kept: list[Finding] = []
    for _priority, finding in candidates:
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept
