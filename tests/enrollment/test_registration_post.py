"""What a submitted session pick costs: seats counted once, under the lock; a refused pick is redrawn as before."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrollment import services
from enrollment.models import Enrollment, Registration
from notifications.models import OutboundEmail
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def psw():
    series = factories.SeriesFactory(title="Personal Support Worker Community of Practice", slug="psw")
    factories.SessionFactory(series=series, title="Introductory Session", days_from_now=7, capacity=30)
    factories.SessionFactory(
        series=series, title="Essential Communication Skills Part 1", days_from_now=14, capacity=30
    )
    factories.SessionFactory(series=series, title="Essential Communication Skills Part 2", days_from_now=21)
    return series


def _sessions(series):
    return list(series.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at"))


def _as_written(message: str) -> list[str]:
    """The statements of one message as the code wrote them: each planned once per connection, sent as PREPARE and
    EXECUTE the first time, then as EXECUTE (core.prepared_sql)."""
    written = {name: sql for sql, name in connection.prepared_statements.items()}
    return [written[part.split()[1].split("(")[0]] for part in message.split("; ") if part.startswith("EXECUTE ")]


@pytest.mark.postgres  # row locks and the one-round-trip seat count are PostgreSQL's
def test_a_submission_counts_seats_once_and_only_under_the_lock(client, clinician, psw):
    first, second, _third = _sessions(psw)
    factories.RegistrationFactory(session=first)
    factories.RegistrationFactory(session=second)
    client.force_login(clinician)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("enrollment:register", args=[psw.slug]), {"sessions": [first.pk], "consent": "on"}
        )

    assert response.status_code == 302
    statements = [query["sql"] for query in queries.captured_queries]
    # The user (authentication); the series with its registration facts; the learner's enrollment; the sessions one
    # can pick (no seat counts). Then one round trip, one transaction: consent stored; the open series locked and its
    # places counted as the enrollment is inserted; the session locked and its seats counted as the registration is
    # inserted; its email inserted, the ids returned. The summary's picks ride in the redirect's address: nothing is
    # written after it.
    assert len(statements) == 5, "\n".join(sql[:100] for sql in statements)
    consent, series_lock, join, session_lock, seats, emails = _as_written(statements[-1])
    assert consent.startswith('UPDATE "accounts_user"')
    assert series_lock.startswith('SELECT * FROM "series_series"') and series_lock.endswith("FOR UPDATE")
    assert join.startswith('INSERT INTO "enrollment_enrollment"') and "COUNT(" in join
    assert session_lock.startswith('SELECT * FROM "echo_sessions_session"') and session_lock.endswith("FOR UPDATE")
    assert seats.startswith('INSERT INTO "enrollment_registration"') and "COUNT(" in seats
    assert '"notifications_outboundemail"' in emails and "RETURNING" in emails
    assert not any("COUNT(" in sql and '"enrollment_registration"' in sql for sql in statements[:-1])
    assert Registration.objects.get(user=clinician).status == Registration.Status.REGISTERED


def test_a_refused_submission_redraws_the_picker_with_seats_held_and_the_reason(client, clinician, psw, monkeypatch):
    first, second, _third = _sessions(psw)
    factories.EnrollmentFactory(user=clinician, series=psw)
    factories.RegistrationFactory(user=clinician, session=first)
    factories.RegistrationFactory(session=second)
    client.force_login(clinician)

    def refuse(**kwargs):
        raise services.EnrollmentError("“Essential Communication Skills Part 1” is no longer open.", code="test")

    monkeypatch.setattr(services, "register", refuse)
    response = client.post(reverse("enrollment:register", args=[psw.slug]), {"sessions": [second.pk], "consent": "on"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "is no longer open." in html
    assert "29 seats left" in html  # the session picked, its seats counted for the picker
    assert "you are registered" in html  # the one the learner holds
    assert Registration.objects.filter(user=clinician).count() == 1


@pytest.mark.postgres  # row locks and the one-round-trip seat count are PostgreSQL's
def test_the_service_uses_the_enrollment_its_caller_read(clinician, psw, django_assert_num_queries):
    first, _second, _third = _sessions(psw)
    enrollment = factories.EnrollmentFactory(user=clinician, series=psw)
    clinician.privacy_consent_version = "2026-11"
    clinician.save()

    # The series' registration facts (a bare series: no annotation); then one round trip: the session locked, its
    # seats counted and the registration inserted, its email inserted. The enrollment is not read again: the caller
    # read it.
    with django_assert_num_queries(2):
        result = services.register(user=clinician, sessions=[first], consent=False, enrollment=enrollment)

    assert [registration.session for registration in result.registered] == [first]


def test_an_enrollment_read_by_the_caller_is_that_of_one_series(clinician, psw):
    other = factories.SessionFactory(days_from_now=5)
    first = _sessions(psw)[0]

    with pytest.raises(ValueError):
        services.register(user=clinician, sessions=[first, other], consent=True, enrollment=None)
    assert not Enrollment.objects.exists() and not Registration.objects.exists()


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", 'I agree to the <a href="/privacy/">privacy policy</a>.'),
        ("fr", 'J’accepte la <a href="/privacy/">politique de confidentialité</a>.'),
    ],
)
def test_a_submission_without_consent_is_redrawn_with_the_policy_linked_and_the_sessions_named(
    client, clinician, psw, language, label
):
    first, *_ = _sessions(psw)
    clinician.preferred_language = language
    clinician.save(update_fields=["preferred_language"])
    client.force_login(clinician)  # never agreed to the policy: the picker asks
    register = reverse("enrollment:register", args=[psw.slug])

    shown = client.get(register).content.decode()
    refused = client.post(register, {"sessions": [first.pk]})

    assert label in shown
    page = refused.content.decode()
    assert refused.status_code == 200 and label in page
    assert "Introductory Session" in page and "Essential Communication Skills Part 2" in page
    assert not Registration.objects.filter(user=clinician).exists()


def _picked(client, series, sessions):
    return client.post(
        reverse("enrollment:register", args=[series.slug]), {"sessions": [s.pk for s in sessions], "consent": "on"}
    )


def test_picking_a_cancelled_session_again_with_a_new_one_seats_both_and_sends_one_email(client, clinician, psw):
    first, second, _third = _sessions(psw)
    factories.EnrollmentFactory(user=clinician, series=psw)
    cancelled = factories.RegistrationFactory(user=clinician, session=first, status=Registration.Status.CANCELLED)
    client.force_login(clinician)

    response = _picked(client, psw, [first, second])

    assert response.status_code == 302 and "/register/done/" in response["Location"]
    held = dict(Registration.objects.filter(user=clinician).values_list("session", "status"))
    assert held == {first.pk: Registration.Status.REGISTERED, second.pk: Registration.Status.REGISTERED}
    assert Registration.objects.get(user=clinician, session=first).pk == cancelled.pk  # the same row, moved
    (email,) = OutboundEmail.objects.filter(recipient=clinician.email)
    assert email.kind == OutboundEmail.Kind.REGISTRATION and len(email.render_data["registrations"]) == 2
    clinician.refresh_from_db()
    assert clinician.privacy_consent_version == settings.PRIVACY_POLICY_VERSION
