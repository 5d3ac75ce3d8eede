"""After the session: the facilitator's recommendations reach the presenter (email, My learning), who says whether
they helped; later the case body and attachments are purged, the summary and recommendations kept."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import services, tasks
from cases.models import CaseAttachment, CasePresentation
from tests import factories

from .conftest import CLEAN_CASE
from .pdf import pdf_with_text

pytestmark = pytest.mark.django_db


def _approved_case(session, presenter, facilitator, *, now):
    factories.RegistrationFactory(user=presenter, session=session)
    before = session.starts_at - dt.timedelta(days=5)
    case = services.invite(session=session, presenter=presenter, by=facilitator, now=before)
    services.save_draft(case=case, by=presenter, fields=CLEAN_CASE)
    services.add_attachment(
        case=case, by=presenter, file=SimpleUploadedFile("chart.pdf", pdf_with_text("Pain chart"), "application/pdf")
    )
    services.submit(case=case, by=presenter, confirmed=True, explanations={}, now=before)
    services.approve(case=case, by=facilitator, now=before)
    case.refresh_from_db()
    return case


@pytest.fixture
def held_session(hub):
    return factories.SessionFactory(series=factories.SeriesFactory(hub=hub), days_from_now=-1, title="Held yesterday")


def test_recommendations_are_emailed_shown_in_my_learning_and_rated(
    client, clinician, facilitator, held_session, django_capture_on_commit_callbacks
):
    # The case's earlier emails go out as they are written, as after a real commit: the drain that sends the
    # recommendations would otherwise find them still waiting and send them too.
    with django_capture_on_commit_callbacks(execute=True):
        case = _approved_case(held_session, clinician, facilitator, now=timezone.now())
    client.force_login(facilitator)
    assert "Write the panel" in client.get(case.get_absolute_url()).content.decode()
    mail.outbox.clear()
    form = {
        "summary": "The panel discussed terminal delirium and family distress.",
        "recommendations": "- Rotate to subcutaneous haloperidol\n- Hold a family meeting this week\n",
        "resources": "Pallium Pocketbook, delirium chapter\nhttps://www.pallium.ca/",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:recommendations", args=[case.pk]), form)
        client.post(reverse("cases:recommendations", args=[case.pk]), form)  # twice: sent once
    [email] = mail.outbox
    assert email.to == [clinician.email]
    assert "recommendations" in email.subject
    assert "1. Rotate to subcutaneous haloperidol" in email.body and "2. Hold a family meeting" in email.body

    client.force_login(clinician)
    learning = client.get(reverse("enrollment:my_learning")).content.decode()
    assert "My case presentations" in learning and "Read the panel's recommendations" in learning
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Hold a family meeting this week" in page and "Did these recommendations help" in page
    client.post(reverse("cases:feedback", args=[case.pk]), {"helpful": "yes", "comment": "The family meeting worked."})
    case.recommendation.refresh_from_db()
    assert case.recommendation.helpful is True and case.recommendation.feedback == "The family meeting worked."


def test_recommendations_wait_for_the_session(client, clinician, facilitator, session):
    case = _approved_case(session, clinician, facilitator, now=timezone.now())
    with pytest.raises(services.CaseError):
        services.write_recommendations(case=case, by=facilitator, summary="s", recommendations="r", resources="")
    client.force_login(facilitator)
    assert "Write the panel" not in client.get(case.get_absolute_url()).content.decode()


def test_purge_deletes_bodies_and_attachments_after_the_retention_period(
    client, clinician, facilitator, held_session, settings, django_capture_on_commit_callbacks
):
    settings.CASE_RETENTION_DAYS = 90
    case = _approved_case(held_session, clinician, facilitator, now=timezone.now())
    services.write_recommendations(
        case=case, by=facilitator, summary="Discussed delirium.", recommendations="Family meeting", resources=""
    )
    stored = case.attachments.get().file
    storage, name = stored.storage, stored.name
    assert storage.exists(name)

    assert services.purge_expired(now=held_session.ends_at + dt.timedelta(days=89)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_expired(now=held_session.ends_at + dt.timedelta(days=91)) == 1
    assert services.purge_expired(now=held_session.ends_at + dt.timedelta(days=92)) == 0  # once

    case.refresh_from_db()
    assert case.purged_at is not None
    assert (case.history, case.symptoms_medications, case.goals_of_care, case.tried, case.sex_gender) == ("",) * 5
    assert case.screening == []
    assert case.presenting_question == CLEAN_CASE["presenting_question"]
    assert (case.age_range, case.setting_of_care) == (CLEAN_CASE["age_range"], CLEAN_CASE["setting_of_care"])
    assert not CaseAttachment.objects.filter(case=case).exists() and not storage.exists(name)
    assert case.recommendation.summary == "Discussed delirium."
    assert case.events.count() == 3

    client.force_login(clinician)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "were deleted on" in page and "Family meeting" in page


def test_the_periodic_task_purges_with_the_setting(clinician, facilitator, hub, settings):
    settings.CASE_RETENTION_DAYS = 0
    session = factories.SessionFactory(series=factories.SeriesFactory(hub=hub), days_from_now=-2)
    _approved_case(session, clinician, facilitator, now=timezone.now())
    assert tasks.purge_case_bodies() == 1
    assert CasePresentation.objects.get().purged_at is not None
