"""Delivery: claim an outbox row, build its MIME message, hand it to SMTP, record what happened.

Delivery is at least once: a row is claimed with a conditional UPDATE so two workers never
send it at the same time, but a worker that dies after the SMTP server accepted the message
and before the row is marked sent leaves a row that a later attempt sends again (the
Message-ID is derived from the idempotency key, so mail systems that de-duplicate on it show
one copy).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.utils import parseaddr
from enum import Enum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboundEmail
from .policy import claim_timeout, max_attempts, retry_delay, sweep_grace

logger = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "X-Echo-Idempotency-Key"


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
