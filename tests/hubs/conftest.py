"""People and places for the hub portal tests.

Bob manages Northern Lakes (`hub`), whose spoke Lakeside LTC has Alice (`clinician`) as a member.
Dana manages Prairie Coast (`other_hub`), whose spoke Coastal Paramedics has Erin as a member.
Fay is a facilitator of Northern Lakes: she may look, not change.
"""

import pytest
from django.urls import reverse

from hubs.models import HubMembership, SpokeMembership
from tests import factories


@pytest.fixture
def spoke(hub):
    return factories.SpokeFactory(hub=hub, name="Lakeside Long-Term Care Home", kind="long_term_care")


@pytest.fixture
def member(clinician, spoke):
    factories.SpokeMembershipFactory(spoke=spoke, user=clinician)
    return clinician


@pytest.fixture
def other_spoke(other_hub):
    return factories.SpokeFactory(hub=other_hub, name="Coastal Paramedic Service", kind="paramedic", province="BC")


@pytest.fixture
def other_member(other_spoke):
    user = factories.UserFactory(email="erin@example.org", first_name="Erin", last_name="Coastal", province="BC")
    factories.SpokeMembershipFactory(spoke=other_spoke, user=user)
    return user


@pytest.fixture
def facilitator(hub):
    user = factories.UserFactory(email="fay@example.org", first_name="Fay", last_name="Facilitator")
    factories.HubMembershipFactory(hub=hub, user=user, role=HubMembership.Role.FACILITATOR)
    return user


@pytest.fixture
def manager_client(client, hub_manager):
    client.force_login(hub_manager)
    return client


def manage_url(hub, name, *args):
    return reverse(f"hubs:manage:{name}", args=[hub.slug, *args])


def requested(spoke, user):
    return factories.SpokeMembershipFactory(spoke=spoke, user=user, status=SpokeMembership.Status.REQUESTED)


def make_invitation(spoke, email, *, days_left=14, **fields):
    import datetime as dt

    from django.utils import timezone

    from hubs.models import SpokeInvitation

    return SpokeInvitation.objects.create(
        spoke=spoke, email=email, expires_at=timezone.now() + dt.timedelta(days=days_left), **fields
    )
