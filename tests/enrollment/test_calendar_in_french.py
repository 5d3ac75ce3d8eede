"""The calendar invite of a French confirmation reads like French: the series and session joined by " : "."""

import email
from email import policy

import pytest
from django.core import mail

from enrollment import services
from tests import factories

pytestmark = pytest.mark.django_db


def _summaries(message) -> list[str]:
    """The SUMMARY of each event in the .ics the email carries, as a calendar app reads it."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    (ics,) = [part.get_content() for part in parsed.iter_attachments() if part.get_content_type() == "text/calendar"]
    text = (ics.decode() if isinstance(ics, bytes) else ics).replace("\r\n ", "").replace("\n ", "")
    return [line.split(":", 1)[1] for line in text.splitlines() if line.startswith("SUMMARY:")]


def test_a_french_confirmation_invites_to_series_colon_session_with_a_space(
    clinician, hub, django_capture_on_commit_callbacks
):
    clinician.preferred_language = "fr"
    clinician.save()
    series = factories.SeriesFactory(hub=hub, title="Rounds", title_fr="Rencontres sur la démence")
    session = factories.SessionFactory(series=series, title="Behaviours", title_fr="Comportements", days_from_now=9)

    with django_capture_on_commit_callbacks(execute=True):
        services.register(user=clinician, sessions=[session], consent=True)

    assert _summaries(mail.outbox[-1]) == ["Rencontres sur la démence\u00a0: Comportements"]


def test_an_english_confirmation_keeps_the_plain_colon(clinician, hub, django_capture_on_commit_callbacks):
    series = factories.SeriesFactory(hub=hub, title="Rounds", title_fr="Rencontres sur la démence")
    session = factories.SessionFactory(series=series, title="Behaviours", title_fr="Comportements", days_from_now=9)

    with django_capture_on_commit_callbacks(execute=True):
        services.register(user=clinician, sessions=[session], consent=True)

    assert _summaries(mail.outbox[-1]) == ["Rounds: Behaviours"]
