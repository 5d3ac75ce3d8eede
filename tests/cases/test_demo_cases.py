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


def test_a_past_cohort_session_gets_a_case_with_the_panels_recommendations(seeded):
    import datetime as dt

    from django.utils import timezone

    from echo_portal.demo import cases as demo_cases
    from series.models import Series
    from tests import factories

    clinician = people.demo_person("clinician")
    cohort = Series.objects.get(slug=people.LTC_COHORT_SLUG)
    past = cohort.previous_cohort.sessions.filter(ends_at__lt=timezone.now()).order_by("-starts_at").first()
    factories.RegistrationFactory(user=clinician, session=past)
    demo_cases.seed(today=dt.date.today(), stdout=io.StringIO())
    case = CasePresentation.objects.get(presenter=clinician, session=past)
    assert case.state == CasePresentation.State.APPROVED
    assert "subcutaneous" in case.recommendation.recommendations
