"""My learning's headings and empty-list words are drawn once for every learner whose lists are filled the same
way, and kept; what is in the lists is each learner's own. Alice and Bob hold one of everything, each their own;
Charlie holds nothing. None of them ever sees another's, in either language, however the kept parts were made."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from certificates.models import Certificate
from enrollment.models import Enrollment, JoinRequest, Registration
from tests.factories import (
    EnrollmentFactory,
    RegistrationFactory,
    SeriesFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def _holdings(user, name: str) -> dict:
    """One of each list My learning shows, all named after `name`."""
    now = timezone.now()
    series = SeriesFactory(title=f"{name} series", slug=f"{name.lower()}-series", capacity=1)
    upcoming = SessionFactory(series=series, title=f"{name} next session", days_from_now=3)
    full = SessionFactory(series=series, title=f"{name} full session", days_from_now=5)
    past = SessionFactory(series=series, title=f"{name} past session", days_from_now=-7)
    seat = RegistrationFactory(user=user, session=upcoming)
    RegistrationFactory(session=full)  # someone else's seat: the learner waits behind them
    RegistrationFactory(user=user, session=full, status=Registration.Status.WAITLISTED, waitlisted_at=now)
    RegistrationFactory(user=user, session=past, attended_minutes=60)
    EnrollmentFactory(user=user, series=series)
    waiting_in = SeriesFactory(title=f"{name} waiting series", slug=f"{name.lower()}-waiting", capacity=1)
    EnrollmentFactory(user=user, series=waiting_in, status=Enrollment.Status.WAITLISTED, waitlisted_at=now)
    asked = SeriesFactory(title=f"{name} asked series", slug=f"{name.lower()}-asked")
    JoinRequest.objects.create(
        user=user, series=asked, state=JoinRequest.State.DECLINED, decided_at=now, message=f"Sorry {name}"
    )
    document = Certificate.objects.create(
        user=user, series=series, learner_name=f"{name} Learner", first_issued_at=now, issued_at=now
    )
    return {
        "titles": [f"{name} next session", f"{name} full session", f"{name} past session", f"{name} series"],
        "more": [f"{name} waiting series", f"{name} asked series", f"Sorry {name}", document.number],
        "links": [f"/me/registrations/{seat.pk}/cancel/", f"/me/series/{name.lower()}-series/leave/"],
    }


def _signed_in(user, language: str) -> Client:
    user.preferred_language = language
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_learner_sees_their_own_lists_in_the_frame_they_share(clinician, language):
    alice, bob, charlie = clinician, UserFactory(email="bob@example.org"), UserFactory(email="charlie@example.org")
    own = {alice: _holdings(alice, "Alice"), bob: _holdings(bob, "Bob"), charlie: None}
    clients = {user: _signed_in(user, language) for user in own}

    # In turn, twice: the second round is drawn from what the first kept.
    pages = [(user, clients[user].get("/me/").content.decode()) for _round in range(2) for user in own]

    for user, page in pages:
        for other, holdings in own.items():
            if holdings is None:
                continue
            for text in holdings["titles"] + holdings["more"] + holdings["links"]:
                assert (text in page) is (other == user), (user.email, other.email, text)
        empty = "You have not joined a series yet." if language == "en" else "Vous n’êtes encore membre d’aucune série."
        assert (empty in page) is (user == charlie), user.email


def _me(client) -> str:
    """My learning as the learner gets it, its CSRF tokens (new on every page) left out."""
    page = client.get("/me/").content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_a_list_filled_or_emptied_shows_on_the_next_visit(client, clinician):
    session = SessionFactory(title="Grief and loss", days_from_now=4)
    client.force_login(clinician)
    before = _me(client)
    registration = RegistrationFactory(user=clinician, session=session)
    holding = _me(client)
    registration.status = Registration.Status.CANCELLED
    registration.save()
    after = _me(client)

    assert "You have no upcoming session." in before and "Grief and loss" not in before
    assert "Your next session" in holding and "Grief and loss" in holding
    assert "You have no upcoming session." not in holding
    assert after == before
