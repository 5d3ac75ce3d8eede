"""Personas of a case presentation: Alice presents at a session of Bob's hub, Fay facilitates it, Pat sits on its
panel; Rita is another registrant, Olga facilitates another hub, Charlie has nothing to do with any of it."""

import pytest

from tests import factories


@pytest.fixture
def session(hub):
    return factories.SessionFactory(series=factories.SeriesFactory(hub=hub), title="Delirium at the end of life")


@pytest.fixture
def facilitator(hub):
    user = factories.UserFactory(email="fay@example.org", first_name="Fay", last_name="Facilitator")
    factories.HubMembershipFactory(hub=hub, user=user, role="facilitator")
    return user


@pytest.fixture
def panelist(hub):
    user = factories.UserFactory(email="pat@example.org", first_name="Pat", last_name="Panelist")
    factories.HubMembershipFactory(hub=hub, user=user, role="panelist")
    return user


@pytest.fixture
def presenter(clinician, session):
    factories.RegistrationFactory(user=clinician, session=session)
    return clinician


@pytest.fixture
def other_registrant(session):
    user = factories.UserFactory(email="rita@example.org", first_name="Rita", last_name="Registrant")
    factories.RegistrationFactory(user=user, session=session)
    return user


@pytest.fixture
def other_hub_facilitator(other_hub):
    user = factories.UserFactory(email="olga@example.org", first_name="Olga", last_name="Elsewhere")
    factories.HubMembershipFactory(hub=other_hub, user=user, role="facilitator")
    return user


CLEAN_CASE = {
    "presenting_question": "How should we manage terminal delirium when oral routes are lost?",
    "age_range": "85-94",
    "sex_gender": "woman",
    "setting_of_care": "long_term_care",
    "history": "Advanced dementia, recurrent aspiration pneumonia, admitted to the home four years ago.",
    "symptoms_medications": "Agitation at night, hydromorphone 0.5 mg subcut q4h PRN, haloperidol 0.5 mg PRN.",
    "goals_of_care": "Comfort-focused care; the family wishes to avoid transfer to hospital.",
    "tried": "Non-pharmacological measures, reorientation, a quiet room.",
}
