"""Email hooks the enrollment services call inside their transactions, and the programme emails queued by tasks.

Each function writes outbox rows in the current transaction (through
notifications.outbox) and returns nothing: the email exists exactly when the
change that caused it was committed.

The hooks run under the session (or series) lock every other learner of a burst waits on, so they
render nothing: each writes the recipient, the key and the ids of what happened
(`queue_deferred`), and the content function registered for it below (`register_renderers`,
called when the app is ready) builds the email when a worker delivers it, from the rows as they
are then. The recording email to every registrant of a session is written the same way, a
thousand rows per INSERT … SELECT (`queue_deferred_select`), and built a delivery batch at a time. The other
programme emails queued by tasks (updates, reminders) are rendered when queued, outside any lock.

Idempotency keys decide what "the same email" means:
- `confirm:<enrollment>`: one welcome per enrollment, ever.
- `waitlist:<registration>:<t>`, `promoted:<registration>:<t>` where `<t>` is the moment the registration
  took that status, and `registered:<user>:<digest>`, `cancelled:<first registration>:<digest>` (one email for
  several sessions) where the digest covers each registration's id and `<t>`: a retried transaction writes
  the same key (nothing twice), while cancelling and picking the session again is a new change with a new
  key (a new email).
- `update:<registration>:<sequence>`: the session's calendar sequence, bumped by every reschedule or cancellation.
- `reminder-24h:<registration>:<sequence>`, `reminder-1h:…`: a moved session is reminded of again at its new time.
- `recording:<registration>`: the materials once.
- `join-approved:<request>:<t>`, `join-declined:<request>:<t>` where `<t>` is the moment of the decision: one
  answer per decision, and a new one when the person asks again and is answered again.
"""

import hashlib
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, JSONObject
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.unsubscribe import reminders_unsubscribe_token
from notifications import deferred, ics
from notifications.models import OutboundEmail
from notifications.outbox import Attachment, EmailToQueue, deferred_insert_sql, queue_deferred
from sessions.models import Resource, Session

from .calendar import absolute, session_event
from .models import Enrollment, JoinRequest, Registration

INVITE_FILENAME = "echo-sessions.ics"
CANCEL_FILENAME = "echo-cancelled.ics"


# --- the context every programme email shares ------------------------------------------------------------------


def language_for(preferred_language: str) -> str:
    return preferred_language if preferred_language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def language_of(user: User) -> str:
    return language_for(user.preferred_language)


def recipient_context(user: User) -> dict[str, Any]:
    zone = user.effective_time_zone
    return {
        "user": user,
        "recipient_name": user.get_short_name(),
        # Session times are written in the recipient's zone, as the pages write them (core.formatting).
        "time_zone": zone,
        "my_learning_url": absolute(reverse("enrollment:my_learning")),
    }


def session_item(session: Session, *, with_join_link: bool) -> dict[str, Any]:
    return {
        "session": session,
        "page_url": absolute(session.get_absolute_url()),
        "join_url": session.join_url if with_join_link and not session.is_cancelled else "",
    }


def _stamp(registration: Registration) -> int:
    """When the registration took its current status, in microseconds: part of keys that must change on a re-pick."""
    return _microseconds(registration.status_changed_at or registration.registered_at)


def _microseconds(moment) -> int:
    return int(moment.timestamp() * 1_000_000)


def _calendar_attachment(*, user: User, sessions: Sequence[Session], cancel: bool, filename: str) -> Attachment:
    with translation.override(language_of(user)):
        events = [session_event(session, with_join_link=not cancel) for session in sessions]
        builder = ics.cancellation if cancel else ics.invitation
        content = builder(events=events, attendee_email=user.email, attendee_name=user.get_full_name())
    return Attachment(
        filename=filename, content=content, mimetype=ics.email_mimetype(ics.CANCEL if cancel else ics.REQUEST)
    )


# --- hooks called by enrollment.services ------------------------------------------------------------------------

ENROLLMENT_CONFIRMED = "enrollment.enrollment_confirmed"
REGISTRATIONS_CONFIRMED = "enrollment.registrations_confirmed"
WAITLIST_JOINED = "enrollment.waitlist_joined"
PROMOTED = "enrollment.promoted_from_waitlist"
REGISTRATIONS_CANCELLED = "enrollment.registrations_cancelled"
JOIN_APPROVED = "enrollment.join_request_approved"
JOIN_DECLINED = "enrollment.join_request_declined"


def enrollment_confirmed(*, enrollment: Enrollment) -> None:
    user = enrollment.user
    queue_deferred(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.CONFIRMATION,
        idempotency_key=f"confirm:{enrollment.pk}",
        renderer=ENROLLMENT_CONFIRMED,
        data={"enrollment": enrollment.pk},
    )


def _batch(registrations: Iterable[Registration]) -> tuple[list[int], str]:
    """The registrations' ids in session order, and a digest naming exactly this batch.

    The digest covers each registration and the moment it took its status: a retry of the same
    batch gives the same idempotency key, a new pick (or a cancel and re-pick) a new one.
    """
    ordered = sorted(registrations, key=lambda registration: registration.session.starts_at)
    fingerprint = ",".join(f"{registration.pk}@{_stamp(registration)}" for registration in ordered)
    return [registration.pk for registration in ordered], hashlib.sha256(fingerprint.encode()).hexdigest()[:24]


def registrations_confirmed(*, user: User, registrations: Iterable[Registration]) -> None:
    ids, digest = _batch(registrations)
    if not ids:
        return
    queue_deferred(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.REGISTRATION,
        idempotency_key=f"registered:{user.pk}:{digest}",
        renderer=REGISTRATIONS_CONFIRMED,
        data={"registrations": ids},
    )


def waitlist_joined(*, registration: Registration) -> None:
    user = registration.user
    queue_deferred(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.WAITLIST,
        idempotency_key=f"waitlist:{registration.pk}:{_stamp(registration)}",
        renderer=WAITLIST_JOINED,
        data={"registration": registration.pk},
    )


def seats_taken_sql(*, user: User, written: str, at) -> list[tuple[str, list]]:
    """The emails of `registrations_confirmed` and `waitlist_joined` as statements, for seats taken in SQL in one
    round trip (`locks.register_at_once`): one confirmation for the seats taken, one waitlist email for each place.

    `written` names the registrations just written, with columns id, session_id, status and starts_at (of the
    session), every one of which took its status `at` that moment. Their keys and data are those the two functions
    above write, built in SQL: `_batch`'s digest is the SHA-256 of "id@stamp" in session order.
    """
    stamp = _microseconds(at)
    language, registered, waitlisted = language_of(user), Registration.Status.REGISTERED, Registration.Status.WAITLISTED
    in_order = "ORDER BY starts_at, session_id"
    confirmation = (
        # Names and SQL of this module; every value is a parameter.
        "SELECT %s AS recipient, %s AS language, 'registered:' || %s || ':' || left(encode(sha256(convert_to("  # noqa: S608
        f"string_agg(id || '@' || %s, ',' {in_order}), 'UTF8')), 'hex'), 24) AS idempotency_key, "
        f"jsonb_build_object('registrations', jsonb_agg(id {in_order})) AS render_data "
        f"FROM {written} WHERE status = %s HAVING COUNT(*) > 0"
    )
    waitlist = (
        "SELECT %s AS recipient, %s AS language, 'waitlist:' || id || ':' || %s AS idempotency_key, "  # noqa: S608
        f"jsonb_build_object('registration', id) AS render_data FROM {written} WHERE status = %s"
    )
    return [
        deferred_insert_sql(
            confirmation,
            [user.email, language, user.pk, stamp, registered],
            kind=OutboundEmail.Kind.REGISTRATION,
            renderer=REGISTRATIONS_CONFIRMED,
        ),
        deferred_insert_sql(
            waitlist,
            [user.email, language, stamp, waitlisted],
            kind=OutboundEmail.Kind.WAITLIST,
            renderer=WAITLIST_JOINED,
        ),
    ]


def promoted_from_waitlist(*, registration: Registration) -> None:
    user = registration.user
    queue_deferred(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.PROMOTION,
        idempotency_key=f"promoted:{registration.pk}:{_stamp(registration)}",
        renderer=PROMOTED,
        data={"registration": registration.pk},
    )


def registrations_cancelled(*, user: User, registrations: Iterable[Registration]) -> None:
    ids, digest = _batch(registrations)
    if not ids:
        return
    queue_deferred(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.CANCELLATION,
        idempotency_key=f"cancelled:{ids[0]}:{digest}",
        renderer=REGISTRATIONS_CANCELLED,
        data={"registrations": ids},
    )


# --- what those emails say, built when they are delivered --------------------------------------------------------


def _registrations(ids: Sequence[int]) -> list[Registration]:
    """The registrations named, with their person, session and series, in session order (one query)."""
    return list(
        Registration.objects.filter(pk__in=ids).select_related("user", "session__series").order_by("session__starts_at")
    )


def _enrollment_confirmed_content(data: dict[str, Any]) -> deferred.Content | None:
    enrollment = Enrollment.objects.filter(pk=data["enrollment"]).select_related("user", "series", "key").first()
    if enrollment is None:
        return None
    user = enrollment.user
    series = enrollment.series
    upcoming = series.sessions.filter(status=Session.Status.SCHEDULED, starts_at__gt=timezone.now()).select_related(
        "series"
    )
    return deferred.Content(
        template="enrollment/email/enrollment_confirmed",
        context={
            **recipient_context(user),
            "series": series,
            "series_url": absolute(series.get_absolute_url()),
            "accreditation_statements": [
                statement
                for accreditation in series.accreditations.in_order()
                if (statement := accreditation.statement(language_of(user)).strip())
            ],
            "key": enrollment.key,
            "sessions": [session_item(session, with_join_link=False) for session in upcoming],
        },
    )


def _sessions_content(data: dict[str, Any], *, cancel: bool) -> deferred.Content | None:
    """The summary of sessions picked (with join links and the invitation) or given up (with the cancellation)."""
    registrations = _registrations(data["registrations"])
    if not registrations:
        return None
    user = registrations[0].user
    sessions = [registration.session for registration in registrations]
    filename = CANCEL_FILENAME if cancel else INVITE_FILENAME
    return deferred.Content(
        template="enrollment/email/registrations_cancelled" if cancel else "enrollment/email/registrations_confirmed",
        context={
            **recipient_context(user),
            "sessions": [session_item(session, with_join_link=not cancel) for session in sessions],
            "count": len(sessions),
            "calendar_filename": filename,
        },
        attachments=[_calendar_attachment(user=user, sessions=sessions, cancel=cancel, filename=filename)],
    )


def _registrations_confirmed_content(data: dict[str, Any]) -> deferred.Content | None:
    return _sessions_content(data, cancel=False)


def _registrations_cancelled_content(data: dict[str, Any]) -> deferred.Content | None:
    return _sessions_content(data, cancel=True)


def _waitlist_joined_content(data: dict[str, Any]) -> deferred.Content | None:
    registrations = _registrations([data["registration"]])
    if not registrations:
        return None
    (registration,) = registrations
    return deferred.Content(
        template="enrollment/email/waitlist_joined",
        context={
            **recipient_context(registration.user),
            "item": session_item(registration.session, with_join_link=False),
        },
    )


def _promoted_content(data: dict[str, Any]) -> deferred.Content | None:
    registrations = _registrations([data["registration"]])
    if not registrations:
        return None
    (registration,) = registrations
    user, session = registration.user, registration.session
    return deferred.Content(
        template="enrollment/email/promoted",
        context={
            **recipient_context(user),
            "item": session_item(session, with_join_link=True),
            "calendar_filename": INVITE_FILENAME,
        },
        attachments=[_calendar_attachment(user=user, sessions=[session], cancel=False, filename=INVITE_FILENAME)],
    )


def register_renderers() -> None:
    """Hand the outbox the functions that build these emails at delivery (called from the app's `ready()`)."""
    deferred.register(ENROLLMENT_CONFIRMED, _enrollment_confirmed_content)
    deferred.register(REGISTRATIONS_CONFIRMED, _registrations_confirmed_content)
    deferred.register(WAITLIST_JOINED, _waitlist_joined_content)
    deferred.register(PROMOTED, _promoted_content)
    deferred.register(REGISTRATIONS_CANCELLED, _registrations_cancelled_content)
    deferred.register(JOIN_APPROVED, _join_approved_content)
    deferred.register(JOIN_DECLINED, _join_declined_content)
    deferred.register_many(RECORDING, _recording_contents)


def _decision_stamp(join_request: JoinRequest) -> int:
    return int(join_request.decided_at.timestamp() * 1_000_000)


def join_request_approved(
    *, join_request: JoinRequest, enrollment: Enrollment, registrations: Sequence[Registration] = ()
) -> None:
    """Approved: the link to pick sessions, or the sessions the approval registered them for, or the waitlist."""
    user = join_request.user
    queue_deferred(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.JOIN_REQUEST,
        idempotency_key=f"join-approved:{join_request.pk}:{_decision_stamp(join_request)}",
        renderer=JOIN_APPROVED,
        data={
            "request": join_request.pk,
            "waitlisted": enrollment.status == Enrollment.Status.WAITLISTED,
            "registrations": [registration.pk for registration in registrations],
        },
    )


def join_request_declined(*, join_request: JoinRequest) -> None:
    user = join_request.user
    queue_deferred(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.JOIN_REQUEST,
        idempotency_key=f"join-declined:{join_request.pk}:{_decision_stamp(join_request)}",
        renderer=JOIN_DECLINED,
        data={"request": join_request.pk},
    )


def _decision_context(join_request: JoinRequest) -> dict[str, Any]:
    series = join_request.series
    return {
        **recipient_context(join_request.user),
        "series": series,
        "series_url": absolute(series.get_absolute_url()),
        "message": join_request.message,
        "note": join_request.note,
    }


def _join_request(data: dict[str, Any]) -> JoinRequest | None:
    return JoinRequest.objects.filter(pk=data["request"]).select_related("user", "series__hub").first()


def _join_approved_content(data: dict[str, Any]) -> deferred.Content | None:
    join_request = _join_request(data)
    if join_request is None:
        return None
    ordered = _registrations(data["registrations"]) if data["registrations"] else []
    return deferred.Content(
        template="enrollment/email/join_approved",
        context={
            **_decision_context(join_request),
            "waitlisted": data["waitlisted"],
            "picker_url": absolute(reverse("enrollment:register", args=[join_request.series.slug])),
            "registered": [
                session_item(r.session, with_join_link=False)
                for r in ordered
                if r.status == Registration.Status.REGISTERED
            ],
            "session_waitlists": [
                session_item(r.session, with_join_link=False)
                for r in ordered
                if r.status == Registration.Status.WAITLISTED
            ],
        },
    )


def _join_declined_content(data: dict[str, Any]) -> deferred.Content | None:
    join_request = _join_request(data)
    if join_request is None:
        return None
    return deferred.Content(
        template="enrollment/email/join_declined",
        context={**_decision_context(join_request), "catalog_url": absolute(reverse("series:catalog"))},
    )


# --- emails decided by the session's own life: changes, reminders, materials ---------------------------------------


def session_update_message(*, registration: Registration, session: Session, change: str) -> EmailToQueue:
    """The update a registrant (or waitlisted person) gets when staff move or cancel a session."""
    user = registration.user
    waitlisted = registration.status == Registration.Status.WAITLISTED
    cancelled = change == "cancelled"
    filename = CANCEL_FILENAME if cancelled else INVITE_FILENAME
    attachments = []
    if not waitlisted:
        # Same UID, the bumped SEQUENCE: the calendar that imported the invitation moves or removes the event.
        attachments.append(_calendar_attachment(user=user, sessions=[session], cancel=cancelled, filename=filename))
    return EmailToQueue(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.SESSION_UPDATE,
        idempotency_key=f"update:{registration.pk}:{session.sequence}",
        template="enrollment/email/session_cancelled" if cancelled else "enrollment/email/session_rescheduled",
        context={
            **recipient_context(user),
            "item": session_item(session, with_join_link=not waitlisted),
            "waitlisted": waitlisted,
            "calendar_filename": filename,
            "series_url": absolute(session.series.get_absolute_url()),
        },
        attachments=attachments,
    )


def reminders_unsubscribe_url(user: User) -> str:
    return absolute(reverse("accounts:unsubscribe_reminders", args=[reminders_unsubscribe_token(user)]))


def reminder_key(*, threshold: str, registration_id: int, sequence: int) -> str:
    """`reminder-24h:<registration>:<sequence>`: a session moved (new sequence) is reminded of again."""
    return f"reminder-{threshold}:{registration_id}:{sequence}"


def reminder_key_sql(threshold: str) -> Concat:
    """The same key built by the database for each registration row, so the due query can skip those sent."""
    return Concat(
        Value(f"reminder-{threshold}:"),
        Cast("pk", CharField()),
        Value(":"),
        Cast("session__sequence", CharField()),
        output_field=CharField(),
    )


def reminder_message(*, registration: Registration, threshold: str) -> EmailToQueue:
    """A reminder `threshold` ("24h" or "1h") before the session, with the join link and a one-click opt-out."""
    user = registration.user
    session = registration.session
    unsubscribe_url = reminders_unsubscribe_url(user)
    return EmailToQueue(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.REMINDER,
        idempotency_key=reminder_key(threshold=threshold, registration_id=registration.pk, sequence=session.sequence),
        template="enrollment/email/reminder",
        context={
            **recipient_context(user),
            "item": session_item(session, with_join_link=True),
            "threshold": threshold,
            # The day before, the agenda too (as ECHO hubs send it): what the session covers and who presents.
            "description": session.description if threshold == "24h" else "",
            "presenters": [str(presenter) for presenter in session.presenters.all()] if threshold == "24h" else [],
            "unsubscribe_url": unsubscribe_url,
        },
        # RFC 2369 and RFC 8058: mail clients show an "unsubscribe" button that POSTs to this URL.
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


ATTENDED = "attended"
MISSED = "missed"
UNKNOWN = "unknown"


RECORDING = "enrollment.recording"


def recording_rows(registrations: QuerySet[Registration], *, attendance_known_in: Collection[int]) -> QuerySet:
    """The recording email of each of `registrations` as `outbox.queue_deferred_select` writes it, in SQL: the
    address, the language (`language_for`), the key (`recording_key_sql`) and what `_recording_contents` is handed, the
    registration and how its email is worded, decided here: thanks or "we missed you" where the session's
    attendance is known (`attendance_known_in`, session ids), neutral wording where it is not."""
    languages = [code for code, _name in settings.LANGUAGES]
    attendance = Case(
        When(session_id__in=attendance_known_in, attended_minutes__gt=0, then=Value(ATTENDED)),
        When(session_id__in=attendance_known_in, then=Value(MISSED)),
        default=Value(UNKNOWN),
    )
    return registrations.values(
        recipient=F("user__email"),
        language=Case(
            When(user__preferred_language__in=languages, then=F("user__preferred_language")),
            default=Value(settings.LANGUAGE_CODE),
        ),
        idempotency_key=recording_key_sql(),
        render_data=JSONObject(registration=F("pk"), attendance=attendance),
    )


def recording_key_sql() -> Concat:
    """The recording email's idempotency key, `recording:<registration>`, in SQL."""
    return Concat(Value("recording:"), Cast("pk", CharField()), output_field=CharField())


def recording_context(*, session: Session, resources: Sequence[Resource], attendance: str) -> dict[str, Any]:
    """What the recording email of a session says to everyone of one attendance (the greeting's name aside)."""
    page_url = absolute(session.get_absolute_url())
    return {
        "my_learning_url": absolute(reverse("enrollment:my_learning")),
        "item": session_item(session, with_join_link=False),
        "attendance": attendance,
        # Written-out Q&A has no link of its own: it is read on the session page.
        "resources": [
            {"resource": resource, "url": absolute(resource.href) if resource.href else page_url}
            for resource in resources
        ],
    }


def _recording_contents(items: Sequence[dict[str, Any]]) -> list[deferred.Personalised | None]:
    """The recording emails of a delivery batch: the registrations in one query, the materials in another, and
    one content per session and wording, shared by all who get that wording; the greeting's name is their own.

    None for a registration that is gone (the account was deleted) or a session whose materials were all
    withdrawn since: nothing to send.
    """
    registrations = Registration.objects.select_related("user", "session").in_bulk(
        [item["registration"] for item in items]
    )
    resources: dict[int, list[Resource]] = {}
    for resource in Resource.objects.filter(
        session_id__in={registration.session_id for registration in registrations.values()},
        published_at__isnull=False,
        published_at__lte=timezone.now(),
    ).order_by("kind", "pk"):
        resources.setdefault(resource.session_id, []).append(resource)
    shared: dict[tuple[int, str], deferred.Content] = {}
    contents: list[deferred.Personalised | None] = []
    for item in items:
        registration = registrations.get(item["registration"])
        if registration is None or not resources.get(registration.session_id):
            contents.append(None)
            continue
        key = (registration.session_id, item["attendance"])
        if key not in shared:
            shared[key] = deferred.Content(
                template="enrollment/email/recording",
                context=recording_context(
                    session=registration.session,
                    resources=resources[registration.session_id],
                    attendance=item["attendance"],
                ),
            )
        contents.append(
            deferred.Personalised(shared=shared[key], values={"recipient_name": registration.user.get_short_name()})
        )
    return contents
