"""Cancelling or leaving a second time (a second tab, a second click) says it is done; nothing else changes."""

import pytest
from django.core import mail

from enrollment import services
from enrollment.models import Enrollment, Registration
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_second_tab_cancelling_the_same_registration_is_told_it_is_done(client, clinician, outsider):
    session = factories.SessionFactory(title="Grief in Children")
    services.register(user=clinician, sessions=[session], consent=True)
    registration = Registration.objects.get(user=clinician, session=session)
    client.force_login(clinician)
    url = f"/me/registrations/{registration.pk}/cancel/"
    assert client.get(url).status_code == 200  # both tabs show "Yes, cancel my registration"

    client.post(url, follow=True)
    mail.outbox.clear()
    second = client.post(url, follow=True)

    assert second.status_code == 200
    assert second.redirect_chain == [("/me/", 302)]
    assert _messages(second) == ["You are no longer registered for “Grief in Children”."]
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CANCELLED
    assert mail.outbox == []  # no second cancellation email
    # Someone else's registration, cancelled or not, is still not found.
    client.force_login(outsider)
    assert client.post(url).status_code == 404


def test_leaving_a_series_twice_is_told_it_is_done(client, clinician, outsider):
    series = factories.SeriesFactory(title="LTC Community of Practice", registration_mode=Series.RegistrationMode.KEY)
    session = factories.SessionFactory(series=series)
    factories.EnrollmentKeyFactory(series=series, code="LTC2122")
    services.enroll(user=clinician, series=series, key="LTC2122")
    services.register(user=clinician, sessions=[session], consent=True)
    client.force_login(clinician)
    url = f"/me/series/{series.slug}/leave/"

    client.post(url, follow=True)
    mail.outbox.clear()
    second = client.post(url, follow=True)

    assert second.redirect_chain == [("/me/", 302)]
    assert _messages(second) == ["You have left LTC Community of Practice."]
    assert Enrollment.objects.get(user=clinician, series=series).status == Enrollment.Status.WITHDRAWN
    assert mail.outbox == []
    # Someone who never joined it still gets "not found".
    client.force_login(outsider)
    assert client.post(url).status_code == 404
