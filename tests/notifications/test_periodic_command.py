"""`manage.py run_periodic_tasks` (make periodic) does beat's work under `make run`: a published recording goes out."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from sessions import services as session_services
from sessions.models import Resource
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_published_recording_is_emailed_when_the_periodic_work_runs(
    clinician, mailoutbox, django_capture_on_commit_callbacks
):
    start = (timezone.now() - dt.timedelta(days=1)).replace(microsecond=0)
    session = factories.SessionFactory(
        title="Advance care planning", starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    factories.ResourceFactory(
        session=session, kind=Resource.Kind.RECORDING, url="https://video.example.org/acp", published_at=None
    )
    factories.RegistrationFactory(user=clinician, session=session, attended_minutes=55)
    session_services.publish_resources(session=session)
    assert mailoutbox == []  # nothing goes out until the periodic work runs
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):  # delivery follows each task's commit
        call_command("run_periodic_tasks", stdout=out)
    with django_capture_on_commit_callbacks(execute=True):  # run again, as beat would: nothing twice
        call_command("run_periodic_tasks", stdout=io.StringIO())

    recording = [message for message in mailoutbox if "https://video.example.org/acp" in message.body]
    assert [message.to for message in recording] == [[clinician.email]]
    assert "Advance care planning" in recording[0].subject + recording[0].body
    assert "queue-recording-followups: 1" in out.getvalue().splitlines()
    # Every task beat would run was run, each named with what it returned.
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == list(settings.CELERY_BEAT_SCHEDULE)
