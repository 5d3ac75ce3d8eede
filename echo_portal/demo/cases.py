"""Demo case presentations: the demo clinician presents at the next LTC session they registered for.

The facilitator (who sits on the panel of the LTC community of practice's hub) invites them, and the draft
they start contains a health card number and a phone number, which the screening flags when they submit:
edit one away, explain or remove the other, submit, then sign in as the facilitator to approve and read it.
A case from the clinician's past cohort already has the panel's recommendations, so My learning shows them.
Everything goes through the services a click goes through, so the outbox holds the emails too.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.utils import timezone

from cases import services
from cases.models import CasePresentation
from enrollment.models import Registration
from hubs.models import HubMembership
from series.models import Series

from .people import LTC_COHORT_SLUG, demo_person

DRAFT = {
    "presenting_question": (
        "How can we settle her night-time agitation without over-sedating her, and how do we support a family "
        "who disagree about transfer to hospital?"
    ),
    "age_range": CasePresentation.AgeRange.ADULT_85,
    "sex_gender": CasePresentation.SexGender.WOMAN,
    "setting_of_care": "long_term_care",
    "history": (
        "Advanced Alzheimer's disease, in long-term care for three years. Health card 4512-337-806-KT. "
        "Recurrent aspiration pneumonia, two transfers to hospital in the past year."
    ),
    "symptoms_medications": (
        "Agitation most nights from about 20:00, calling out, pulling at her clothes. Haloperidol 0.5 mg subcut "
        "q8h PRN (two to three doses a night), hydromorphone 0.25 mg subcut q4h PRN for grimacing during care."
    ),
    "goals_of_care": (
        "Her daughter (cell 705-555-0188) wants every treatment, including transfer; her son, the substitute "
        "decision-maker, wants comfort care at the home."
    ),
    "tried": "A quiet room, music she likes, regular toileting, mouth care; a trial of trazodone at bedtime.",
}
PAST_CASE = {
    **DRAFT,
    "presenting_question": "When should we stop oral medications for a resident who can no longer swallow?",
    "history": "Advanced dementia, in long-term care for two years, no longer swallowing safely.",
    "goals_of_care": "Comfort care at the home, agreed with the family.",
}


def seed(*, today: dt.date, stdout: TextIO) -> None:
    clinician, facilitator = demo_person("clinician"), demo_person("facilitator")
    cohort = Series.objects.filter(slug=LTC_COHORT_SLUG).select_related("hub").first()
    if clinician is None or facilitator is None or cohort is None:
        stdout.write("Demo case presentations skipped: the demo people or the LTC cohort are missing.\n")
        return
    # The LTC community of practice is run by its hub; the demo facilitator sits on that panel too.
    HubMembership.objects.get_or_create(
        hub=cohort.hub, user=facilitator, defaults={"role": HubMembership.Role.FACILITATOR}
    )
    now = timezone.now()
    registration = (
        Registration.objects.registered()
        .filter(user=clinician, session__series=cohort, session__starts_at__gt=now)
        .select_related("session__series")
        .order_by("session__starts_at")
        .first()
    )
    if registration is None:
        stdout.write("Demo case presentations skipped: the clinician has no upcoming LTC session.\n")
        return
    session = registration.session
    if not CasePresentation.objects.filter(session=session, presenter=clinician).exists():
        case = services.invite(session=session, presenter=clinician, by=facilitator)
        services.save_draft(case=case, by=clinician, fields=DRAFT)
    _past_case_with_recommendations(clinician=clinician, facilitator=facilitator, cohort=cohort)
    stdout.write(f"Demo case: {clinician.email} presents at “{session.title}” (a draft the screening flags).\n")


def _past_case_with_recommendations(*, clinician, facilitator, cohort: Series) -> None:
    registration = (
        Registration.objects.registered()
        .filter(user=clinician, session__series=cohort.previous_cohort, session__ends_at__lt=timezone.now())
        .select_related("session__series")
        .order_by("-session__starts_at")
        .first()
        if cohort.previous_cohort_id
        else None
    )
    if registration is None:
        return
    session = registration.session
    if session.series.hub_id != cohort.hub_id:
        HubMembership.objects.get_or_create(
            hub_id=session.series.hub_id, user=facilitator, defaults={"role": HubMembership.Role.FACILITATOR}
        )
    if CasePresentation.objects.filter(session=session, presenter=clinician).exists():
        return
    before = session.starts_at - dt.timedelta(days=7)
    case = services.invite(session=session, presenter=clinician, by=facilitator, now=before)
    services.save_draft(case=case, by=clinician, fields=PAST_CASE)
    outcome = services.submit(
        case=case, by=clinician, confirmed=True, explanations={}, now=before + dt.timedelta(days=1)
    )
    if not outcome.submitted:
        return
    services.approve(case=case, by=facilitator, now=before + dt.timedelta(days=2))
    services.write_recommendations(
        case=case,
        by=facilitator,
        summary="The panel discussed stopping oral medications when swallowing is no longer safe.",
        recommendations=(
            "Review every oral medication and stop those that no longer serve comfort\n"
            "Move essential symptom medications to the subcutaneous route\n"
            "Offer mouth care and small tastes for pleasure, as the family wishes"
        ),
        resources="Pallium Palliative Pocketbook: dysphagia and medication routes\nhttps://www.pallium.ca/",
        now=session.ends_at + dt.timedelta(days=1),
    )
