"""Turn a template name and a context into a subject, a plain-text body and an optional HTML body."""

import base64
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import conditional_escape, escape


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


def _render_parts(*, template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """The subject as rendered (before it is made one line), the plain-text body and the HTML body ("" without one)."""
    full_context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", full_context)
        body_text = render_to_string(f"{template}.txt", full_context)
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:
            # Only the HTML template itself is optional: a missing include inside it still raises.
            body_html = ""
        else:
            body_html = html_template.render(full_context)
    return subject, body_text, body_html


def render_email(*, template: str, context: dict[str, Any], language: str) -> RenderedEmail:
    """Render `{template}_subject.txt`, `{template}.txt` and, when it exists, `{template}.html` in `language`."""
    subject, body_text, body_html = _render_parts(template=template, context=context, language=language)
    return RenderedEmail(subject=_one_line(subject), body_text=body_text, body_html=body_html)


# Unknown outside this process, so no recipient's value can hold a marker; the same for each stencil it renders.
MARKER_TOKEN = secrets.token_hex(8)


@dataclass(frozen=True)
class Stencil:
    """An email rendered once for many recipients, with a marker where each recipient's own text goes.

    Made by `render_stencil`; `fill` gives what `render_email` gives for the shared context plus that recipient's
    values. A marker contains "&", so it shows whether the template printed the value escaped (HTML) or as it
    is (plain text, subject): each occurrence gets the value treated the same way.
    """

    subject: str
    body_text: str
    body_html: str
    markers: tuple[tuple[str, str, str], ...]  # (context name, marker as printed raw, marker as printed escaped)

    def fill(self, values: Mapping[str, str]) -> RenderedEmail:
        parts = [self.subject, self.body_text, self.body_html]
        for name, raw, escaped in self.markers:
            value = values[name]
            parts = [part.replace(escaped, conditional_escape(value)).replace(raw, value) for part in parts]
        subject, body_text, body_html = parts
        return RenderedEmail(subject=_one_line(subject), body_text=body_text, body_html=body_html)


def render_stencil(*, template: str, context: dict[str, Any], language: str, personal: Iterable[str]) -> Stencil | None:
    """Render the templates once with a marker for each of the `personal` context names (strings printed as text).

    None when the templates visibly did more with such a value than print it (a filter changed the marker), so a
    marker would not stand for it: render each email with `render_email` then. A value must never be empty (a
    marker is not: `{% if name %}` would differ); `deferred` also compares one filled email per stencil with
    `render_email`'s, which catches what this check cannot see (a filter that cut the marker off).

    The markers are this process's own (a random token drawn once), so the same template and context give the same
    stencil every time: that is how `deferred` and `wire` know a stencil they have checked already.
    """
    token = MARKER_TOKEN
    markers = []
    marked = dict(context)
    for index, name in enumerate(personal):
        raw = f"[{token}:{index}&]"
        markers.append((name, raw, str(escape(raw))))
        marked[name] = raw
    subject, body_text, body_html = _render_parts(template=template, context=marked, language=language)
    for part in (subject, body_text, body_html):
        for _name, raw, escaped in markers:
            part = part.replace(escaped, "").replace(raw, "")
        if token in part.lower():
            return None
    return Stencil(subject=subject, body_text=body_text, body_html=body_html, markers=tuple(markers))
