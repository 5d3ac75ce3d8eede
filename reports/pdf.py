"""The semi-annual report as a PDF: the printable page's body, drawn by WeasyPrint with the portal's shipped fonts.

Nothing is fetched from the network: the fonts are the files the certificates ship, the charts are inline
SVG, and the URL fetcher refuses every scheme but `file:` and `data:`.
"""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from certificates.pdf import FONT_DIR


def render_report_pdf(context: dict) -> bytes:
    """`context` is the printable report's (reports.views.report_context), rendered in the active language."""
    html = render_to_string("reports/report_pdf.html", {**context, "csv_prefix": "", "font_dir": FONT_DIR.as_uri()})
    return HTML(
        string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=URLFetcher(allowed_protocols=("file", "data"))
    ).write_pdf(font_config=FontConfiguration())
