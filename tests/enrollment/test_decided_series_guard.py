"""A series that decides who joins (by approval, by invitation only) takes nobody who registers on their own."""

import pytest
from django.urls import reverse

from enrollment.models import Enrollment, Registration, SeriesInvitation
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("mode", "says", "status"),
    [
        (Series.RegistrationMode.APPROVAL, "registers by approval", 200),
        # Invited but not accepted yet (someone not invited gets a 404: tests/series/test_invitation_only_visibility).
        (Series.RegistrationMode.INVITATION, "by invitation only", 403),
    ],
)
def test_picking_sessions_of_a_decided_series_enrolls_nobody(client, clinician, mode, says, status):
    series = factories.SeriesFactory(registration_mode=mode, uninvited_view=Series.UninvitedView.TITLE)
    session = factories.SessionFactory(series=series, days_from_now=7)
    SeriesInvitation.objects.create(series=series, email=clinician.email)
    client.force_login(clinician)

    response = client.post(
        reverse("enrollment:register", args=[series.slug]), {"sessions": [session.pk], "consent": "on"}, follow=True
    )

    assert response.status_code == status
    assert says in response.content.decode()
    assert not Enrollment.objects.filter(user=clinician, series=series).exists()
    assert not Registration.objects.filter(user=clinician).exists()
