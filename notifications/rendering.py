"""Turn a template name and a context into a subject, a plain-text body and an optional HTML body."""

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email. `mimetype` may carry parameters, e.g. "text/calendar; method=REQUEST"."""

    filename: str
    content: bytes | str
    mimetype: str


def encode_attachments(attachments: Iterable[Attachment]) -> list[dict[str, str]]:
    """How attachments are stored on an outbox row: JSON, the content in base64."""
    encoded = []
    for attachment in attachments:
        content = attachment.content.encode() if isinstance(attachment.content, str) else attachment.content
        encoded.append(
            {
                "filename": attachment.filename,
                "mimetype": attachment.mimetype,
                "content_b64": base64.b64encode(content).decode("ascii"),
            }
        )
    return encoded


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def _one_line(text: str) -> str:
    # A header must be one line: a template's trailing newline or a wrapped subject would break it.
    return " ".join(text.split())


def render_email(*, template: str, context: dict[str, Any], language: str) -> RenderedEmail:
    """Render `{template}_subject.txt`, `{template}.txt` and, when it exists, `{template}.html` in `language`."""
    full_context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = _one_line(render_to_string(f"{template}_subject.txt", full_context))
        body_text = render_to_string(f"{template}.txt", full_context)
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:
            # Only the HTML template itself is optional: a missing include inside it still raises.
            body_html = ""
        else:
            body_html = html_template.render(full_context)
    return RenderedEmail(subject=subject, body_text=body_text, body_html=body_html)
