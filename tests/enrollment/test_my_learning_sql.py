"""My learning's reads written in SQL give the ORM's answers.

Its registrations, read in SQL, are the instances the ORM makes from the same fields: same rows in the
same order, same values (titles in every language, aware times), the session and its series attached, and nothing
else loaded (a field left out is read on access, as with `only()`). Its questions of which lists have rows, asked
in the same query, get each list's query's answer."""

import datetime as dt

import pytest
from django.db.models import Model
from django.utils import timezone

from cases import queries as case_queries
from cases.models import CasePresentation
from certificates import queries as certificate_queries
from certificates.models import Certificate
from enrollment import join_queue, queries
from enrollment.models import Enrollment, JoinRequest, Registration
from sessions.models import Session
from tests import factories

pytestmark = pytest.mark.django_db

SESSION_FIELDS = ["id", "series_id", "title", "title_en", "title_fr", "starts_at", "ends_at", "status", "join_url"]
SERIES_FIELDS = ["id", "slug", "title", "title_en", "title_fr", "attendance_minimum_minutes"]
SERIES_FIELDS += ["attendance_minimum_percent"]


def _orm(user) -> list[Registration]:
    fields = ["pk", "session_id", "status", "attended_minutes"]
    fields += [f"session__{name}" for name in SESSION_FIELDS]
    fields += [f"session__series__{name}" for name in SERIES_FIELDS]
    return list(
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("session__series")
        .only(*fields)
        .order_by("session__starts_at", "pk")
    )


def _loaded(instance: Model) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in instance.get_deferred_fields()
    }


def test_the_sql_reads_what_the_orm_reads(clinician):
    series = factories.SeriesFactory(title="Grief & <loss>", title_fr="Deuil", attendance_minimum_percent=75)
    other = factories.SeriesFactory(title="Heart")
    later = factories.SessionFactory(series=series, days_from_now=10, title="Later", title_fr="Plus tard")
    sooner = factories.SessionFactory(series=other, days_from_now=3)
    held = factories.SessionFactory(series=series, days_from_now=-7, status=Session.Status.CANCELLED)
    same_time = factories.SessionFactory(series=other, starts_at=later.starts_at, ends_at=later.ends_at)
    factories.RegistrationFactory(user=clinician, session=later)
    factories.RegistrationFactory(user=clinician, session=sooner, status=Registration.Status.WAITLISTED)
    factories.RegistrationFactory(user=clinician, session=held, attended_minutes=50)
    factories.RegistrationFactory(user=clinician, session=same_time)
    factories.RegistrationFactory(
        user=clinician, session=factories.SessionFactory(), status=Registration.Status.CANCELLED
    )
    factories.RegistrationFactory(session=later)  # someone else's

    read = queries._my_registrations(user=clinician)
    expected = _orm(clinician)

    assert [registration.pk for registration in read] == [registration.pk for registration in expected]
    assert len(read) == 4
    for mine, theirs in zip(read, expected, strict=True):
        assert _loaded(mine) == _loaded(theirs)
        assert mine.get_deferred_fields() == theirs.get_deferred_fields()
        assert _loaded(mine.session) == _loaded(theirs.session)
        assert mine.session.get_deferred_fields() == theirs.session.get_deferred_fields()
        assert _loaded(mine.session.series) == _loaded(theirs.session.series)
        assert mine.session.series.get_deferred_fields() == theirs.session.series.get_deferred_fields()
        assert mine.session.starts_at.utcoffset() == dt.timedelta(0)
        assert not mine._state.adding and mine._state.db == "default"
    assert read[2].session.title == "Later" and read[2].session.series.title == "Grief & <loss>"


def test_a_field_left_out_is_read_on_access_as_with_only(clinician, django_assert_num_queries):
    registration = factories.RegistrationFactory(user=clinician)

    (read,) = queries._my_registrations(user=clinician)

    with django_assert_num_queries(1):
        assert read.registered_at == registration.registered_at


def test_nothing_held_reads_nothing(clinician):
    factories.RegistrationFactory(status=Registration.Status.REGISTERED)

    assert queries._my_registrations(user=clinician) == []


def _asked(person) -> dict[str, tuple[str, list]]:
    return {
        "enrollments": queries.shown_enrollments_sql(user=person),
        "documents": certificate_queries.documents_sql(user=person),
        "join_requests": join_queue.shown_requests_sql(user=person),
        "cases": case_queries.my_cases_sql(person),
    }


def test_each_question_of_what_the_page_has_gets_its_querys_answer(clinician, outsider, hub_manager):
    """Alice has one of each, some of them in states the lists leave out, and seats; Bob has only those and a
    cancelled seat; Charlie nothing. The questions are answered beside the rows, with or without rows."""
    alice, bob, charlie = clinician, outsider, hub_manager
    series, other = factories.SeriesFactory(), factories.SeriesFactory()
    session = factories.SessionFactory(series=series)
    now = timezone.now()
    factories.EnrollmentFactory(user=alice, series=series)
    factories.EnrollmentFactory(user=bob, series=series, status=Enrollment.Status.WITHDRAWN)
    Certificate.objects.create(user=alice, series=series, learner_name="Alice", first_issued_at=now, issued_at=now)
    JoinRequest.objects.create(user=alice, series=series)
    JoinRequest.objects.create(user=alice, series=other, state=JoinRequest.State.DECLINED)
    JoinRequest.objects.create(user=bob, series=series, state=JoinRequest.State.APPROVED)
    CasePresentation.objects.create(session=session, presenter=alice, state=CasePresentation.State.DRAFT)
    CasePresentation.objects.create(session=session, presenter=bob, state=CasePresentation.State.DECLINED)
    factories.RegistrationFactory(user=alice, session=session)
    factories.RegistrationFactory(user=alice, session=factories.SessionFactory(series=other, days_from_now=-3))
    factories.RegistrationFactory(user=bob, session=session, status=Registration.Status.CANCELLED)

    for person in (alice, bob, charlie):
        asked, rows = queries._my_registration_rows(user=person, asked=_asked(person))
        assert asked == {
            "enrollments": queries.shown_enrollments_of(user=person).exists(),
            "documents": certificate_queries.documents_of(user=person).exists(),
            "join_requests": join_queue.shown_requests_of(user=person).exists(),
            "cases": case_queries.my_cases_of(person).exists(),
        }, person.email
        assert rows == queries._my_registration_rows(user=person)[1], person.email
        assert [row[0] for row in rows] == [registration.pk for registration in _orm(person)], person.email
    assert all(queries._my_registration_rows(user=alice, asked=_asked(alice))[0].values())
    assert not any(queries._my_registration_rows(user=bob, asked=_asked(bob))[0].values())
    assert queries.my_learning(user=charlie).has_rows == {"enrollments": False}


def test_the_seats_to_come_are_the_orms_and_make_its_instances(clinician):
    """My learning keeps each seat still to come as its row (its card is shared): the same seats, in the same order,
    as the ORM's registrations not waitlisted whose session has not ended, each making the ORM's instance."""
    series = factories.SeriesFactory(title="Grief & <loss>", title_fr="Deuil")
    for days, status in (
        (10, "registered"),
        (3, "registered"),
        (5, "waitlisted"),
        (-7, "registered"),
        (8, "cancelled"),
    ):
        session = factories.SessionFactory(series=series, days_from_now=days, title=f"In {days} days")
        factories.RegistrationFactory(user=clinician, session=session, status=status)
    factories.RegistrationFactory(session=session)  # someone else's
    now = timezone.now()

    learning = queries.my_learning(user=clinician, now=now)
    expected = [
        registration
        for registration in _orm(clinician)
        if registration.status != Registration.Status.WAITLISTED and registration.session.ends_at > now
    ]

    assert [(seat.pk, seat.session_id) for seat in learning.upcoming] == [(r.pk, r.session_id) for r in expected]
    assert len(learning.upcoming) == 2 and len(learning.waitlisted) == 1 and len(learning.past) == 1
    for seat, theirs in zip(learning.upcoming, expected, strict=True):
        mine = seat.registration()
        assert _loaded(mine) == _loaded(theirs) and _loaded(mine.session) == _loaded(theirs.session)
        assert _loaded(mine.session.series) == _loaded(theirs.session.series)
        assert mine.session.series.get_deferred_fields() == theirs.session.series.get_deferred_fields()
        assert mine.session.title == theirs.session.title
