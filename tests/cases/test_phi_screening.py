"""The screening on the shipped corpora: positive examples of each pattern, and ordinary clinical text.

Prints recall per kind, precision, and the false-positive rate on clinical text (run with -s to read them; the note
of the case presentations work quotes them). The floors asserted are generous: the figures are the measure.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

from cases import phi

DATA = Path(__file__).resolve().parent / "data"
ORGANISATIONS = ["Lakeshore Family Health Team (demo)", "Northern Lakes Palliative Hub (demo)"]
MARK = re.compile(r"\[\[(.+?)\]\]")


def _examples():
    for line in (DATA / "phi_positive.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, marked = line.split("\t", 1)
        spans, text, position = [], "", 0
        for match in MARK.finditer(marked):
            text += marked[position : match.start()]
            spans.append((len(text), len(text) + len(match.group(1))))
            text += match.group(1)
            position = match.end()
        text += marked[position:]
        yield kind, text, spans


def _clinical_lines():
    lines = (DATA / "clinical_text.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _overlaps(finding, span) -> bool:
    return finding.start < span[1] and span[0] < finding.end


def measure():
    found_by_kind, total_by_kind = Counter(), Counter()
    true_findings = false_findings = 0
    for kind, text, spans in _examples():
        findings = phi.screen(text, organisations=ORGANISATIONS)
        for span in spans:
            total_by_kind[kind] += 1
            found_by_kind[kind] += any(_overlaps(finding, span) for finding in findings)
        for finding in findings:
            if any(_overlaps(finding, span) for span in spans):
                true_findings += 1
            else:
                false_findings += 1
    clinical = _clinical_lines()
    flagged_lines = []
    for line in clinical:
        findings = phi.screen(line, organisations=ORGANISATIONS)
        false_findings += len(findings)
        if findings:
            flagged_lines.append((line, findings))
    recall = sum(found_by_kind.values()) / sum(total_by_kind.values())
    precision = true_findings / (true_findings + false_findings)
    false_positive_rate = len(flagged_lines) / len(clinical)
    return {
        "recall_by_kind": {kind: found_by_kind[kind] / total_by_kind[kind] for kind in total_by_kind},
        "examples": sum(total_by_kind.values()),
        "clinical_lines": len(clinical),
        "recall": recall,
        "precision": precision,
        "false_positive_rate": false_positive_rate,
        "flagged_clinical": flagged_lines,
    }


def test_corpus_precision_recall_and_false_positive_rate():
    figures = measure()
    print(f"\nPHI screening on {figures['examples']} identifying spans and {figures['clinical_lines']} clinical lines")
    for kind, value in sorted(figures["recall_by_kind"].items()):
        print(f"  recall {kind:<14} {value:.0%}")
    print(f"  recall overall      {figures['recall']:.1%}")
    print(f"  precision           {figures['precision']:.1%}")
    print(f"  false-positive rate {figures['false_positive_rate']:.1%} of clinical lines flagged")
    for line, findings in figures["flagged_clinical"]:
        print(f"    flagged: {line!r}: {[(f.kind, f.text) for f in findings]}")
    assert figures["recall"] >= 0.85
    assert all(value >= 0.6 for value in figures["recall_by_kind"].values())
    assert figures["precision"] >= 0.7
    assert figures["false_positive_rate"] <= 0.15


@pytest.mark.parametrize(
    ("text", "kind", "detail"),
    [
        ("OHIP 1234-567-890-AB", "health_card", "ON"),
        ("RAMQ TREM 4103 1234", "health_card", "QC"),
        ("N1234567", "health_card", "NT"),
        ("PHN 9123 456 789", "health_card", "BC,NS,ON"),
        ("card 12345678", "health_card", "PE"),
        ("card 123 456 789 012", "health_card", "NL"),
        ("(705) 555-0142", "phone", ""),
        ("P3A 2B4", "postal_code", ""),
        ("a@b.ca", "email", ""),
        ("born March 1941", "date", "birth"),
        ("12 Maple Street", "address", ""),
        ("Mrs. Tremblay", "name", "title"),
        ("Claire Tremblay", "name", "full"),
    ],
)
def test_each_pattern_names_what_it_found(text, kind, detail):
    [finding] = phi.screen(text)
    assert (finding.kind, finding.detail) == (kind, detail)


def test_the_presenters_own_spoke_name_is_flagged_but_generic_words_are_not():
    text = "Seen by the health team at Lakeshore; the family health team agreed."
    findings = phi.screen(text, organisations=["Lakeshore Family Health Team (demo)"])
    assert [(f.text, f.detail) for f in findings] == [("Lakeshore", "organisation")]


def test_ordinary_words_that_are_names_are_not_flagged_alone():
    assert phi.screen("Grace under pressure; we hope May brings rest. Faith matters to her.") == []
    assert [f.text for f in phi.screen("Her sister Rose Brown visits.")] == ["Rose Brown"]
