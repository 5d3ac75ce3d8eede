"""Announcements and newsletters to the mailing list: choose who, test, send through the outbox in batches.

A mailing is written in English and French; each subscriber gets it in their own language. Sending
is claimed once (draft → sending, a conditional UPDATE, so a double click or two staff members send
it once), then a task fans it out: the segment is read in batches of subscribers still on the list,
and each batch is written to the outbox with `queue_bulk` in its own transaction (idempotency key
`mailing:<mailing>:<subscriber>`, so a task run twice queues nobody twice) and published after commit.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from core.formatting import prose_html
from core.links import absolute
from notifications.models import OutboundEmail
from notifications.outbox import EmailToQueue, queue_bulk, queue_email

from .consent import sender_context
from .models import Mailing, Subscriber
from .subscriptions import unsubscribe_url

BATCH_SIZE = 1000
TEMPLATE = "outreach/email/mailing"


class AlreadySent(Exception):
    """The mailing left its draft state already (sent, or being sent by someone else)."""


def recipients(mailing: Mailing) -> QuerySet[Subscriber]:
    """Who the mailing goes to: subscribers on the list now, in its segment."""
    subscribers = Subscriber.objects.on_the_list()
    if mailing.languages:
        subscribers = subscribers.filter(language__in=mailing.languages)
    if mailing.provinces:
        subscribers = subscribers.filter(province__in=mailing.provinces)
    if mailing.professions:
        subscribers = subscribers.filter(profession__in=mailing.professions)
    return subscribers


@dataclass(frozen=True)
class Version:
    """The mailing in one language, ready for the email templates."""

    language: str
    subject: str
    body_html: str
    body_text: str


# A link as the sanitiser writes it: double-quoted href first (its other attributes are added after).
LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)


def _absolute_links(markup: SafeString) -> SafeString:
    """A link staff wrote to a page of the site ("/series/") leads nowhere from a mail client: make it whole.

    Only the start of an href the sanitiser kept changes, so what was safe stays safe.
    """
    return mark_safe(re.sub(r'<a href="(/[^"]*)"', lambda match: f'<a href="{absolute(match.group(1))}"', markup))


def _text_of(markup: str) -> str:
    """The plain-text part: block ends become line breaks, a link keeps its address, tags go, entities decoded."""

    def spelled_out(match: re.Match) -> str:
        url, words = html.unescape(match.group(1)), match.group(2)
        return words if strip_tags(words).strip() in (url, url.removeprefix("mailto:")) else f"{words} ({url})"

    marked = LINK.sub(spelled_out, markup)
    for closing in ("</p>", "</li>", "</h2>", "</h3>", "</h4>", "<br>", "</blockquote>"):
        marked = marked.replace(closing, closing + "\n")
    lines = [line.strip() for line in strip_tags(marked).splitlines()]
    text, blank = [], False
    for line in lines:
        if line or not blank:
            text.append(line)
        blank = not line
    return html.unescape("\n".join(text).strip())


def version(mailing: Mailing, language: str) -> Version:
    body = _absolute_links(prose_html(getattr(mailing, f"body_{language}") or ""))
    return Version(
        language=language,
        subject=getattr(mailing, f"subject_{language}") or "",
        body_html=body,
        body_text=_text_of(body),
    )


def _context(mailing: Mailing, text: Version, *, name: str, unsubscribe: str) -> dict:
    return {
        "mailing": mailing,
        "subject": text.subject,
        "body_html": text.body_html,
        "body_text": text.body_text,
        "name": name,
        "unsubscribe_url": unsubscribe,
        **sender_context(),
    }


def list_headers(unsubscribe: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients offer their own unsubscribe button, which POSTs to the link."""
    return {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_test(*, mailing: Mailing, to: User) -> int:
    """Send the mailing in both languages to a staff member, marked as a test; the list is not touched."""
    sent = 0
    for language, _label in settings.LANGUAGES:
        text = version(mailing, language)
        preview_unsubscribe = f"{settings.SITE_URL}/stay-connected/"
        queued = queue_email(
            to=to.email,
            language=language,
            kind=OutboundEmail.Kind.MAILING,
            # Each test is a new email on purpose: staff test again after each correction.
            idempotency_key=f"mailing-test:{mailing.pk}:{language}:{uuid.uuid4().hex}",
            template=TEMPLATE,
            context={**_context(mailing, text, name=to.get_full_name(), unsubscribe=preview_unsubscribe), "test": True},
        )
        sent += queued is not None
    return sent


def start_sending(*, mailing: Mailing, by: User) -> int:
    """Claim the draft for sending and hand the fan-out to a worker after commit. Returns how many it will reach."""
    from . import tasks

    now = timezone.now()
    with transaction.atomic():
        claimed = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.DRAFT).update(
            status=Mailing.Status.SENDING, sending_started_at=now, sent_by=by
        )
        if claimed != 1:
            raise AlreadySent
        count = recipients(mailing).count()
        transaction.on_commit(lambda: tasks.fan_out_mailing.delay(mailing.pk))
    return count


def _batches(mailing: Mailing) -> Iterator[list[Subscriber]]:
    last_pk = 0
    while True:
        batch = list(recipients(mailing).filter(pk__gt=last_pk).order_by("pk")[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        last_pk = batch[-1].pk


def fan_out(*, mailing_id: int) -> int:
    """Write the mailing to the outbox for every recipient, batch by batch; mark it sent. Returns rows written."""
    mailing = Mailing.objects.get(pk=mailing_id)
    if mailing.status != Mailing.Status.SENDING:
        return 0
    versions = {language: version(mailing, language) for language, _label in settings.LANGUAGES}
    written = 0
    for batch in _batches(mailing):
        messages = []
        for subscriber in batch:
            unsubscribe = unsubscribe_url(subscriber)
            text = versions.get(subscriber.language, versions[settings.LANGUAGE_CODE])
            messages.append(
                EmailToQueue(
                    to=subscriber.email,
                    language=text.language,
                    kind=OutboundEmail.Kind.MAILING,
                    idempotency_key=f"mailing:{mailing.pk}:{subscriber.pk}",
                    template=TEMPLATE,
                    context=_context(mailing, text, name=subscriber.name, unsubscribe=unsubscribe),
                    headers=list_headers(unsubscribe),
                )
            )
        with transaction.atomic():
            queued = queue_bulk(messages=messages)
            # Counted in the batch's own transaction: a task run again after a crash counts only what it adds.
            Mailing.objects.filter(pk=mailing.pk).update(recipient_count=F("recipient_count") + queued)
        written += queued
    Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SENDING).update(
        status=Mailing.Status.SENT, sent_at=timezone.now()
    )
    return written
