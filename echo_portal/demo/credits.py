"""Demo step: the demo clinician attended the 2021–22 Long-Term Care cohort and holds its certificate.

Attendance comes in as staff bring it in (the participant report, through the attendance service),
and the certificate is issued by the same service staff use once the last session is recorded.
The registrations themselves are written directly: that cohort ran before the portal took
registrations, and the registration service rightly refuses sessions that are over.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from certificates import services as certificates
from enrollment import services as enrollment
from enrollment.models import Registration
from series.models import Series
from sessions.models import Session

from . import people

PAST_COHORT_SLUG = "long-term-care-community-of-practice"
# Minutes the clinician was present at each session, in order: one missed, one left early (short of 75 %).
MINUTES = [60, 58, 60, 0, 55, 60, 40, 60, 57, 60, 60, 59, 60]
DEMO_LICENCE_NUMBER = "CFPC 100234"


def seed(*, today: dt.date, stdout: TextIO) -> None:
    clinician = people.demo_person("clinician")
    cohort = Series.objects.filter(slug=PAST_COHORT_SLUG).first()
    if clinician is None or cohort is None:
        stdout.write("Demo certificate not made: the demo clinician or the past LTC cohort is missing.\n")
        return
    if not clinician.licence_number:
        clinician.licence_number = DEMO_LICENCE_NUMBER
        clinician.save(update_fields=["licence_number"])
    held = list(Session.objects.scheduled().filter(series=cohort, ends_at__date__lt=today).order_by("starts_at"))
    for session in held:
        Registration.objects.get_or_create(user=clinician, session=session)
    for session, minutes in zip(held, MINUTES, strict=False):
        enrollment.record_attendance(session=session, rows=[(clinician.email, minutes)])
    result = certificates.issue_if_series_complete(series=cohort)
    document = clinician.certificates.filter(series=cohort).first()
    if document is not None:
        stdout.write(
            f"Demo certificate {document.number} for {clinician.email} ({cohort.title}, {document.credits} credits)"
            f"{'' if result and result.issued else ' (already there)'}.\n"
        )
