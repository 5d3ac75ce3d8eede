"""The catalog's SQL for "the series by invitation only this person may see" gives the ORM rule's answer, for each
kind of person: invited by address or by the link they followed, declined, member, manager and
facilitator of the hub, manager of an inactive hub, another hub's manager, programme staff, nobody.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from enrollment.models import SeriesInvitation
from enrollment.visibility import private_series_ids_visible_to, published_private_series_ids_of
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


def _orm(user) -> list[int]:
    return sorted(
        Series.objects.published()
        .filter(registration_mode=Series.RegistrationMode.INVITATION, pk__in=private_series_ids_visible_to(user))
        .values_list("pk", flat=True)
    )


def test_the_sql_sees_what_the_rule_sees_for_everyone(hub, other_hub, clinician, outsider, hub_manager, staff):
    def private(**fields):
        return factories.SeriesFactory(registration_mode=Series.RegistrationMode.INVITATION, **fields)

    by_address, by_link, declined, joined, of_hub, of_other_hub = (
        private(),
        private(),
        private(),
        private(),
        private(hub=hub),
        private(hub=other_hub),
    )
    draft = private(hub=hub, status=Series.Status.DRAFT)
    private(hub=hub, status=Series.Status.ARCHIVED)
    factories.SeriesFactory(hub=hub)  # open to everyone: never in this list
    SeriesInvitation.objects.create(series=by_address, email="alice@example.org")
    SeriesInvitation.objects.create(series=by_link, email="alice.elsewhere@example.org", user=clinician)
    SeriesInvitation.objects.create(series=declined, email="alice@example.org", declined_at=timezone.now())
    SeriesInvitation.objects.create(series=draft, email="alice@example.org")
    factories.EnrollmentFactory(series=joined, user=clinician)
    facilitator = factories.UserFactory(email="fran@example.org")
    factories.HubMembershipFactory(hub=hub, user=facilitator, role="facilitator")
    panelist = factories.UserFactory(email="pat@example.org")
    factories.HubMembershipFactory(hub=hub, user=panelist, role="panelist")
    closed_hub = factories.HubFactory(is_active=False)
    private(hub=closed_hub)
    former = factories.UserFactory(email="former@example.org")
    factories.HubMembershipFactory(hub=closed_hub, user=former, role="manager")

    people = (clinician, outsider, hub_manager, facilitator, panelist, former, staff)
    for person in people:
        assert published_private_series_ids_of(person) == _orm(person), person.email
    assert published_private_series_ids_of(clinician) == sorted([by_address.pk, by_link.pk, joined.pk])
    assert published_private_series_ids_of(hub_manager) == [of_hub.pk]
    assert published_private_series_ids_of(outsider) == []
    assert of_other_hub.pk in published_private_series_ids_of(staff)
    assert published_private_series_ids_of(AnonymousUser()) == []
