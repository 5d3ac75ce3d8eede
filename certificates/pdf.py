"""The PDF of a document: an HTML template rendered by WeasyPrint with the fonts shipped in this app.

Nothing is fetched from the network: the fonts are files of this app and the QR code is an inline
SVG, and the URL fetcher refuses every scheme but `file:` and `data:`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from core.formatting import format_credits, format_date
from enrollment.calendar import absolute
from series.models import BODY_SHORT_NAMES, Accreditation

from .models import Certificate

# Shipped with the app (not collected as static: only the PDF renderer reads them).
FONT_DIR = Path(__file__).resolve().parent / "fonts"

# The bodies' usual terms in French, for documents whose accreditation has its terms in English only.
KNOWN_TERMS = {
    "Certified": translation.gettext_lazy("Certified"),
    "Group Learning": translation.gettext_lazy("Group Learning"),
    "Section 1": translation.gettext_lazy("Section 1"),
    "Group Learning Activities": translation.gettext_lazy("Group Learning Activities"),
    "CEU": translation.gettext_lazy("CEU"),
}


def term(item: dict[str, Any], field: str, language: str) -> str:
    """A body's term (credit type, category) as a document in `language` prints it.

    The French staff wrote, in French; otherwise the English one, put in French when it is one of the bodies'
    usual terms; a term written only in French is printed in both.
    """
    if language == "fr" and item.get(f"{field}_fr"):
        return item[f"{field}_fr"]
    english = item.get(field, "")
    if english:
        with translation.override(language):
            return str(KNOWN_TERMS.get(english, english))
    return item.get(f"{field}_fr", "")


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def _accreditation_context(item: dict[str, Any], language: str) -> dict[str, Any]:
    body = item["body"]
    statement = item["statement_fr"] if language == "fr" and item["statement_fr"].strip() else item["statement_en"]
    return {
        **item,
        "body_label": item["body_name"] if body == Accreditation.Body.OTHER else str(BODY_SHORT_NAMES.get(body, body)),
        "body_full": item["body_name"] if body == Accreditation.Body.OTHER else Accreditation.Body(body).label,
        "credit_type": term(item, "credit_type", language),
        "category": term(item, "category", language),
        "delivery_label": Accreditation.Delivery(item["delivery"]).label if item["delivery"] else "",
        "credits_text": format_credits(Decimal(item["credits"])) if item["credits"] else format_credits(0) or "0",
        "statement": statement,
        "valid_from": dt.date.fromisoformat(item["valid_from"]) if item["valid_from"] else None,
        "valid_until": dt.date.fromisoformat(item["valid_until"]) if item["valid_until"] else None,
        "is_cccep": body == Accreditation.Body.CCCEP,
    }


def document_context(certificate: Certificate, *, language: str) -> dict[str, Any]:
    content = certificate.content
    verify_url = absolute(certificate.get_absolute_url())
    sessions = [
        {
            **session,
            "starts_at": dt.datetime.fromisoformat(session["starts_at"]),
            "hours": Decimal(session["hours"]),
            "credits_text": format_credits(Decimal(session["credits"])) if session["credits"] else "",
        }
        for session in content["sessions"]
    ]
    return {
        "certificate": certificate,
        "content": content,
        "language": language,
        "sessions": sessions,
        "accreditations": [_accreditation_context(item, language) for item in content["accreditations"]],
        "verify_url": verify_url,
        "qr": qr_svg_data_uri(verify_url),
        "font_dir": FONT_DIR.as_uri(),
        "issued_on": format_date(certificate.issued_at),
        "first_issued_on": format_date(certificate.first_issued_at),
    }


def render_pdf(certificate: Certificate, *, language: str) -> bytes:
    with translation.override(language):
        html = render_to_string("certificates/document.html", document_context(certificate, language=language))
    fonts = FontConfiguration()
    return HTML(
        string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=URLFetcher(allowed_protocols=("file", "data"))
    ).write_pdf(font_config=fonts)
