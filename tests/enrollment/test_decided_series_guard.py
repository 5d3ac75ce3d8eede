"""A series that decides who joins (by approval, by invitation only) takes nobody who registers on their own."""

import pytest
from django.urls import reverse

from enrollment.models import Enrollment, Registration
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        (Series.RegistrationMode.APPROVAL, "registers by approval"),
        (Series.RegistrationMode.INVITATION, "by invitation only"),
    ],
)
def test_picking_sessions_of_a_decided_series_enrolls_nobody(client, clinician, mode, says):
    series = factories.SeriesFactory(registration_mode=mode, uninvited_view=Series.UninvitedView.TITLE)
    session = factories.SessionFactory(series=series, days_from_now=7)
    client.force_login(clinician)

    response = client.post(
        reverse("enrollment:register", args=[series.slug]), {"sessions": [session.pk], "consent": "on"}, follow=True
    )

    assert response.status_code == 200
    assert says in response.content.decode()
    assert not Enrollment.objects.filter(user=clinician, series=series).exists()
    assert not Registration.objects.filter(user=clinician).exists()
