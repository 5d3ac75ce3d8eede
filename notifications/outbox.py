"""The outbox: queue emails inside the caller's transaction, exactly one row per idempotency key.

Writes only; after commit `tasks.publish_deliveries` hands the rows to the workers (a row written alone wakes a
drain, `notifications.kick`), `notifications.delivery` sends them and `notifications.sweeper` finds the ones
whose after-commit task never ran. Callers hand over everything an email needs (recipient,
language, template, context, attachments, key), or, with `queue_deferred` (`queue_deferred_select` for a
fan-out), the name of a function their app registered and the ids it renders the email from at delivery:
this app knows no domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import deferred, tasks
from .models import OutboundEmail
from .policy import sweep_grace
from .rendering import Attachment, encode_attachments, render_email


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
        attachments=encode_attachments(message.attachments),
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
    transaction.on_commit(partial(tasks.publish_deliveries, [row.pk]))
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


def queue_deferred(
    *,
    to: str,
    language: str,
    kind: str,
    idempotency_key: str,
    renderer: str,
    data: dict[str, Any],
) -> None:
    """Write one email to the outbox that delivery renders (`notifications.deferred`), in one INSERT.

    For callers holding a lock others wait on: nothing is rendered in their transaction, and nothing is read
    back. `data` is what the renderer registered as `renderer` is handed (ids, JSON). A row with this idempotency
    key already there wins quietly (ON CONFLICT DO NOTHING); the new row is delivered after commit.
    """
    _check_kind(kind)
    deferred.check(renderer)
    now = timezone.now()
    row = OutboundEmail(
        recipient=to,
        language=language,
        kind=kind,
        idempotency_key=idempotency_key,
        renderer=renderer,
        render_data=data,
        created_at=now,
        next_attempt_at=now + sweep_grace(),
    )
    new_id = _insert_unless_present(row)
    if new_id is not None:
        transaction.on_commit(partial(tasks.publish_deliveries, [new_id]))


def _insert_unless_present(row: OutboundEmail) -> int | None:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id: the new row's id, None when the key was there.

    Written out because the ORM's `bulk_create(ignore_conflicts=True)` returns no id, which cost a SELECT after
    commit to find what to publish. Every column is prepared as the ORM's INSERT prepares it (`pre_save`, then
    `get_db_prep_save`), so a field added to the model is written here too.
    """
    fields, sql = _insert_unless_present_sql(connection.vendor)
    values = [field.get_db_prep_save(field.pre_save(row, add=True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        inserted = cursor.fetchone()
    return inserted[0] if inserted else None


@cache
def _insert_unless_present_sql(vendor: str) -> tuple[list, str]:
    """`_insert_unless_present`'s columns and statement, written once per process and database: it runs under the
    seat lock a registration burst queues on."""
    meta = OutboundEmail._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    # Names from the model, values as parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(meta.get_field('idempotency_key').column)}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    return fields, sql


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
    return _insert_new(messages)


# What `queue_deferred_select` reads from each row of its query; the other columns are the same for every row.
SELECTED_COLUMNS = ("recipient", "language", "idempotency_key", "render_data")


def queue_deferred_select(*, rows: QuerySet, kind: str, renderer: str) -> int:
    """Write one email rendered at delivery (`notifications.deferred`) per row of `rows`, in one INSERT … SELECT:
    a fan-out's rows are neither fetched nor built in Python.

    `rows` is the caller's query (`values()`) of `SELECTED_COLUMNS`: the address, the language, the idempotency key
    and the JSON object the batch renderer registered as `renderer` (`deferred.register_many`) is handed. Keys
    already in the outbox are skipped (ON CONFLICT DO NOTHING); the rows written are delivered after commit, a
    batch at a time. Returns how many were written.
    """
    query_sql, query_params = rows.values(*SELECTED_COLUMNS).query.sql_with_params()
    sql, params = deferred_insert_sql(query_sql, list(query_params), kind=kind, renderer=renderer)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [pk for (pk,) in cursor.fetchall()]
    publish_after_commit(ids)
    return len(ids)


def deferred_insert_sql(rows_sql: str, rows_params: list, *, kind: str, renderer: str) -> tuple[str, list]:
    """The INSERT … SELECT that `queue_deferred_select` sends, for a caller that sends it with other statements
    (the seats of a registration and their emails, in one round trip): one email rendered at delivery per row of
    `rows_sql`, whose columns are named as `SELECTED_COLUMNS` (render_data a JSON object). Keys already in the
    outbox are skipped; the statement returns the ids of the rows written, which the caller hands to
    `publish_after_commit`."""
    _check_kind(kind)
    deferred.check(renderer)
    now = timezone.now()
    given = {
        "kind": kind,
        "renderer": renderer,
        "created_at": now,
        "updated_at": now,
        "next_attempt_at": now + sweep_grace(),
    }
    sql, fields, defaults = _deferred_insert(connection.vendor, rows_sql)
    params = [
        field.get_db_prep_save(given[field.name], connection) if field.name in given else default
        for field, default in zip(fields, defaults, strict=True)
    ]
    return sql, [*params, *rows_params]


# The columns the caller's rows do not give, and what is written in them: given per call, or the field's default.
_GIVEN = ("kind", "renderer", "created_at", "updated_at", "next_attempt_at")


@cache
def _deferred_insert(vendor: str, rows_sql: str) -> tuple[str, list, list]:
    """`deferred_insert_sql`'s statement, the fields its parameters fill and their defaults (prepared for the
    database), written once per process, database and caller's SQL: it runs under the seat lock."""
    quote = connection.ops.quote_name
    columns, values, fields, defaults = [], [], [], []
    for model_field in OutboundEmail._meta.concrete_fields:
        if model_field.primary_key:
            continue
        columns.append(quote(model_field.column))
        if model_field.name in SELECTED_COLUMNS:
            values.append(f"q.{quote(model_field.name)}")
            continue
        values.append("%s")
        fields.append(model_field)
        given = model_field.name in _GIVEN
        defaults.append(None if given else model_field.get_db_prep_save(model_field.get_default(), connection))
    # Only quoted names and the caller's SQL are spliced in; every value is a parameter. SQLite reads "ON" after a
    # bare FROM as a join's, so the SELECT has a WHERE (as its documentation on upserts asks).
    sql = (
        f"INSERT INTO {quote(OutboundEmail._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM ({rows_sql}) AS q WHERE true "
        f"ON CONFLICT DO NOTHING RETURNING {quote(OutboundEmail._meta.pk.column)}"
    )
    return sql, fields, defaults


def publish_after_commit(ids: Sequence[int]) -> None:
    """Hand the rows just written to the workers once the transaction commits (at once outside one)."""
    if ids:
        transaction.on_commit(partial(tasks.publish_deliveries, list(ids)))


def _insert_new(messages: Sequence[EmailToQueue]) -> int:
    """The rows of `messages` whose keys are new, rendered, in one INSERT per thousand; delivered after commit.

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
    transaction.on_commit(partial(_publish_keys, [row.idempotency_key for row in rows], now))
    return len(rows)


def _publish_keys(keys: list[str], created_at) -> None:
    ids = list(
        OutboundEmail.objects.filter(
            idempotency_key__in=keys, created_at=created_at, status=OutboundEmail.Status.QUEUED
        ).values_list("pk", flat=True)
    )
    tasks.publish_deliveries(ids)


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
        transaction.on_commit(partial(tasks.publish_deliveries, chosen))
    return len(chosen)


def cancel_queued(*, recipient: str, kind: str, reason: str) -> int:
    """Emails of one kind still waiting for a worker are not sent to this address after all (consent withdrawn).

    Rows already in flight may still go out; sent rows are history. Returns how many were stopped.
    """
    now = timezone.now()
    return OutboundEmail.objects.filter(
        recipient__iexact=recipient, kind=kind, status=OutboundEmail.Status.QUEUED
    ).update(status=OutboundEmail.Status.FAILED, last_error=reason, updated_at=now)
