"""Delivery: claim outbox rows, render those written to be rendered now, build their MIME messages, hand them
to SMTP, record what happened.

Delivery is at least once: a row is claimed with a conditional UPDATE so two workers never
send it at the same time, but a worker that dies after the SMTP server accepted the message
and before the row is marked sent leaves a row that a later attempt sends again (the
Message-ID is derived from the idempotency key, so mail systems that de-duplicate on it show
one copy). A batch claims its rows in one statement, sends them on one SMTP connection and
marks them sent every `MARK_SENT_EVERY` messages, which bounds what a dying worker sends twice.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import smtplib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.utils import parseaddr
from enum import Enum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import deferred, pipelining, signals, wire
from .models import OutboundEmail
from .policy import claim_timeout, max_attempts, retry_delay, sweep_grace
from .wire import IDEMPOTENCY_HEADER

logger = logging.getLogger(__name__)

# A batch marks the rows it sent in one UPDATE this often (and at its end).
MARK_SENT_EVERY = 25


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


def _claimable(now) -> Q:
    """Queued, or in flight longer than the claim timeout: that row belongs to a worker that died."""
    return Q(status=OutboundEmail.Status.QUEUED) | Q(
        status=OutboundEmail.Status.IN_FLIGHT, claimed_at__lt=now - claim_timeout()
    )


def claim(*, outbound_id: int) -> OutboundEmail | None:
    """Take a row for sending. Only one caller wins: the UPDATE is conditional on the row's current status."""
    now = timezone.now()
    won = OutboundEmail.objects.filter(_claimable(now), pk=outbound_id).update(
        status=OutboundEmail.Status.IN_FLIGHT, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    if won != 1:
        return None
    return OutboundEmail.objects.get(pk=outbound_id)


def claim_many(*, outbound_ids: Sequence[int]) -> list[OutboundEmail]:
    """Take the rows of a batch that are free in one UPDATE; rows another worker holds are left to it.

    On PostgreSQL the rows are read FOR UPDATE SKIP LOCKED, so the UPDATE changes exactly the rows read and
    two workers handed overlapping batches never share a row; elsewhere (SQLite under `make run`) each row is
    claimed with its own conditional UPDATE.
    """
    if not connection.features.has_select_for_update_skip_locked:
        return [row for outbound_id in outbound_ids if (row := claim(outbound_id=outbound_id)) is not None]
    now = timezone.now()
    return _take_skipping_locked(OutboundEmail.objects.filter(_claimable(now), pk__in=list(outbound_ids)), now=now)


def _fresh(now) -> Q:
    """Queued, never claimed, and still within the sweep's grace: rows whose after-commit kick is theirs to answer.
    A row that failed, or was given back untried (`release`), keeps its `claimed_at` and waits for the sweeper."""
    return Q(status=OutboundEmail.Status.QUEUED, claimed_at__isnull=True, next_attempt_at__gt=now)


def claim_fresh(*, limit: int) -> list[OutboundEmail]:
    """Take up to `limit` rows waiting for a kick (`_fresh`), oldest first, for a drain (`notifications.kick`).

    The same claim as `claim_many`'s: on PostgreSQL FOR UPDATE SKIP LOCKED (the partial index `outbox_queued_due`
    finds the queued rows), so two drains at once take disjoint rows; elsewhere a conditional UPDATE per row.
    """
    now = timezone.now()
    candidates = OutboundEmail.objects.filter(_fresh(now))
    if connection.features.has_select_for_update_skip_locked:
        return _take_skipping_locked(candidates, now=now, limit=limit)
    won = [
        pk
        for pk in candidates.order_by("pk").values_list("pk", flat=True)[:limit]
        if candidates.filter(pk=pk).update(
            status=OutboundEmail.Status.IN_FLIGHT, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
        )
    ]
    return list(OutboundEmail.objects.filter(pk__in=won).order_by("pk"))


def _take_skipping_locked(candidates, *, now, limit: int | None = None) -> list[OutboundEmail]:
    """Read `candidates` FOR UPDATE SKIP LOCKED and mark exactly those rows in flight, in one transaction."""
    with transaction.atomic():
        rows = list(candidates.select_for_update(skip_locked=True).order_by("pk")[:limit])
        OutboundEmail.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=OutboundEmail.Status.IN_FLIGHT, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
        )
    for row in rows:
        row.status, row.claimed_at, row.attempts = OutboundEmail.Status.IN_FLIGHT, now, row.attempts + 1
    return rows


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


@functools.lru_cache(maxsize=8)
def _domain_of(from_email: str) -> str:
    return parseaddr(from_email)[1].rpartition("@")[2] or "localhost"


def _message_id(row: OutboundEmail) -> str:
    domain = _domain_of(settings.DEFAULT_FROM_EMAIL)
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
    # SMTPServerDisconnected, refused connections and timeouts are OSErrors, and a database that does not answer
    # while a row is rendered is a DatabaseError: temporary. Anything else (a malformed row, a bug) fails the same
    # way every time.
    return not isinstance(error, OSError | DatabaseError)


def _smtp_answer(error: Exception) -> tuple[int, str] | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, message = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, message = error.smtp_code, error.smtp_error
    else:
        return None
    return code, message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def _describe(error: Exception) -> str:
    """Why it failed. An SMTP answer comes first, code and all ("550 5.1.1 No such user (SMTPRecipientsRefused)"),
    so a permanent refusal can be told from the row (`OutboundEmail.refusal_code`)."""
    answer = _smtp_answer(error)
    if answer is not None:
        code, message = answer
        return f"{code} {message} ({type(error).__name__})"[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


def _record_failure(row: OutboundEmail, error: Exception) -> Delivery:
    now = timezone.now()
    mine = OutboundEmail.objects.filter(pk=row.pk, status=OutboundEmail.Status.IN_FLIGHT, claimed_at=row.claimed_at)
    # A refused recipient or message leaves the SMTP session usable for the rest of the batch; a lost connection
    # (smtplib's disconnection, a reset, a timeout) does not.
    connection_broken = isinstance(error, smtplib.SMTPServerDisconnected) or (
        isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
    )
    if _is_permanent(error) or row.attempts >= max_attempts():
        mine.update(status=OutboundEmail.Status.FAILED, last_error=_describe(error), updated_at=now)
        logger.warning("Outbox email %s failed for good: %s", row.pk, _describe(error))
        if isinstance(error, smtplib.SMTPRecipientsRefused) and _is_permanent(error):
            signals.recipient_refused.send(sender=OutboundEmail, outbound=row)
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


class NothingToSend(Exception):
    """What a deferred email was about is gone (its renderer found nothing): the row fails with this reason."""


def _fill(row: OutboundEmail, rendered: deferred.Rendered | None) -> None:
    if rendered is None:
        raise NothingToSend(f"{row.renderer} found nothing to send for {row.render_data}")
    row.subject = rendered.email.subject
    row.body_text = rendered.email.body_text
    row.body_html = rendered.email.body_html
    row.attachments = rendered.attachments
    row.headers = {**rendered.headers, **row.headers}
    row.rendered_now = True
    # What `wire.prebuild` fills its bytes in from.
    row.stencil, row.stencil_values = rendered.stencil, rendered.values


def _render_if_deferred(row: OutboundEmail) -> None:
    """Fill in a row written to be rendered at delivery (its renderer, in its language); others are left as they are."""
    if not row.awaits_rendering:
        return
    _fill(row, deferred.render(renderer=row.renderer, data=row.render_data, language=row.language))


def _render_batch(rows: Sequence[OutboundEmail]) -> dict[int, Exception]:
    """Fill in the batch's rows written to be rendered now, each renderer's rows at once (`deferred.render_many`).

    Returns why a row could not be rendered, by id: nothing to send, or the error its renderer raised (for all of
    that renderer's rows), which `_send` records as it would a failure to send.
    """
    by_renderer: dict[str, list[OutboundEmail]] = {}
    for row in rows:
        if row.awaits_rendering:
            by_renderer.setdefault(row.renderer, []).append(row)
    errors: dict[int, Exception] = {}
    for renderer, group in by_renderer.items():
        try:
            results = deferred.render_many(renderer=renderer, items=[(row.render_data, row.language) for row in group])
        except Exception as error:  # recorded on each row, classified as a sending error would be
            errors.update((row.pk, error) for row in group)
            continue
        for row, rendered in zip(group, results, strict=True):
            try:
                _fill(row, rendered)
            except NothingToSend as error:
                errors[row.pk] = error
    return errors


def _send(
    row: OutboundEmail, connection, *, render_error: Exception | None = None, prebuilt: wire.Prebuilt | None = None
) -> Delivery | None:
    """Render (if deferred) and send one claimed row; None when it went out, else the recorded failure.

    `prebuilt` is its message already built (`wire.prebuild`), handed to the open SMTP connection as Django's SMTP
    backend would hand its own.
    """
    try:
        if render_error is not None:
            raise render_error
        if prebuilt is not None:
            connection.connection.sendmail(prebuilt.sender, [prebuilt.recipient], prebuilt.data)
            return None
        _render_if_deferred(row)
        build_message(row, connection=connection).send()
    except Exception as error:  # every failure is recorded on the row, classified, and logged
        return _record_failure(row, error)
    return None


def _send_all(
    rows: Sequence[OutboundEmail],
    mail_connection,
    render_errors: dict[int, Exception],
    prebuilt: dict[int, wire.Prebuilt],
) -> Iterator[tuple[OutboundEmail, Delivery | None]]:
    """Send the batch's rows in order; yields each row with its outcome (`_send`'s), in the same order.

    Rows filled in as bytes go through `pipelining` when the server offers it: one round trip each instead of
    four, a row's outcome known when the next one is handed over. Any other row waits for those before it.
    """
    pipeline = None
    if prebuilt:
        try:
            pipeline = (
                pipelining.Pipeline(mail_connection.connection)
                if pipelining.available(mail_connection.connection)
                else None
            )
        except Exception:  # the greeting failed: each row tries the ordinary way and records why it failed
            logger.info("EHLO failed before a batch", exc_info=True)
    by_pk = {row.pk: row for row in rows}

    def outcomes(known: pipelining.Outcomes) -> Iterator[tuple[OutboundEmail, Delivery | None]]:
        for pk, error in known:
            row = by_pk[pk]
            yield row, None if error is None else _record_failure(row, error)

    for row in rows:
        message = prebuilt.get(row.pk)
        if pipeline is not None and message is not None:
            yield from outcomes(
                pipeline.send(row.pk, sender=message.sender, recipient=message.recipient, data=message.data)
            )
            continue
        if pipeline is not None:
            yield from outcomes(pipeline.finish())
        yield row, _send(row, mail_connection, render_error=render_errors.get(row.pk), prebuilt=message)
    if pipeline is not None:
        yield from outcomes(pipeline.finish())


def _prebuild(rows: Sequence[OutboundEmail], mail_connection) -> dict[int, wire.Prebuilt]:
    """The batch's messages filled in as bytes (`wire`), when they go to an open SMTP connection: the other
    backends (files, the console, tests' memory) are handed message objects, not bytes."""
    if not isinstance(mail_connection, SmtpBackend) or mail_connection.connection is None:
        return {}
    return wire.prebuild(rows, build=build_message, message_id=_message_id)


RENDERED_FIELDS = ["subject", "body_text", "body_html", "attachments", "headers"]


def mark_sent(rows: Sequence[OutboundEmail]) -> None:
    """Record rows as sent: one UPDATE for those sent as written, one for those rendered now (with what was sent)."""
    if not rows:
        return
    now = timezone.now()
    rendered = [row for row in rows if getattr(row, "rendered_now", False)]
    as_written = [row.pk for row in rows if not getattr(row, "rendered_now", False)]
    if as_written:
        OutboundEmail.objects.filter(pk__in=as_written, status=OutboundEmail.Status.IN_FLIGHT).update(
            status=OutboundEmail.Status.SENT, sent_at=now, last_error="", updated_at=now
        )
    for row in rendered:
        row.status, row.sent_at, row.last_error, row.updated_at = OutboundEmail.Status.SENT, now, "", now
    if not rendered:
        return
    if connection.vendor == "postgresql":
        _store_rendered_and_sent(rendered, now=now)
    else:
        OutboundEmail.objects.bulk_update(
            rendered, [*RENDERED_FIELDS, "status", "sent_at", "last_error", "updated_at"], batch_size=MARK_SENT_EVERY
        )


def _column(name: str) -> str:
    return connection.ops.quote_name(OutboundEmail._meta.get_field(name).column)


def _store_rendered_and_sent(rows: Sequence[OutboundEmail], *, now) -> None:
    """What each row sent and its new status, in one UPDATE … FROM (VALUES …) on PostgreSQL.

    `bulk_update` would say the same with a CASE per column and row, which Django takes longer to build than the
    emails took to render.
    """
    names = ["id", *RENDERED_FIELDS]
    casts = {"id": "::bigint", "attachments": "::jsonb", "headers": "::jsonb"}
    values_row = "(" + ", ".join(f"%s{casts.get(name, '')}" for name in names) + ")"
    assignments = ", ".join(f"{_column(name)} = v.{_column(name)}" for name in RENDERED_FIELDS)
    # Only quoted column names and placeholders are spliced in; every value is a parameter.
    table = connection.ops.quote_name(OutboundEmail._meta.db_table)
    sql = (
        f"UPDATE {table} AS o SET {assignments}, "  # noqa: S608
        f"{_column('status')} = %s, {_column('sent_at')} = %s, {_column('last_error')} = '', "
        f"{_column('updated_at')} = %s "
        f"FROM (VALUES {', '.join([values_row] * len(rows))}) AS v({', '.join(map(_column, names))}) "
        f"WHERE o.{_column('id')} = v.{_column('id')} AND o.{_column('status')} = %s"
    )
    params: list = [OutboundEmail.Status.SENT, now, now]
    for row in rows:
        params += [row.pk, row.subject, row.body_text, row.body_html]
        params += [json.dumps(row.attachments), json.dumps(row.headers)]
    params.append(OutboundEmail.Status.IN_FLIGHT)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def deliver(*, outbound_id: int, connection=None) -> Delivery:
    """Claim one row and send it over the email backend (or the open `connection`)."""
    row = claim(outbound_id=outbound_id)
    if row is None:
        return Delivery(Outcome.NOT_CLAIMED)
    failure = _send(row, connection)
    if failure is not None:
        return failure
    mark_sent([row])
    return Delivery(Outcome.SENT)


def _open_connection():
    return get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)


def _close_quietly(smtp_connection) -> None:
    try:
        smtp_connection.close()
    except Exception:  # a broken connection may fail to say goodbye; nothing is lost
        logger.debug("Closing a broken mail connection failed", exc_info=True)


def deliver_many(*, outbound_ids: Sequence[int]) -> dict[Outcome, int]:
    """Deliver a fan-out batch: claimed in one statement, rendered together where written to be rendered now, sent
    over one SMTP connection, marked sent in groups.

    A recipient the server refuses fails (or goes back to the queue) alone, the others go on, on the same
    connection. Rows that fail temporarily go back to the queue with their backoff and are found by the sweeper.
    When the connection itself breaks, the rest of the batch goes back to the queue at once, for the sweeper
    too: hammering a server that is down helps nobody.
    """
    rows = claim_many(outbound_ids=outbound_ids)
    counts = deliver_claimed(rows)
    counts[Outcome.NOT_CLAIMED] += len(set(outbound_ids)) - len(rows)
    return counts


def deliver_claimed(rows: Sequence[OutboundEmail]) -> dict[Outcome, int]:
    """Send rows this caller claimed, as `deliver_many` does (one SMTP connection); rows it gave back untried are
    counted as not claimed."""
    counts = dict.fromkeys(Outcome, 0)
    if not rows:
        return counts
    mail_connection = _open_connection()
    try:
        # Opened here, the backend keeps the connection across messages instead of one per email.
        mail_connection.open()
    except Exception:
        logger.warning("Mail server unavailable for a batch of %d", len(rows), exc_info=True)
        # One row tries (and records why it failed); the others go back to the queue for the sweeper.
        release(rows[1:])
        counts[Outcome.NOT_CLAIMED] += len(rows) - 1
        rows = rows[:1]
    sent: list[OutboundEmail] = []
    try:
        render_errors = _render_batch(rows)
        prebuilt = _prebuild([row for row in rows if row.pk not in render_errors], mail_connection)
        for index, (row, failure) in enumerate(_send_all(rows, mail_connection, render_errors, prebuilt)):
            if failure is None:
                sent.append(row)
                counts[Outcome.SENT] += 1
                if len(sent) >= MARK_SENT_EVERY:
                    mark_sent(sent)
                    sent = []
                continue
            counts[failure.outcome] += 1
            if failure.connection_broken:
                release(rows[index + 1 :])
                counts[Outcome.NOT_CLAIMED] += len(rows) - index - 1
                break
    finally:
        mark_sent(sent)
        _close_quietly(mail_connection)
    return counts


def release(rows: Sequence[OutboundEmail]) -> None:
    """Give claimed rows back, untried: queued again, found by the sweeper after its grace period."""
    if not rows:
        return
    now = timezone.now()
    OutboundEmail.objects.filter(
        pk__in=[row.pk for row in rows],
        status=OutboundEmail.Status.IN_FLIGHT,
        claimed_at__in={row.claimed_at for row in rows},
    ).update(
        status=OutboundEmail.Status.QUEUED,
        attempts=F("attempts") - 1,
        next_attempt_at=now + sweep_grace(),
        updated_at=now,
    )
