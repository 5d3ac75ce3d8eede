"""A case's screening for personal health information: `phi` findings in each answer and attachment, with why.

Each finding gets a fingerprint (field, kind and text), so the presenter's explanation of it survives a page
reload and is asked for again only when the text changes. The findings are stored on the case when it is
submitted, with the explanations, for the reviewer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.choices import Province
from hubs.models import SpokeMembership

from . import phi
from .attachments import extract_text
from .models import CasePresentation

KIND_LABELS = {
    "health_card": _("health card number"),
    "phone": _("phone number"),
    "postal_code": _("postal code"),
    "email": _("email address"),
    "date": _("full date"),
    "address": _("street address"),
    "record_number": _("record number"),
    "name": _("name"),
}
NAME_DETAILS = {
    "title": _("a title followed by a name"),
    "full": _("a common given name followed by a common surname"),
    "given": _("a common given name"),
    "surname": _("a common surname"),
    "organisation": _("the name of your spoke or organisation, which can identify the patient's community"),
}


def why(finding: phi.Finding):
    """The sentence shown beside a finding, in the reader's language."""
    if finding.kind == "health_card":
        provinces = ", ".join(str(Province(code).label) for code in finding.detail.split(",") if code)
        return format_lazy(_("Looks like a health card number (format used in: {provinces})."), provinces=provinces)
    if finding.kind == "date" and finding.detail == "birth":
        return _("Looks like a date of birth: give an age range instead.")
    if finding.kind == "date":
        return _("Looks like a full date: say how long ago instead (e.g. “three weeks ago”).")
    if finding.kind == "name":
        return format_lazy(_("Looks like a name: {detail}."), detail=NAME_DETAILS.get(finding.detail, ""))
    return format_lazy(_("Looks like personal information: {kind}."), kind=KIND_LABELS[finding.kind])


@dataclass(frozen=True)
class CaseFinding:
    source: str  # a field name, or "attachment:<id>"
    source_label: str
    finding: phi.Finding
    fingerprint: str

    @property
    def why(self):
        return why(self.finding)


def fingerprint(source: str, finding: phi.Finding) -> str:
    digest = hashlib.sha256(f"{source}\x1f{finding.kind}\x1f{finding.text.lower()}".encode()).hexdigest()
    return digest[:16]


def organisations_of(case: CasePresentation) -> list[str]:
    """The presenter's spokes and organisation: names that place a patient in a small community."""
    names = [case.presenter.organisation]
    names += list(
        SpokeMembership.objects.filter(user=case.presenter, spoke__archived_at__isnull=True).values_list(
            "spoke__name", flat=True
        )
    )
    return [name for name in names if name]


def _field_label(name: str) -> str:
    return str(CasePresentation._meta.get_field(name).verbose_name)


def screen_case(case: CasePresentation) -> list[CaseFinding]:
    """Findings in every free-text answer and in the text of every PDF attachment."""
    organisations = organisations_of(case)
    results = []
    for name, text in case.text_fields().items():
        for finding in phi.screen(text, organisations=organisations):
            results.append(CaseFinding(name, _field_label(name), finding, fingerprint(name, finding)))
    for attachment in case.attachments.all():
        source = f"attachment:{attachment.pk}"
        try:
            with attachment.file.open("rb") as handle:
                text = extract_text(handle, content_type=attachment.content_type)
        except (FileNotFoundError, OSError):
            text = ""
        for finding in phi.screen(text, organisations=organisations):
            label = str(format_lazy(_("attachment “{name}”"), name=attachment.file_name))
            results.append(CaseFinding(source, label, finding, fingerprint(source, finding)))
    return results


def highlight(text: str, findings: list[CaseFinding]) -> SafeString:
    """The answer with each finding marked in place, numbered as in the list of findings below it."""
    parts, position = [], 0
    for number, item in findings:
        finding = item.finding
        parts.append(escape(text[position : finding.start]))
        parts.append(
            f'<mark class="phi-finding" id="finding-{number}">{escape(finding.text)}'
            f'<sup><a href="#explain-{number}">{number}</a></sup></mark>'
        )
        position = finding.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the text is escaped above


def as_stored(findings: list[CaseFinding], explanations: dict[str, str]) -> list[dict]:
    return [
        {
            "source": item.source,
            "source_label": item.source_label,
            "kind": item.finding.kind,
            "detail": item.finding.detail,
            "text": item.finding.text,
            "fingerprint": item.fingerprint,
            "explanation": explanations.get(item.fingerprint, ""),
        }
        for item in findings
    ]
