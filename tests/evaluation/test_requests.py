"""After a session, each attendee is asked once, reminded once, and never if they opted out of programme emails."""

import datetime as dt

import pytest
from django.utils import timezone

from evaluation import requests
from evaluation import tasks as evaluation_tasks
from evaluation.models import EvaluationForm, EvaluationRequest
from sessions.models import Session
from tests import factories
from tests.evaluation.support import attended, evaluation_rows, held_session


@pytest.mark.django_db
def test_each_attendee_is_asked_once_however_often_beat_runs(clinician, outsider):
    session = held_session(title="Delirium at the end of life")
    attended(session=session, user=clinician)
    attended(session=session, user=outsider)
    absent = factories.RegistrationFactory(session=session, attended_minutes=0)
    unknown = factories.RegistrationFactory(session=session)

    assert requests.queue_evaluation_requests() == 2
    assert requests.queue_evaluation_requests() == 0
    evaluation_tasks.queue_evaluation_requests.apply()

    keys = sorted(row.idempotency_key for row in evaluation_rows())
    assert keys == sorted([f"evaluation:{session.pk}:{clinician.pk}", f"evaluation:{session.pk}:{outsider.pk}"])
    asked = set(EvaluationRequest.objects.values_list("user_id", flat=True))
    assert asked == {clinician.pk, outsider.pk}
    assert absent.user_id not in asked and unknown.user_id not in asked


@pytest.mark.django_db
def test_the_email_thanks_the_attendee_in_their_language_with_the_link_and_a_one_click_opt_out(clinician):
    clinician.preferred_language = "fr"
    clinician.save()
    attended(session=held_session(title="Soins de fin de vie"), user=clinician)

    requests.queue_evaluation_requests()

    (row,) = evaluation_rows()
    assert row.recipient == clinician.email
    assert "Soins de fin de vie" in row.subject and "minute" in row.subject
    assert "Merci d’avoir assisté" in row.body_text
    assert "http://127.0.0.1:8000/evaluation/" in row.body_text
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/accounts/programme/unsubscribe/" in row.headers["List-Unsubscribe"]


@pytest.mark.django_db
def test_nobody_who_opted_out_of_programme_emails_is_asked_or_reminded(clinician, outsider):
    outsider.programme_emails_enabled = False
    outsider.save()
    session = held_session()
    attended(session=session, user=clinician)
    attended(session=session, user=outsider)
    requests.queue_evaluation_requests()
    clinician.programme_emails_enabled = False
    clinician.save()

    later = timezone.now() + requests.REMINDER_AFTER + dt.timedelta(hours=1)
    assert requests.queue_evaluation_reminders(now=later) == 0
    assert [row.recipient for row in evaluation_rows()] == [clinician.email]


@pytest.mark.django_db
def test_one_reminder_days_later_only_when_unanswered(clinician, outsider):
    session = held_session()
    attended(session=session, user=clinician)
    attended(session=session, user=outsider)
    requests.queue_evaluation_requests()
    EvaluationRequest.objects.filter(user=outsider).update(answered_at=timezone.now())

    too_soon = timezone.now() + requests.REMINDER_AFTER - dt.timedelta(hours=1)
    assert requests.queue_evaluation_reminders(now=too_soon) == 0
    later = timezone.now() + requests.REMINDER_AFTER + dt.timedelta(hours=1)
    assert requests.queue_evaluation_reminders(now=later) == 1
    assert requests.queue_evaluation_reminders(now=later + dt.timedelta(days=3)) == 0

    reminders = [row for row in evaluation_rows() if row.idempotency_key.startswith("evaluation-reminder:")]
    assert [row.idempotency_key for row in reminders] == [f"evaluation-reminder:{session.pk}:{clinician.pk}"]
    assert reminders[0].subject.startswith("Reminder")


@pytest.mark.django_db
def test_no_reminder_once_the_link_has_expired(clinician):
    attended(session=held_session(), user=clinician)
    requests.queue_evaluation_requests()
    after_expiry = timezone.now() + requests.LINK_VALIDITY + dt.timedelta(minutes=1)
    assert requests.queue_evaluation_reminders(now=after_expiry) == 0


@pytest.mark.django_db
def test_cancelled_old_and_switched_off_sessions_ask_nobody(clinician):
    attended(session=held_session(status=Session.Status.CANCELLED), user=clinician)
    attended(session=held_session(days_ago=40), user=clinician)
    switched_off = held_session()
    EvaluationForm.objects.create(series=switched_off.series, title="Off", is_active=False)
    attended(session=switched_off, user=clinician)
    upcoming = factories.SessionFactory()
    attended(session=upcoming, user=clinician)

    assert requests.queue_evaluation_requests() == 0


@pytest.mark.django_db
def test_when_the_default_form_is_switched_off_only_series_with_their_own_form_ask(clinician, outsider):
    EvaluationForm.objects.filter(series__isnull=True).update(is_active=False)
    with_default = held_session()
    attended(session=with_default, user=clinician)
    own = held_session()
    EvaluationForm.objects.create(series=own.series, title="Own form")
    attended(session=own, user=outsider)

    assert requests.queue_evaluation_requests() == 1
    assert EvaluationRequest.objects.get().user == outsider
