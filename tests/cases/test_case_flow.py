"""The flow up to review, through the pages people use: invite or offer, write, screen, submit, review."""

import pytest
from django.core import mail
from django.urls import reverse

from cases import services
from cases.models import CaseEvent, CasePresentation
from notifications.models import OutboundEmail

from .conftest import CLEAN_CASE

pytestmark = pytest.mark.django_db
State = CasePresentation.State


def _emails_to(address):
    return [message for message in mail.outbox if address in message.to]


def test_facilitator_invites_a_registrant_who_is_emailed_the_deadline(
    client, facilitator, presenter, session, settings, django_capture_on_commit_callbacks
):
    settings.CASE_DEADLINE_DAYS = 3
    client.force_login(facilitator)
    page = client.get(reverse("cases:session_cases", args=[session.pk]))
    assert presenter.email in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:invite", args=[session.pk]), {"presenter": presenter.pk}, follow=True)
    assert "is invited to present" in response.content.decode()
    case = CasePresentation.objects.get(session=session, presenter=presenter)
    assert case.state == State.DRAFT
    assert case.deadline_at == session.starts_at - __import__("datetime").timedelta(days=3)
    [email] = _emails_to(presenter.email)
    assert "invited to present a case" in email.subject
    assert "Please submit your de-identified case by" in email.body
    event = case.events.get()
    assert (event.from_state, event.to_state, event.actor) == ("", State.DRAFT, facilitator)

    # A second click invites nobody twice and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:invite", args=[session.pk]), {"presenter": presenter.pk})
    assert len(_emails_to(presenter.email)) == 1
    assert CaseEvent.objects.count() == 1


def test_only_registrants_can_be_invited_and_only_by_a_facilitator(client, facilitator, panelist, outsider, session):
    client.force_login(facilitator)
    client.post(reverse("cases:invite", args=[session.pk]), {"presenter": outsider.pk})
    assert not CasePresentation.objects.exists()
    with pytest.raises(services.CaseError):
        services.invite(session=session, presenter=outsider, by=facilitator)
    client.force_login(panelist)
    assert client.post(reverse("cases:invite", args=[session.pk]), {"presenter": outsider.pk}).status_code == 404


def test_registrant_offers_from_the_session_page_and_the_facilitator_accepts(
    client, facilitator, presenter, session, django_capture_on_commit_callbacks
):
    client.force_login(presenter)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Offer a case" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:offer", args=[session.pk]))
        client.post(reverse("cases:offer", args=[session.pk]))  # a double click
    case = CasePresentation.objects.get()
    assert case.state == State.OFFERED
    [offer_email] = _emails_to(facilitator.email)
    assert "offers a case" in offer_email.subject

    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:answer_offer", args=[case.pk]), {"action": "accept"})
    case.refresh_from_db()
    assert case.state == State.DRAFT and case.deadline_at is not None
    [accepted] = _emails_to(presenter.email)
    assert "accepted" in accepted.subject
    assert [e.to_state for e in case.events.all()] == [State.OFFERED, State.DRAFT]


def test_declined_offer_tells_the_registrant_why(
    client, facilitator, presenter, session, django_capture_on_commit_callbacks
):
    case = services.offer(session=session, presenter=presenter)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("cases:answer_offer", args=[case.pk]), {"action": "decline", "reason": "Two cases already."}
        )
    case.refresh_from_db()
    assert case.state == State.DECLINED
    [email] = _emails_to(presenter.email)
    assert "Two cases already." in email.body


def _invited(session, presenter, facilitator):
    return services.invite(session=session, presenter=presenter, by=facilitator)


def test_presenter_saves_a_draft_then_submits_after_confirming_it_is_deidentified(
    client, facilitator, presenter, session, django_capture_on_commit_callbacks
):
    case = _invited(session, presenter, facilitator)
    client.force_login(presenter)
    draft = {**CLEAN_CASE, "history": "", "action": "save"}
    response = client.post(reverse("cases:edit", args=[case.pk]), draft, follow=True)
    assert "Draft saved." in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.DRAFT and case.presenting_question == CLEAN_CASE["presenting_question"]

    # Incomplete: submitting says what is missing and changes nothing.
    response = client.post(reverse("cases:submit", args=[case.pk]), {"confirmed": "on"})
    assert "Answer these before submitting" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.DRAFT

    client.post(reverse("cases:edit", args=[case.pk]), {**CLEAN_CASE, "action": "submit"})
    # Without the confirmation nothing is submitted.
    response = client.post(reverse("cases:submit", args=[case.pk]), {})
    case.refresh_from_db()
    assert case.state == State.DRAFT
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:submit", args=[case.pk]), {"confirmed": "on"}, follow=True)
    assert "Your case was submitted" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and case.deidentified_confirmed_at is not None
    [email] = _emails_to(facilitator.email)
    assert "ready for review" in email.subject


def test_screening_findings_are_highlighted_and_must_be_edited_or_explained(
    client, facilitator, presenter, session, django_capture_on_commit_callbacks
):
    case = _invited(session, presenter, facilitator)
    client.force_login(presenter)
    flagged = {**CLEAN_CASE, "history": "OHIP 1234-567-890-AB. Daughter's cell (705) 555-0142.", "action": "save"}
    client.post(reverse("cases:edit", args=[case.pk]), flagged)
    page = client.get(reverse("cases:submit", args=[case.pk])).content.decode()
    assert "The screening found 2 details that may identify the patient" in page
    assert '<mark class="phi-finding" id="finding-1">1234-567-890-AB' in page
    assert "Looks like a health card number (format used in: Ontario)" in page
    assert "Looks like personal information: phone number" in page

    response = client.post(reverse("cases:submit", args=[case.pk]), {"confirmed": "on"})
    assert "Edit the case to remove it, or explain it here." in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.DRAFT

    # The presenter edits the number away and explains the phone number (say it is the hospice's public line).
    client.post(reverse("cases:edit", args=[case.pk]), {**flagged, "history": "Call the hospice at (705) 555-0142."})
    findings = services.screening.screen_case(case.__class__.objects.get(pk=case.pk))
    [phone] = findings
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("cases:submit", args=[case.pk]),
            {"confirmed": "on", f"explain-{phone.fingerprint}": "The hospice's public number, not the family's."},
        )
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    assert case.screening[0]["kind"] == "phone"
    assert case.screening[0]["explanation"] == "The hospice's public number, not the family's."


def test_reviewer_returns_with_a_reason_presenter_resubmits_and_reviewer_approves(
    client, facilitator, presenter, session, django_capture_on_commit_callbacks
):
    # The invitation and the submission notice go out as they are written, as after a real commit: the drain that
    # sends the review's email would otherwise find them still waiting and send them with it.
    with django_capture_on_commit_callbacks(execute=True):
        case = _invited(session, presenter, facilitator)
        services.save_draft(case=case, by=presenter, fields={k: v for k, v in CLEAN_CASE.items()})
        services.submit(case=case, by=presenter, confirmed=True, explanations={})
    client.force_login(facilitator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert CLEAN_CASE["history"] in page and "Approve for the panel" in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:review", args=[case.pk]), {"action": "return", "reason": ""})
    case.refresh_from_db()
    assert case.state == State.SUBMITTED  # a return needs a reason
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:review", args=[case.pk]), {"action": "return", "reason": "Remove the home's name."})
    case.refresh_from_db()
    assert case.state == State.RETURNED
    [returned] = _emails_to(presenter.email)
    assert "needs changes" in returned.subject and "Remove the home's name." in returned.body

    client.force_login(presenter)
    assert "Remove the home&#x27;s name." in client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:submit", args=[case.pk]), {"confirmed": "on"})
    case.refresh_from_db()
    assert case.state == State.SUBMITTED

    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:review", args=[case.pk]), {"action": "approve"})
        client.post(reverse("cases:review", args=[case.pk]), {"action": "approve"})  # twice: one change
    case.refresh_from_db()
    assert case.state == State.APPROVED
    assert [(e.to_state, e.actor.email) for e in case.events.all()] == [
        (State.DRAFT, facilitator.email),
        (State.SUBMITTED, presenter.email),
        (State.RETURNED, facilitator.email),
        (State.SUBMITTED, presenter.email),
        (State.APPROVED, facilitator.email),
    ]
    assert case.events.get(to_state=State.RETURNED).reason == "Remove the home's name."
    # Each change emailed those it concerns once: the presenter 3 times, the facilitator twice.
    assert OutboundEmail.objects.filter(recipient=presenter.email, kind="case").count() == 3
    assert OutboundEmail.objects.filter(recipient=facilitator.email, kind="case").count() == 2
    assert len(_emails_to(presenter.email)) == 2  # returned and approved, since the outbox was cleared


def test_panelists_are_emailed_once_when_a_case_is_approved_for_them(
    facilitator, panelist, presenter, session, django_capture_on_commit_callbacks, settings
):
    settings.CASE_PANEL_VISIBLE_DAYS = 7
    case = _invited(session, presenter, facilitator)
    services.save_draft(case=case, by=presenter, fields=dict(CLEAN_CASE))
    services.submit(case=case, by=presenter, confirmed=True, explanations={})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(case=case, by=facilitator)
    [email] = _emails_to(panelist.email)
    assert "ready for the panel" in email.subject
    assert "The panel can read it from" in email.body and f"/cases/{case.pk}/" in email.body
