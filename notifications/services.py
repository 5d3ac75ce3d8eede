"""The outbox: queue emails inside the caller's transaction, deliver them after commit, exactly one row per key.

Writes only. Delivery is at least once: a row is claimed with a conditional UPDATE so
two workers never send it at the same time, but a worker that dies after the SMTP
server accepted the message and before the row is marked sent leaves a row that a
later attempt sends again (the Message-ID is derived from the idempotency key, so
mail systems that de-duplicate on it show one copy).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import random
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.utils import parseaddr
from enum import Enum
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboundEmail
from .rendering import render_email

logger = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "X-Echo-Idempotency-Key"
# How many ids one delivery task of a fan-out carries: one SMTP connection is reused for all of them.
BATCH_SIZE = 100


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email. `mimetype` may carry parameters, e.g. "text/calendar; method=REQUEST"."""

    filename: str
    content: bytes | str
    mimetype: str


@dataclass(frozen=True)
class EmailToQueue:
    """One email of a fan-out: the same arguments `queue_email` takes."""

    to: str
    language: str
    kind: str
    idempotency_key: str
    template: str
    context: dict[str, Any]
    attachments: Sequence[Attachment] = ()
    headers: dict[str, str] | None = field(default=None)


# Tunables, read on each use so tests and deployments can change them without a restart of the settings module.
def _seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def sweep_grace() -> timedelta:
    """How long a queued row waits for its after-commit task before the sweeper enqueues it again."""
    return timedelta(seconds=_seconds("OUTBOX_SWEEP_AFTER_SECONDS", 60))


def claim_timeout() -> timedelta:
    """How long a row may stay in flight before it is presumed abandoned by a dead worker."""
    return timedelta(seconds=_seconds("OUTBOX_CLAIM_TIMEOUT_SECONDS", 300))


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 6))


def retry_delay(*, attempts: int) -> float:
    """Exponential backoff with jitter: base · 2^(attempts-1), capped, then scaled by a random 50–100 %."""
    base = _seconds("OUTBOX_RETRY_BACKOFF_SECONDS", 30)
    cap = _seconds("OUTBOX_RETRY_BACKOFF_MAX_SECONDS", 1800)
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return ceiling * random.uniform(0.5, 1.0)


# --- queueing ---------------------------------------------------------------------------------------------------


def _encode_attachments(attachments: Iterable[Attachment]) -> list[dict[str, str]]:
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


def _check_kind(kind: str) -> None:
    if kind not in OutboundEmail.Kind.values:
        raise ValueError(f"Unknown email kind {kind!r}; add it to OutboundEmail.Kind.")


def _build_row(message: EmailToQueue, *, now) -> OutboundEmail:
    _check_kind(message.kind)
    rendered = render_email(template=message.template, context=message.context, language=message.language)
    return OutboundEmail(
        recipient=message.to,
        language=message.language,
        kind=message.kind,
        idempotency_key=message.idempotency_key,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        headers=dict(message.headers or {}),
        attachments=_encode_attachments(message.attachments),
        created_at=now,
        next_attempt_at=now + sweep_grace(),
    )


def _insert_once(row: OutboundEmail) -> OutboundEmail | None:
    if OutboundEmail.objects.filter(idempotency_key=row.idempotency_key).exists():
        return None
    try:
        # A savepoint, so a concurrent writer of the same key costs this caller nothing but the return value.
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        if OutboundEmail.objects.filter(idempotency_key=row.idempotency_key).exists():
            return None
        raise
    transaction.on_commit(partial(publish_deliveries, [row.pk]))
    return row


def queue_email(
    *,
    to: str,
    language: str,
    kind: str,
    idempotency_key: str,
    template: str,
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
    headers: dict[str, str] | None = None,
) -> OutboundEmail | None:
    """Write one email to the outbox in the current transaction; deliver it after commit.

    Returns None, and writes nothing, when an email with this idempotency key already exists.
    """
    message = EmailToQueue(
        to=to,
        language=language,
        kind=kind,
        idempotency_key=idempotency_key,
        template=template,
        context=context,
        attachments=attachments,
        headers=headers,
    )
    if OutboundEmail.objects.filter(idempotency_key=idempotency_key).exists():
        return None
    return _insert_once(_build_row(message, now=timezone.now()))


def queue_rendered_email(
    *,
    to: str,
    language: str,
    kind: str,
    idempotency_key: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    headers: dict[str, str] | None = None,
) -> OutboundEmail | None:
    """Like `queue_email`, for a message something else already rendered (allauth's account emails)."""
    _check_kind(kind)
    now = timezone.now()
    row = OutboundEmail(
        recipient=to,
        language=language,
        kind=kind,
        idempotency_key=idempotency_key,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        headers=dict(headers or {}),
        created_at=now,
        next_attempt_at=now + sweep_grace(),
    )
    return _insert_once(row)


def queue_bulk(*, messages: Sequence[EmailToQueue]) -> int:
    """Write many emails in one INSERT (keys already present are skipped); deliver them after commit.

    Returns how many rows were written.
    """
    keys = [message.idempotency_key for message in messages]
    existing = set(OutboundEmail.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    now = timezone.now()
    seen: set[str] = set()
    rows = []
    for message in messages:
        if message.idempotency_key in existing or message.idempotency_key in seen:
            continue
        seen.add(message.idempotency_key)
        rows.append(_build_row(message, now=now))
    if not rows:
        return 0
    # ignore_conflicts: a concurrent writer of the same key wins quietly (ON CONFLICT DO NOTHING).
    OutboundEmail.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    new_keys = [row.idempotency_key for row in rows]
    transaction.on_commit(partial(_publish_keys, new_keys, now))
    return len(rows)


def _publish_keys(keys: list[str], created_at) -> None:
    ids = list(
        OutboundEmail.objects.filter(
            idempotency_key__in=keys, created_at=created_at, status=OutboundEmail.Status.QUEUED
        ).values_list("pk", flat=True)
    )
    publish_deliveries(ids)


def publish_deliveries(outbound_ids: Sequence[int]) -> None:
    """Hand rows to the workers. Never raises: a row the broker did not take is found by the sweeper."""
    from . import tasks

    ids = list(outbound_ids)
    if not ids:
        return
    try:
        if len(ids) == 1:
            tasks.deliver_email.apply_async((ids[0],))
        else:
            for start in range(0, len(ids), BATCH_SIZE):
                tasks.deliver_batch.apply_async((ids[start : start + BATCH_SIZE],))
    except Exception:
        # The rows are committed: the sweeper enqueues them again once the broker answers. The user must not
        # see an error for a registration that succeeded.
        logger.warning("Could not publish %d outbox deliveries; the sweeper will retry", len(ids), exc_info=True)


def resend(*, outbound_ids: Sequence[int]) -> int:
    """Send sent or failed emails again (staff action): back to queued, delivered after commit.

    Rows still queued or in flight are left alone: they are on their way. Returns how many will be sent again.
    """
    now = timezone.now()
    with transaction.atomic():
        chosen = list(
            OutboundEmail.objects.select_for_update()
            .filter(pk__in=outbound_ids, status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED])
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=chosen).update(
            status=OutboundEmail.Status.QUEUED,
            attempts=0,
            claimed_at=None,
            sent_at=None,
            next_attempt_at=now + sweep_grace(),
            updated_at=now,
        )
        transaction.on_commit(partial(publish_deliveries, chosen))
    return len(chosen)


# --- delivery ---------------------------------------------------------------------------------------------------


class Outcome(Enum):
    SENT = "sent"
    NOT_CLAIMED = "not_claimed"  # already sent, failed, or being sent by another worker
    RETRY = "retry"  # temporary failure: back to queued, try again after `retry_in`
    FAILED = "failed"  # permanent failure, recorded with its reason


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_in: float | None = None
    connection_broken: bool = False


def claim(*, outbound_id: int) -> OutboundEmail | None:
    """Take a row for sending. Only one caller wins: the UPDATE is conditional on the row's current status.

    A row in flight longer than the claim timeout belongs to a worker that died: it may be claimed again.
    """
    now = timezone.now()
    abandoned_before = now - claim_timeout()
    won = (
        OutboundEmail.objects.filter(pk=outbound_id)
        .filter(
            Q(status=OutboundEmail.Status.QUEUED)
            | Q(status=OutboundEmail.Status.IN_FLIGHT, claimed_at__lt=abandoned_before)
        )
        .update(status=OutboundEmail.Status.IN_FLIGHT, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    )
    if won != 1:
        return None
    return OutboundEmail.objects.get(pk=outbound_id)


def held_for(*, outbound_id: int) -> float | None:
    """Seconds until another worker's claim on this row expires, or None when the row is not in flight."""
    claimed_at = (
        OutboundEmail.objects.filter(pk=outbound_id, status=OutboundEmail.Status.IN_FLIGHT)
        .values_list("claimed_at", flat=True)
        .first()
    )
    if claimed_at is None:
        return None
    return max((claimed_at + claim_timeout() - timezone.now()).total_seconds(), 0.0)


def _message_id(row: OutboundEmail) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def _mime_part(attachment: dict[str, str]) -> MIMEBase:
    content = base64.b64decode(attachment["content_b64"])
    mimetype, *params = [part.strip() for part in attachment["mimetype"].split(";")]
    maintype, _, subtype = mimetype.partition("/")
    if maintype == "text":
        part: MIMEBase = MIMEText(content.decode("utf-8"), subtype, "utf-8")
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(content)
        encoders.encode_base64(part)
    for param in params:
        name, _, value = param.partition("=")
        part.set_param(name.strip(), value.strip().strip('"'))
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def build_message(row: OutboundEmail, *, connection=None) -> EmailMultiAlternatives:
    headers = {"Message-ID": _message_id(row), IDEMPOTENCY_HEADER: row.idempotency_key, **row.headers}
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient],
        headers=headers,
        connection=connection,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for attachment in row.attachments:
        if _is_invitation(attachment):
            # Outlook looks for a scheduling message (iMIP) only among the alternatives of the body, Gmail and
            # Apple Mail in either place: the invitation goes last among the alternatives, as Google Calendar's own
            # invitations do, and stays attached as a file for clients that only offer attachments.
            message.attach_alternative(
                base64.b64decode(attachment["content_b64"]).decode("utf-8"), attachment["mimetype"]
            )
        message.attach(_mime_part(attachment))
    return message


def _is_invitation(attachment: dict[str, str]) -> bool:
    mimetype = attachment["mimetype"].replace(" ", "").lower()
    return mimetype.startswith("text/calendar;") and "method=" in mimetype


def _is_permanent(error: Exception) -> bool:
    """5xx answers are permanent; connection trouble, timeouts and 4xx answers are worth another try."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPConnectError):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    # SMTPServerDisconnected, refused connections and timeouts are OSErrors: temporary. Anything else (a malformed
    # row, a bug) fails the same way every time.
    return not isinstance(error, OSError)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _record_failure(row: OutboundEmail, error: Exception) -> Delivery:
    now = timezone.now()
    mine = OutboundEmail.objects.filter(pk=row.pk, status=OutboundEmail.Status.IN_FLIGHT, claimed_at=row.claimed_at)
    connection_broken = isinstance(error, OSError) and not isinstance(error, smtplib.SMTPResponseException)
    if _is_permanent(error) or row.attempts >= max_attempts():
        mine.update(status=OutboundEmail.Status.FAILED, last_error=_describe(error), updated_at=now)
        logger.warning("Outbox email %s failed for good: %s", row.pk, _describe(error))
        return Delivery(Outcome.FAILED, connection_broken=connection_broken)
    delay = retry_delay(attempts=row.attempts)
    # The retry task is due after `delay`; the sweeper only steps in a grace period later, if that task was lost.
    mine.update(
        status=OutboundEmail.Status.QUEUED,
        last_error=_describe(error),
        next_attempt_at=now + timedelta(seconds=delay) + sweep_grace(),
        updated_at=now,
    )
    logger.info("Outbox email %s: temporary failure, retry in %.0f s: %s", row.pk, delay, _describe(error))
    return Delivery(Outcome.RETRY, retry_in=delay, connection_broken=connection_broken)


def deliver(*, outbound_id: int, connection=None) -> Delivery:
    """Claim one row and send it over the email backend (or the open `connection`)."""
    row = claim(outbound_id=outbound_id)
    if row is None:
        return Delivery(Outcome.NOT_CLAIMED)
    try:
        build_message(row, connection=connection).send()
    except Exception as error:  # every failure is recorded on the row, classified, and logged
        return _record_failure(row, error)
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
    )
    return Delivery(Outcome.SENT)


def _open_connection():
    return get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)


def _close_quietly(smtp_connection) -> None:
    try:
        smtp_connection.close()
    except Exception:  # a broken connection may fail to say goodbye; nothing is lost
        logger.debug("Closing a broken mail connection failed", exc_info=True)


def deliver_many(*, outbound_ids: Sequence[int]) -> dict[Outcome, int]:
    """Deliver a fan-out batch over one SMTP connection.

    Rows that fail temporarily go back to the queue with their backoff and are found by the sweeper. When the
    connection itself breaks, the rest of the batch is left queued for the sweeper too: hammering a server that
    is down helps nobody.
    """
    counts = dict.fromkeys(Outcome, 0)
    mail_connection = _open_connection()
    try:
        # Opened here, the backend keeps the connection across messages instead of one per email.
        mail_connection.open()
    except Exception:
        logger.warning("Mail server unavailable for a batch of %d", len(outbound_ids), exc_info=True)
        # One row tries (and records why it failed); the sweeper brings the others back later.
        outbound_ids = outbound_ids[:1]
    try:
        for outbound_id in outbound_ids:
            delivery = deliver(outbound_id=outbound_id, connection=mail_connection)
            counts[delivery.outcome] += 1
            if delivery.connection_broken:
                break
    finally:
        _close_quietly(mail_connection)
    return counts


# --- sweeping ---------------------------------------------------------------------------------------------------


def release_abandoned() -> int:
    """Put rows in flight for longer than the claim timeout back in the queue (their worker died)."""
    now = timezone.now()
    return OutboundEmail.objects.filter(
        status=OutboundEmail.Status.IN_FLIGHT, claimed_at__lt=now - claim_timeout()
    ).update(status=OutboundEmail.Status.QUEUED, next_attempt_at=now, updated_at=now)


def claim_due(*, limit: int = 1000) -> list[int]:
    """Take queued rows whose task is overdue, so this sweeper alone re-enqueues them for the next minute.

    On PostgreSQL, SKIP LOCKED gives concurrent sweepers disjoint rows in one statement; elsewhere each row is
    taken with its own conditional UPDATE. Either way a row is handed out once per grace period.
    """
    now = timezone.now()
    lease_until = now + sweep_grace()
    due = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            OutboundEmail.objects.filter(pk__in=ids).update(next_attempt_at=lease_until, updated_at=now)
        return ids
    taken = []
    for pk, next_attempt_at in due.values_list("pk", "next_attempt_at")[:limit]:
        won = OutboundEmail.objects.filter(
            pk=pk, status=OutboundEmail.Status.QUEUED, next_attempt_at=next_attempt_at
        ).update(next_attempt_at=lease_until, updated_at=now)
        if won:
            taken.append(pk)
    return taken


def sweep(*, limit: int = 1000, max_rounds: int = 50) -> list[int]:
    """Release abandoned rows, then re-enqueue overdue ones, `limit` at a time, so the backlog of a long broker
    outage (a fan-out to thousands) drains in one run rather than a thousand a minute. Returns the ids handed out.
    """
    release_abandoned()
    handed_out: list[int] = []
    for _round in range(max_rounds):
        ids = claim_due(limit=limit)
        publish_deliveries(ids)
        handed_out.extend(ids)
        if len(ids) < limit:
            break
    return handed_out
