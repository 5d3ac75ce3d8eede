"""The mailing list's writes: ask to join (double opt-in), confirm, withdraw, join or leave from a profile, purge.

Links in emails carry signed tokens (django.core.signing), never the address: the confirmation token
names the request and expires with it; the unsubscribe token names the subscriber and never expires,
so a link in an email years old still takes someone off the list without signing in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import OutboundEmail
from notifications.outbox import cancel_queued, queue_email

from .consent import sender_context
from .models import Subscriber, SubscriberChange

CONFIRM_SALT = "echo.mailing.confirm"
UNSUBSCRIBE_SALT = "echo.mailing.unsubscribe"
# A second request for an address still waiting within this time is the same request: one row, one email.
SAME_REQUEST_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class Consent:
    """The proof of express consent: the exact sentence shown and checked, its version and language, and where."""

    text: str
    version: str
    language: str
    source: str


@dataclass(frozen=True)
class Details:
    email: str
    name: str = ""
    profession: str = ""
    province: str = ""
    language: str = "en"


class Confirmation(enum.Enum):
    CONFIRMED = "confirmed"
    ALREADY = "already"  # on the list already: nothing to do
    STALE = "stale"  # a link from an earlier request (a newer one was sent, or the person has left the list since)
    EXPIRED = "expired"  # older than the request's lifetime, or the request was purged
    INVALID = "invalid"  # cut, changed or forged


@dataclass(frozen=True)
class ConfirmResult:
    outcome: Confirmation
    subscriber: Subscriber | None = None


def unconfirmed_lifetime() -> timedelta:
    return timedelta(days=settings.OUTREACH_UNCONFIRMED_DAYS)


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


def confirmation_token(subscriber: Subscriber) -> str:
    return signing.dumps([subscriber.pk, _stamp(subscriber.requested_at)], salt=CONFIRM_SALT)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.pk))


def unsubscribe_url(subscriber: Subscriber) -> str:
    return f"{settings.SITE_URL}{reverse('outreach:unsubscribe', args=[unsubscribe_token(subscriber)])}"


def subscriber_for_unsubscribe_token(token: str) -> Subscriber | None:
    """The subscriber an unsubscribe link names; raises signing.BadSignature for a cut, changed or forged one."""
    try:
        pk = int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except ValueError as error:
        raise signing.BadSignature("not a subscriber id") from error
    return Subscriber.objects.filter(pk=pk).first()


def _record(subscriber: Subscriber, event: str, *, at: datetime, detail: str = "") -> None:
    SubscriberChange.objects.create(subscriber=subscriber, event=event, at=at, detail=detail[:200])


def _take_consent(subscriber: Subscriber, consent: Consent, *, at: datetime) -> None:
    subscriber.consent_text = consent.text
    subscriber.consent_version = consent.version
    subscriber.consent_language = consent.language
    subscriber.consent_source = consent.source[:200]
    subscriber.consent_given_at = at


def _queue_confirmation(subscriber: Subscriber) -> None:
    confirm_path = reverse("outreach:confirm", args=[confirmation_token(subscriber)])
    queue_email(
        to=subscriber.email,
        language=subscriber.language,
        kind=OutboundEmail.Kind.OUTREACH,
        idempotency_key=f"mailing-confirm:{subscriber.pk}:{_stamp(subscriber.requested_at)}",
        template="outreach/email/confirm_subscription",
        context={
            "name": subscriber.name,
            "confirm_url": f"{settings.SITE_URL}{confirm_path}",
            "days": settings.OUTREACH_UNCONFIRMED_DAYS,
            **sender_context(),
        },
    )


def _nothing_to_do(subscriber: Subscriber, *, now: datetime) -> bool:
    """On the list already, or asked within the day (a double click, a second tab, a retry)."""
    if subscriber.status == Subscriber.Status.SUBSCRIBED:
        return True
    return subscriber.status == Subscriber.Status.PENDING and now - subscriber.requested_at < SAME_REQUEST_WINDOW


def request_subscription(*, details: Details, consent: Consent, user: User | None = None) -> Subscriber:
    """Record a request to join with its consent and email the confirmation link; nobody is on the list yet.

    Whoever types an address learns nothing about it: an address already on the list changes nothing, a request
    repeated within a day changes nothing (one row, one email), and an address that left the list or never
    confirmed gets a new confirmation email with the consent just given.
    """
    email = details.email.strip()
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().with_email(email).first()
        if subscriber is None:
            subscriber = Subscriber(
                email=email,
                name=details.name.strip(),
                profession=details.profession,
                province=details.province,
                language=details.language,
                user=user,
                requested_at=now,
            )
            _take_consent(subscriber, consent, at=now)
            subscriber.full_clean(exclude=["user"])
            try:
                with transaction.atomic():
                    subscriber.save()
            except IntegrityError:
                # A concurrent request for the same address won: it sends the one confirmation.
                return Subscriber.objects.with_email(email).get()
        elif _nothing_to_do(subscriber, now=now):
            return subscriber
        else:
            subscriber.name = details.name.strip()
            subscriber.profession = details.profession
            subscriber.province = details.province
            subscriber.language = details.language
            subscriber.status = Subscriber.Status.PENDING
            subscriber.requested_at = now
            _take_consent(subscriber, consent, at=now)
            subscriber.full_clean(exclude=["user"], validate_constraints=False)
            subscriber.save()
        _record(subscriber, SubscriberChange.Event.REQUESTED, at=now, detail=consent.source)
        _queue_confirmation(subscriber)
    return subscriber


def confirm(*, token: str) -> ConfirmResult:
    """Put a request on the list from the link in its confirmation email."""
    try:
        pk, stamp = signing.loads(token, salt=CONFIRM_SALT, max_age=unconfirmed_lifetime())
        pk, stamp = int(pk), int(stamp)
    except signing.SignatureExpired:
        return ConfirmResult(Confirmation.EXPIRED)
    except (signing.BadSignature, TypeError, ValueError):
        return ConfirmResult(Confirmation.INVALID)
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=pk).first()
        if subscriber is None:
            return ConfirmResult(Confirmation.EXPIRED)
        if subscriber.status == Subscriber.Status.SUBSCRIBED:
            return ConfirmResult(Confirmation.ALREADY, subscriber)
        if subscriber.status != Subscriber.Status.PENDING or _stamp(subscriber.requested_at) != stamp:
            return ConfirmResult(Confirmation.STALE, subscriber)
        subscriber.status = Subscriber.Status.SUBSCRIBED
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["status", "confirmed_at"])
        _record(subscriber, SubscriberChange.Event.CONFIRMED, at=now)
    return ConfirmResult(Confirmation.CONFIRMED, subscriber)


def withdraw(*, subscriber: Subscriber, how: str) -> bool:
    """Take an address off the list at once and record how; False when it was not on the list."""
    now = timezone.now()
    with transaction.atomic():
        locked = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if locked.status == Subscriber.Status.WITHDRAWN:
            return False
        locked.status = Subscriber.Status.WITHDRAWN
        locked.withdrawn_at = now
        locked.withdrawn_how = how[:40]
        locked.save(update_fields=["status", "withdrawn_at", "withdrawn_how"])
        _record(locked, SubscriberChange.Event.WITHDRAWN, at=now, detail=how)
        # At once: a mailing still being delivered skips this address from now on.
        cancel_queued(recipient=locked.email, kind=OutboundEmail.Kind.MAILING, reason="The recipient withdrew consent.")
    subscriber.status, subscriber.withdrawn_at = locked.status, locked.withdrawn_at
    return True


def subscription_of(user: User) -> Subscriber | None:
    return Subscriber.objects.filter(user=user).first() or Subscriber.objects.with_email(user.email).first()


def join_from_profile(*, user: User, consent: Consent) -> Subscriber:
    """A signed-in user joins at once: their address was verified when the account was made (no second opt-in)."""
    now = timezone.now()
    with transaction.atomic():
        subscriber = subscription_of(user)
        if subscriber is not None:
            subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
            if subscriber.status == Subscriber.Status.SUBSCRIBED:
                return subscriber
        else:
            subscriber = Subscriber(email=user.email)
        subscriber.user = user
        subscriber.name = user.get_full_name()
        subscriber.profession = user.profession
        subscriber.province = user.province
        subscriber.language = user.preferred_language
        subscriber.status = Subscriber.Status.SUBSCRIBED
        subscriber.requested_at = now
        subscriber.confirmed_at = now
        _take_consent(subscriber, consent, at=now)
        try:
            with transaction.atomic():
                subscriber.save()
        except IntegrityError:
            # Two tabs at once: the other one joined.
            return Subscriber.objects.with_email(user.email).get()
        _record(subscriber, SubscriberChange.Event.JOINED, at=now, detail=consent.source)
    return subscriber


def purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete requests never confirmed within their lifetime: they were never on the list. Returns how many."""
    cutoff = (now or timezone.now()) - unconfirmed_lifetime()
    _, per_model = Subscriber.objects.unconfirmed_since(cutoff).delete()
    return per_model.get(Subscriber._meta.label, 0)
