"""Registering in an open series joins it on the way, in the same transaction as the seat: written in SQL for a
learner with no enrollment row, the ORM's way for one who has a row (left the series, or joined in another tab)."""

import pytest
from django.urls import reverse

from enrollment.models import Enrollment, Registration
from notifications.models import OutboundEmail
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def ltc():
    series = factories.SeriesFactory(title="Long-Term Care Community of Practice", slug="ltc", capacity=10)
    factories.SessionFactory(series=series, title="Pain at the end of life", days_from_now=3, capacity=2)
    return series


def _register(client, series):
    session = series.sessions.get()
    return client.post(reverse("enrollment:register", args=[series.slug]), {"sessions": [session.pk], "consent": "on"})


def test_the_first_registration_joins_the_series_and_sends_one_email(client, clinician, ltc):
    client.force_login(clinician)

    response = _register(client, ltc)

    assert response.status_code == 302 and "/register/done/" in response["Location"]
    enrollment = Enrollment.objects.get(user=clinician, series=ltc)
    registration = Registration.objects.get(user=clinician)
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.key_id is None
    assert enrollment.waitlisted_at is None and enrollment.enrolled_at == registration.registered_at
    assert registration.status == Registration.Status.REGISTERED
    # The registration email confirms both: no separate enrollment email.
    assert list(OutboundEmail.objects.values_list("kind", flat=True)) == [OutboundEmail.Kind.REGISTRATION]


def test_a_learner_who_left_the_series_joins_it_again_in_the_same_row(client, clinician, ltc):
    left = factories.EnrollmentFactory(user=clinician, series=ltc, status=Enrollment.Status.WITHDRAWN)
    client.force_login(clinician)

    response = _register(client, ltc)

    assert response.status_code == 302
    assert list(Enrollment.objects.filter(user=clinician).values_list("pk", "status")) == [
        (left.pk, Enrollment.Status.ACTIVE)
    ]
    assert Registration.objects.get(user=clinician).status == Registration.Status.REGISTERED


def test_a_session_added_later_is_the_only_one_the_summary_names_as_new(client, clinician, ltc):
    later = factories.SessionFactory(series=ltc, title="Grief and bereavement", days_from_now=10)
    first = ltc.sessions.exclude(pk=later.pk).get()
    client.force_login(clinician)
    client.post(reverse("enrollment:register", args=[ltc.slug]), {"sessions": [first.pk], "consent": "on"})

    # The picker comes back with the first session ticked (held); she ticks the second too.
    response = client.post(
        reverse("enrollment:register", args=[ltc.slug]), {"sessions": [first.pk, later.pk], "consent": "on"}
    )
    summary = client.get(response["Location"]).content.decode()
    again = client.post(
        reverse("enrollment:register", args=[ltc.slug]), {"sessions": [first.pk, later.pk], "consent": "on"}
    )

    assert "Grief and bereavement" in summary and "Pain at the end of life" not in summary
    assert "Pain at the end of life" in client.get(again["Location"]).content.decode()  # nothing new: what she holds
