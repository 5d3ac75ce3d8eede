"""The picker's reads written in SQL give the ORM's answers: the learner's enrollment (every field, as `.first()`
makes it) and, per session, the seats taken and what the learner holds (registered, waitlisted, cancelled, none),
read alone (the enroll page, a submitted pick) or together in one query (a visit to the picker)."""

import pytest
from django.db.models import Count, Max, Q

from enrollment import queries
from enrollment.models import Enrollment, Registration
from tests import factories

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_the_enrollment_read_in_sql_is_the_orms(clinician, outsider):
    series = factories.SeriesFactory()
    factories.EnrollmentFactory(user=outsider, series=series)
    factories.EnrollmentFactory(user=clinician, series=factories.SeriesFactory())
    mine = factories.EnrollmentFactory(user=clinician, series=series, status=Enrollment.Status.WAITLISTED)

    read = queries.enrollment_for(user=clinician, series=series)

    assert read.pk == mine.pk and not read.get_deferred_fields() and not read._state.adding
    assert _fields(read) == _fields(Enrollment.objects.filter(user=clinician, series=series).first())
    assert queries.enrollment_for(user=clinician, series=factories.SeriesFactory()) is None


def test_the_enrollment_read_with_the_seats_is_the_orms(clinician, outsider):
    series = factories.SeriesFactory()
    sessions = [factories.SessionFactory(series=series, capacity=3) for _ in range(2)]
    factories.EnrollmentFactory(user=outsider, series=series)
    mine = factories.EnrollmentFactory(user=clinician, series=series, status=Enrollment.Status.WAITLISTED)
    factories.RegistrationFactory(user=outsider, session=sessions[0])
    ids = [session.pk for session in sessions]

    for session_ids, seats in ((ids, {sessions[0].pk: (1, None)}), ([], {})):
        read, counts = queries.enrollment_and_seats(user=clinician, series=series, session_ids=session_ids)

        assert counts == seats
        assert read.pk == mine.pk and not read.get_deferred_fields() and not read._state.adding
        assert _fields(read) == _fields(Enrollment.objects.filter(user=clinician, series=series).first())
    assert queries.enrollment_and_seats(user=outsider, series=factories.SeriesFactory(), session_ids=ids) == (
        None,
        {sessions[0].pk: (1, "registered")},
    )


def test_seats_and_holdings_read_in_sql_are_the_orms_count(clinician, outsider):
    series = factories.SeriesFactory()
    held, waiting, given_up, free, empty = (factories.SessionFactory(series=series, capacity=3) for _ in range(5))
    unlimited = factories.SessionFactory(series=series, capacity=None)
    factories.RegistrationFactory(user=clinician, session=held)
    factories.RegistrationFactory(user=clinician, session=waiting, status=Registration.Status.WAITLISTED)
    factories.RegistrationFactory(user=clinician, session=given_up, status=Registration.Status.CANCELLED)
    for session in (held, waiting, given_up, free, unlimited):
        factories.RegistrationFactory(user=outsider, session=session)
        factories.RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
        factories.RegistrationFactory(session=session, status=Registration.Status.CANCELLED)
    sessions = [held, waiting, given_up, free, empty, unlimited]

    enrollment, counts = queries.enrollment_and_seats(
        user=clinician, series=series, session_ids=[session.pk for session in sessions]
    )

    orm = {
        row["session_id"]: (row["taken"], row["mine"])
        for row in Registration.objects.filter(session__in=sessions)
        .exclude(status=Registration.Status.CANCELLED)
        .values("session_id")
        .annotate(taken=Count("pk", filter=Q(status="registered")), mine=Max("status", filter=Q(user=clinician)))
    }
    assert enrollment is None
    assert counts == orm
    assert [counts.get(session.pk, (0, None)) for session in sessions] == [
        (2, "registered"),
        (1, "waitlisted"),
        (1, None),
        (1, None),
        (0, None),
        (1, None),
    ]
