"""Which files a case may carry (PDF or a picture, recognised by content) and the text screening reads in them."""

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import AcceptedKind, inspect_upload

from .models import CASE_ATTACHMENT_TYPES

logger = logging.getLogger(__name__)

# A case attachment is a page or two of notes or a picture; more is not what a panel reads.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Screening reads at most this many pages of a PDF: enough for any case document, bounded for a hostile one.
MAX_PDF_PAGES = 50


def _refuse():
    raise ValidationError(_("Attach a PDF or an image (JPEG, PNG, GIF, WebP or HEIC)."), code="file_kind")


def inspect_case_file(file) -> AcceptedKind:
    """The kind of an attachment read from its content: the upload rules of all materials, then PDF or image only."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("Attachments are limited to 10 MB."), code="file_size")
    try:
        kind = inspect_upload(file)
    except ValidationError:
        _refuse()
    if kind.content_type not in CASE_ATTACHMENT_TYPES:
        _refuse()
    return kind


def validate_case_file(file) -> None:
    if file and not getattr(file, "_committed", False):
        inspect_case_file(file)


def extract_text(file, *, content_type: str) -> str:
    """The text of a PDF (pictures carry none that can be read here: the presenter confirms them by hand)."""
    if content_type != "application/pdf":
        return ""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    file.seek(0)
    try:
        reader = PdfReader(file)
        pages = reader.pages[:MAX_PDF_PAGES]
        text = "\n".join(page.extract_text() or "" for page in pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        logger.info("case attachment text could not be read: %s", error)
        text = ""
    file.seek(0)
    return text
