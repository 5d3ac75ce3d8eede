"""Emails rendered when they are delivered rather than when they are written.

The transaction that causes an email may hold a row lock that everyone else is waiting for (a
registration burst queues on one session's row): rendering templates and calendar files there
costs every learner behind it. So the app that owns the data registers, under a stable name, a
function that turns a few ids into the email's template, context and attachments (`Content`);
`outbox.queue_deferred` stores only that name and those ids (one INSERT, in the caller's
transaction) and delivery calls the function, renders the email in the row's language and keeps
what was sent on the row. This app still knows no domain: it is handed the function, by name,
when the owning app is ready.

The function reads the data as it is at delivery (a session moved in between is shown at its new
time). It returns None when what the email was about is gone (the account was deleted): the row
then fails with that reason instead of sending.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from .rendering import Attachment, RenderedEmail, encode_attachments, render_email


@dataclass(frozen=True)
class Content:
    """What a registered function hands back: the template, its context, the attachments and extra headers."""

    template: str
    context: dict[str, Any]
    attachments: Sequence[Attachment] = ()
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    email: RenderedEmail
    attachments: list[dict[str, str]]
    headers: dict[str, str]


Renderer = Callable[[dict[str, Any]], Content | None]

_renderers: dict[str, Renderer] = {}


def register(name: str, renderer: Renderer) -> None:
    """Make `renderer` available under `name` (called from the owning app's `ready()`)."""
    _renderers[name] = renderer


def check(name: str) -> None:
    if name not in _renderers:
        raise ValueError(f"No email renderer registered as {name!r}; register it in its app's ready().")


def render(*, renderer: str, data: dict[str, Any], language: str) -> Rendered | None:
    """Call the registered function and render what it returns in `language`; None when it found nothing."""
    check(renderer)
    with translation.override(language):
        # In the recipient's language: the lazy labels and calendar texts the function builds are theirs.
        content = _renderers[renderer](data)
        if content is None:
            return None
        return Rendered(
            email=render_email(template=content.template, context=content.context, language=language),
            attachments=encode_attachments(content.attachments),
            headers=dict(content.headers),
        )
