"""A series by approval: Alice asks to join from the series page, is told either way by email, and picks sessions.

Alice reads English, Bruno French; Bob manages the series' hub and decides. A pending request holds no place;
approving past the capacity waitlists the rest in the order they asked.
"""

import pytest
from django.urls import reverse

from enrollment import services
from enrollment.models import Enrollment, JoinRequest, Registration
from notifications.models import OutboundEmail
from series.models import Series
from tests import factories
from tests.notifications.content_support import deliver_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(hub):
    series = factories.SeriesFactory(
        hub=hub, title="Palliative Care Rounds", registration_mode=Series.RegistrationMode.APPROVAL
    )
    factories.SessionFactory(series=series, title="Rounds 1", days_from_now=7)
    factories.SessionFactory(series=series, title="Rounds 2", days_from_now=14)
    return series


@pytest.fixture
def bruno(db):
    return factories.UserFactory(email="bruno@example.org", first_name="Bruno", preferred_language="fr")


def _ask(client, user, series, **data):
    client.force_login(user)
    return client.post(reverse("enrollment:ask_to_join", args=[series.slug]), {"consent": "on", **data})


def _emails_to(address):
    deliver_queued()  # emails are rendered at delivery, as the worker does after commit
    return list(OutboundEmail.objects.filter(recipient=address).order_by("pk"))


def test_the_catalog_and_the_series_page_say_registration_by_approval(client, series):
    catalog = client.get(reverse("series:catalog")).content.decode()
    page = client.get(series.get_absolute_url()).content.decode()

    assert "Registration by approval" in catalog
    assert "Registration by approval" in page
    assert "Sign in to ask to join" in page


def test_asking_shows_the_profile_to_the_reviewers_and_holds_no_place(client, clinician, series):
    clinician.organisation = "Lakeside LTC"
    clinician.save()
    client.force_login(clinician)

    form = client.get(reverse("enrollment:ask_to_join", args=[series.slug])).content.decode()
    response = _ask(client, clinician, series, note="I work nights in a rural home.")

    assert "What the reviewers see about you" in form and "Lakeside LTC" in form
    assert response.status_code == 302
    join_request = JoinRequest.objects.get(user=clinician, series=series)
    assert join_request.state == JoinRequest.State.PENDING
    assert join_request.note == "I work nights in a rural home."
    assert not Enrollment.objects.filter(user=clinician).exists()
    page = client.get(series.get_absolute_url()).content.decode()
    assert "Waiting for approval" in page
    my_learning = client.get(reverse("enrollment:my_learning")).content.decode()
    assert "Waiting for approval" in my_learning and "Palliative Care Rounds" in my_learning


def test_a_second_submit_keeps_one_request_and_its_first_note(client, clinician, series):
    _ask(client, clinician, series, note="first")
    response = _ask(client, clinician, series, note="second")

    assert response.status_code == 302
    assert JoinRequest.objects.filter(user=clinician).count() == 1
    assert JoinRequest.objects.get(user=clinician).note == "first"
    follow = client.get(response.url).content.decode()
    assert "already asked to join" in follow


def test_a_note_too_long_is_refused_with_a_message_and_nothing_stored(client, clinician, series):
    response = _ask(client, clinician, series, note="x" * 1001)

    assert response.status_code == 200
    assert "at most 1000 characters" in response.content.decode().lower()
    assert not JoinRequest.objects.exists()


def test_consent_is_asked_before_the_first_request(client, clinician, series):
    client.force_login(clinician)
    response = client.post(reverse("enrollment:ask_to_join", args=[series.slug]), {"note": ""})

    assert "Please agree to the privacy policy to ask to join." in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_registering_directly_sends_the_clinician_to_ask_first(client, clinician, series):
    session = series.sessions.first()
    client.force_login(clinician)

    response = client.post(
        reverse("enrollment:register", args=[series.slug]), {"sessions": [session.pk], "consent": "on"}
    )

    assert response.url == reverse("enrollment:ask_to_join", args=[series.slug])
    assert not Registration.objects.exists()


def test_the_clinician_withdraws_a_pending_request(client, clinician, series, hub_manager):
    _ask(client, clinician, series)

    response = client.post(reverse("enrollment:withdraw_join_request", args=[series.slug]), follow=True)

    assert "was withdrawn" in response.content.decode()
    assert JoinRequest.objects.get(user=clinician).state == JoinRequest.State.WITHDRAWN
    result = services.approve_join_requests(request_ids=[JoinRequest.objects.get().pk], by=hub_manager)
    assert result.already_decided and not result.enrolled
    assert not Enrollment.objects.exists()


def test_approval_emails_the_picker_link_and_the_link_lets_them_pick(
    client, clinician, series, hub_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # what its commit runs: her consent shows from now on
        _ask(client, clinician, series)
    join_request = JoinRequest.objects.get()

    result = services.approve_join_requests(request_ids=[join_request.pk], by=hub_manager, message="Welcome aboard!")

    assert [r.pk for r in result.enrolled] == [join_request.pk]
    assert Enrollment.objects.get(user=clinician, series=series).status == Enrollment.Status.ACTIVE
    (email,) = _emails_to("alice@example.org")
    assert email.kind == OutboundEmail.Kind.JOIN_REQUEST
    assert email.subject == "Your request to join Palliative Care Rounds was approved"
    picker = reverse("enrollment:register", args=[series.slug])
    assert picker in email.body_text and picker in email.body_html
    assert "Welcome aboard!" in email.body_text
    picker_page = client.get(picker).content.decode()
    assert "Rounds 1" in picker_page and "Rounds 2" in picker_page
    session = series.sessions.get(title="Rounds 1")
    response = client.post(picker, {"sessions": [session.pk]})
    assert response.status_code == 302
    assert Registration.objects.get(user=clinician, session=session).status == Registration.Status.REGISTERED


def test_approval_and_decline_emails_are_in_the_clinicians_language(client, bruno, clinician, series, hub_manager):
    _ask(client, bruno, series)
    _ask(client, clinician, series)
    bruno_request, alice_request = JoinRequest.objects.order_by("pk")

    services.approve_join_requests(request_ids=[bruno_request.pk], by=hub_manager)
    services.decline_join_requests(request_ids=[alice_request.pk], by=hub_manager, message="The cohort is for LTC.")

    (approved,) = _emails_to("bruno@example.org")
    assert approved.language == "fr"
    assert approved.subject == "Votre demande pour vous joindre à Palliative Care Rounds a été acceptée"
    assert "Choisissez vos séances" in approved.body_text
    (declined,) = _emails_to("alice@example.org")
    assert declined.language == "en"
    assert declined.subject == "Your request to join Palliative Care Rounds was not accepted"
    assert "The cohort is for LTC." in declined.body_text and "The cohort is for LTC." in declined.body_html
    client.force_login(clinician)
    my_learning = client.get(reverse("enrollment:my_learning")).content.decode()
    assert "Declined" in my_learning and "The cohort is for LTC." in my_learning


def test_a_french_decline(client, bruno, series, hub_manager):
    _ask(client, bruno, series)

    services.decline_join_requests(request_ids=[JoinRequest.objects.get().pk], by=hub_manager, message="Désolé.")

    (declined,) = _emails_to("bruno@example.org")
    assert declined.subject == "Votre demande pour vous joindre à Palliative Care Rounds n’a pas été acceptée"
    assert "Message des organisateurs" in declined.body_text and "Désolé." in declined.body_text


def test_asking_again_after_a_decline_reuses_the_request(client, clinician, series, hub_manager):
    _ask(client, clinician, series)
    first = JoinRequest.objects.get()
    services.decline_join_requests(request_ids=[first.pk], by=hub_manager)

    _ask(client, clinician, series, note="Now I work in LTC.")

    again = JoinRequest.objects.get()
    assert again.pk == first.pk
    assert again.state == JoinRequest.State.PENDING and again.message == "" and again.decided_at is None
    services.approve_join_requests(request_ids=[again.pk], by=hub_manager)
    assert len(_emails_to("alice@example.org")) == 2  # the decline, then the approval


def test_deciding_twice_sends_one_email(client, clinician, series, hub_manager):
    _ask(client, clinician, series)
    join_request = JoinRequest.objects.get()

    services.approve_join_requests(request_ids=[join_request.pk], by=hub_manager)
    second = services.approve_join_requests(request_ids=[join_request.pk], by=hub_manager)
    declined = services.decline_join_requests(request_ids=[join_request.pk], by=hub_manager)

    assert second.already_decided and declined.already_decided
    assert len(_emails_to("alice@example.org")) == 1
    assert JoinRequest.objects.get().state == JoinRequest.State.APPROVED


def test_bulk_approval_past_capacity_waitlists_the_rest_in_the_order_they_asked(client, series, hub_manager):
    series.capacity = 2
    series.save()
    people = [factories.UserFactory(email=f"learner{n}@example.org") for n in range(4)]
    for person in people:
        _ask(client, person, series)
    ids = list(JoinRequest.objects.order_by("-pk").values_list("pk", flat=True))  # handed over in any order

    result = services.approve_join_requests(request_ids=ids, by=hub_manager)

    assert len(result.enrolled) == 2 and len(result.waitlisted) == 2
    statuses = [Enrollment.objects.get(user=person).status for person in people]
    assert statuses == ["active", "active", "waitlisted", "waitlisted"]
    waiting = Enrollment.objects.filter(status="waitlisted").order_by("waitlisted_at", "pk")
    assert [e.user for e in waiting] == people[2:]
    assert result.summary() == [
        "2 people were enrolled and told by email.",
        "2 people were approved onto the waitlist, as the series is full, and told by email.",
    ]
    (email,) = _emails_to("learner3@example.org")
    assert "on its waitlist" in email.body_text


def test_a_series_that_registers_all_seats_the_approved_in_every_upcoming_session(
    client, clinician, series, hub_manager
):
    series.approval_registers_all = True
    series.save()
    first = series.sessions.get(title="Rounds 1")
    first.capacity = 1
    first.save()
    factories.RegistrationFactory(session=first)  # the only seat is taken
    _ask(client, clinician, series)

    services.approve_join_requests(request_ids=[JoinRequest.objects.get().pk], by=hub_manager)

    held = {r.session.title: r.status for r in Registration.objects.filter(user=clinician)}
    assert held == {"Rounds 1": "waitlisted", "Rounds 2": "registered"}
    subjects = [email.subject for email in _emails_to("alice@example.org")]
    assert "Your request to join Palliative Care Rounds was approved" in subjects
    approval = next(e for e in _emails_to("alice@example.org") if e.subject.startswith("Your request"))
    assert "You are registered for this session" in approval.body_text
    assert "Full sessions: you are on their waitlist" in approval.body_text
    assert len(subjects) == 3  # the approval, the registration with its calendar file, the session's waitlist


def test_a_closed_series_leaves_requests_waiting_and_says_why(client, clinician, series, hub_manager):
    _ask(client, clinician, series)
    Series.objects.filter(pk=series.pk).update(registration_mode=Series.RegistrationMode.CLOSED)

    result = services.approve_join_requests(request_ids=[JoinRequest.objects.get().pk], by=hub_manager)

    assert result.summary() == [
        "Palliative Care Rounds: This series is not taking registrations. 1 request is still waiting."
    ]
    assert JoinRequest.objects.get().state == JoinRequest.State.PENDING
    assert not Enrollment.objects.exists()
