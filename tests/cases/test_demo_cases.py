"""The demo: the demo clinician presents at an upcoming LTC session with a draft the screening flags."""

import io

import pytest
from django.core.management import call_command

from cases import access, screening
from cases.models import CasePresentation
from echo_portal.demo import people


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=out)
    return out.getvalue()


def test_the_clinician_has_a_flagged_draft_at_an_upcoming_ltc_session(seeded):
    clinician, facilitator = people.demo_person("clinician"), people.demo_person("facilitator")
    case = CasePresentation.objects.filter(presenter=clinician, state=CasePresentation.State.DRAFT).get()
    assert case.session.series.slug == people.LTC_COHORT_SLUG
    assert case.deadline_at is not None
    kinds = {item.finding.kind for item in screening.screen_case(case)}
    assert {"health_card", "phone"} <= kinds
    assert access.is_on_panel(facilitator, case.session, roles=access.FACILITATOR_ROLES)
    assert "Demo case:" in seeded


def test_seeding_twice_adds_no_second_case(seeded):
    count = CasePresentation.objects.count()
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert CasePresentation.objects.count() == count


def test_a_past_cohort_session_has_a_case_with_the_panels_recommendations(seeded):
    """The credits step gives the clinician attendance in the previous cohort; one of those sessions has a case."""
    clinician = people.demo_person("clinician")
    case = CasePresentation.objects.get(presenter=clinician, recommendation__isnull=False)
    assert case.state == CasePresentation.State.APPROVED
    assert case.session.ends_at < case.recommendation.sent_at
    assert "subcutaneous" in case.recommendation.recommendations
