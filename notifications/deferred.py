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

A fan-out (the recording to every registrant of a session) registers a batch function instead
(`register_many`): delivery hands it the data of every row of a claimed batch at once, so it reads
them in a few queries, and it says what the emails share (`Personalised`: one `Content` object for
all the emails that differ only in a few strings, such as the greeting's name). That content is
rendered once per language with markers (`rendering.render_stencil`), each email fills in its own
strings, escaped exactly where the template escapes them; the first email of a stencil this process has not
checked yet is also rendered in full and compared, and any difference sends the whole group through full
rendering.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from .rendering import Attachment, RenderedEmail, Stencil, encode_attachments, render_email, render_stencil

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Content:
    """What a registered function hands back: the template, its context, the attachments and extra headers."""

    template: str
    context: dict[str, Any]
    attachments: Sequence[Attachment] = ()
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    """An email rendered; `stencil` and `values` when it is that stencil filled in with those values (so its
    bytes on the wire can be too: `notifications.wire`)."""

    email: RenderedEmail
    attachments: list[dict[str, str]]
    headers: dict[str, str]
    stencil: Stencil | None = None
    values: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Personalised:
    """One email of a batch: `shared` (the same object for every email of the batch that shares it) and this
    recipient's own `values`, strings the templates print as they are or escaped (names, personal links)."""

    shared: Content
    values: Mapping[str, str]


Renderer = Callable[[dict[str, Any]], Content | None]
BatchRenderer = Callable[[Sequence[dict[str, Any]]], Sequence[Content | Personalised | None]]

_renderers: dict[str, Renderer] = {}
_batch_renderers: dict[str, BatchRenderer] = {}


def register(name: str, renderer: Renderer) -> None:
    """Make `renderer` available under `name` (called from the owning app's `ready()`)."""
    _renderers[name] = renderer


def register_many(name: str, renderer: BatchRenderer) -> None:
    """Make a batch function available under `name`: handed the data of many rows, it returns what each one says,
    in the same order. Called once for rows in several languages, it leaves texts lazy (labels, model objects the
    templates read): they are rendered in each row's language."""
    _batch_renderers[name] = renderer


def check(name: str) -> None:
    if name not in _renderers and name not in _batch_renderers:
        raise ValueError(f"No email renderer registered as {name!r}; register it in its app's ready().")


def _rendered(
    content: Content,
    email: RenderedEmail,
    attachments: list[dict[str, str]] | None = None,
    *,
    stencil: Stencil | None = None,
    values: Mapping[str, str] | None = None,
) -> Rendered:
    if attachments is None:
        attachments = encode_attachments(content.attachments)
    return Rendered(email=email, attachments=attachments, headers=dict(content.headers), stencil=stencil, values=values)


def _render_content(content: Content, language: str) -> Rendered:
    with translation.override(language):
        return _rendered(content, render_email(template=content.template, context=content.context, language=language))


def render(*, renderer: str, data: dict[str, Any], language: str) -> Rendered | None:
    """Call the registered function and render what it returns in `language`; None when it found nothing."""
    return render_many(renderer=renderer, items=[(data, language)])[0]


def render_many(*, renderer: str, items: Sequence[tuple[dict[str, Any], str]]) -> list[Rendered | None]:
    """Render the emails of many rows of one renderer, each `(data, language)`: what each says, None where the
    function found nothing. A batch function is called once; a single one once per row, in the row's language."""
    check(renderer)
    if renderer not in _batch_renderers:
        results: list[Rendered | None] = []
        for data, language in items:
            with translation.override(language):
                # In the recipient's language: the lazy labels and calendar texts the function builds are theirs.
                content = _renderers[renderer](data)
                results.append(None if content is None else _render_content(content, language))
        return results
    contents = list(_batch_renderers[renderer]([data for data, _language in items]))
    if len(contents) != len(items):
        raise ValueError(f"{renderer} returned {len(contents)} emails for {len(items)} rows")
    rendered: list[Rendered | None] = [None] * len(items)
    groups: dict[tuple[int, str, tuple[str, ...]], list[int]] = {}
    for index, (content, (_data, language)) in enumerate(zip(contents, items, strict=True)):
        if isinstance(content, Content):
            rendered[index] = _render_content(content, language)
        elif isinstance(content, Personalised):
            if all(isinstance(value, str) and value for value in content.values.values()):
                groups.setdefault((id(content.shared), language, tuple(sorted(content.values))), []).append(index)
            else:
                # A marker is never empty: an empty value could take another branch of the template.
                rendered[index] = _rendered(content.shared, _full(content, language))
    for (_shared, language, names), indexes in groups.items():
        members = [contents[index] for index in indexes]
        for index, email in zip(indexes, _render_group(members, language, names), strict=True):
            rendered[index] = email
    return rendered


def _full(member: Personalised, language: str) -> RenderedEmail:
    shared = member.shared
    with translation.override(language):
        return render_email(template=shared.template, context={**shared.context, **member.values}, language=language)


# Stencils whose first email filled in was what rendering it in full gives, by what they are (their template,
# language and text): a later batch rendering the same stencil fills its emails in without rendering one in full.
_checked: dict[tuple, None] = {}
CHECKED_KEPT = 256


def _render_group(members: Sequence[Personalised], language: str, names: Sequence[str]) -> list[Rendered]:
    """Emails sharing one content in one language: one stencil, each filled in; in full if it cannot stand for them.

    The first stencil of its kind in this process is checked: its first email filled in must be that email rendered
    in full. The same stencil again (the same template, language and text, another batch of the same fan-out) is
    not checked again.
    """
    shared = members[0].shared
    attachments = encode_attachments(shared.attachments)
    if len(members) == 1:
        return [_rendered(shared, _full(members[0], language), attachments)]
    with translation.override(language):
        stencil = render_stencil(template=shared.template, context=shared.context, language=language, personal=names)
    kind = None if stencil is None else (shared.template, language, stencil)
    if kind is not None and kind in _checked:
        return [
            _rendered(shared, stencil.fill(member.values), attachments, stencil=stencil, values=member.values)
            for member in members
        ]
    first = _full(members[0], language)
    if stencil is None or stencil.fill(members[0].values) != first:
        logger.warning("%s cannot be rendered once for several recipients: each in full", shared.template)
        emails = [first, *(_full(member, language) for member in members[1:])]
        return [_rendered(shared, email, attachments) for email in emails]
    if len(_checked) >= CHECKED_KEPT:
        _checked.clear()
    _checked[kind] = None
    return [_rendered(shared, first, attachments, stencil=stencil, values=members[0].values)] + [
        _rendered(shared, stencil.fill(member.values), attachments, stencil=stencil, values=member.values)
        for member in members[1:]
    ]
