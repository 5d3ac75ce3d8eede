"""The invitation email of a series by invitation only, as outbox messages queued in bulk by the services.

Idempotency key `series-invite:<invitation>:<n>`, where n counts the times it was sent: a retried
transaction writes the same key (nothing twice), a re-send is a new email. The receiver that marks an
invitation bounced reads the invitation back from that key.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from core.links import absolute
from notifications.models import OutboundEmail
from notifications.outbox import EmailToQueue
from series.models import Series

from .models import SeriesInvitation

KEY_PREFIX = "series-invite:"


def invitation_url(invitation: SeriesInvitation) -> str:
    return absolute(reverse("enrollment:series_invitation", args=[invitation.token]))


def idempotency_key(invitation: SeriesInvitation) -> str:
    return f"{KEY_PREFIX}{invitation.pk}:{invitation.times_sent}"


def invitation_id_from_key(key: str) -> int | None:
    if not key.startswith(KEY_PREFIX):
        return None
    raw = key.removeprefix(KEY_PREFIX).partition(":")[0]
    return int(raw) if raw.isdigit() else None


def account_languages(emails: Iterable[str]) -> dict[str, str]:
    """{address: preferred language} of the accounts that have these addresses (lower-cased): 1 query."""
    rows = (
        User.objects.annotate(address=Lower("email"))
        .filter(address__in=list(emails))
        .values_list("address", "preferred_language")
    )
    return {address: language for address, language in rows if language in dict(settings.LANGUAGES)}


def language_for(invitation: SeriesInvitation, series: Series, known: dict[str, str]) -> str:
    """The account's language, else the one given with the address, else the series'."""
    for language in (known.get(invitation.email), invitation.language, series.language):
        if language in dict(settings.LANGUAGES):
            return language
    return settings.LANGUAGE_CODE


def invitation_messages(*, series: Series, invitations: list[SeriesInvitation], inviter) -> list[EmailToQueue]:
    """One message per invitation, in each person's language; the series' texts are read in that language."""
    known = account_languages(invitation.email for invitation in invitations)
    inviter_name = inviter.get_full_name() if inviter is not None else ""
    texts: dict[str, dict[str, str]] = {}
    messages = []
    for invitation in invitations:
        language = language_for(invitation, series, known)
        if language not in texts:
            with translation.override(language):  # staff-written text in both languages: the reader's
                texts[language] = {
                    "series_title": series.title,
                    "series_summary": series.summary,
                    "hub_name": series.hub.name,
                }
        messages.append(
            EmailToQueue(
                to=invitation.email,
                language=language,
                kind=OutboundEmail.Kind.INVITATION,
                idempotency_key=idempotency_key(invitation),
                template="enrollment/email/series_invitation",
                context={
                    **texts[language],
                    "inviter_name": inviter_name,
                    "name": invitation.name,
                    "accept_url": invitation_url(invitation),
                },
            )
        )
    return messages
