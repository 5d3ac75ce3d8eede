"""Sessions, presenters and materials in the admin; reschedule and cancel go through the services."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from sessions.models import Resource, Session
from sessions.signals import session_changed
from tests.factories import PresenterFactory, RegistrationFactory, ResourceFactory, SeriesFactory, SessionFactory

EASTERN = zoneinfo.ZoneInfo("America/Toronto")
CHANGELIST = "/admin/echo_sessions/session/"


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def heard():
    calls = []

    def listener(sender, session, change, **kwargs):
        calls.append((session.pk, change))

    session_changed.connect(listener)
    yield calls
    session_changed.disconnect(listener)


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_changelist_shows_times_and_registration_counts(staff_client):
    session = SessionFactory(
        title="Advance Care Planning",
        starts_at=dt.datetime(2031, 4, 10, 12, 30, tzinfo=EASTERN),
        ends_at=dt.datetime(2031, 4, 10, 13, 30, tzinfo=EASTERN),
    )
    RegistrationFactory(session=session)
    RegistrationFactory(session=session, status="cancelled")

    page = _text(staff_client.get(CHANGELIST))

    assert "Advance Care Planning" in page
    assert "Thursday, April 10, 2031, 12:30 – 1:30 p.m. ET" in page
    assert '<td class="field-registrations">1</td>' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "when=upcoming",
        "when=past",
        "status__exact=cancelled",
        "series__kind__exact=cop",
        "series__language__exact=fr",
        "q=advance",
        "starts_at__year=2031",
        "starts_at__year=2031&starts_at__month=4",
    ],
)
def test_changelist_filters_search_and_date_hierarchy(staff_client, query):
    SessionFactory(title="Advance Care Planning", days_from_now=5)
    SessionFactory(title="Held", days_from_now=-5, status="cancelled")

    response = staff_client.get(f"{CHANGELIST}?{query}")

    assert response.status_code == 200
    assert "errornote" not in _text(response)


@pytest.mark.django_db
def test_other_admin_pages_render(staff_client):
    session = SessionFactory()
    ResourceFactory(session=session)
    PresenterFactory(name="Dr. José Pereira")

    for url in (
        f"{CHANGELIST}{session.pk}/change/",
        f"{CHANGELIST}add/",
        "/admin/echo_sessions/resource/?published=no",
        "/admin/echo_sessions/resource/?published=yes&kind__exact=recording",
        "/admin/echo_sessions/presenter/?q=pereira",
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_reschedule_action_asks_for_the_new_eastern_time_and_goes_through_the_service(staff_client, heard):
    session = SessionFactory(
        starts_at=dt.datetime(2031, 4, 10, 12, tzinfo=EASTERN), ends_at=dt.datetime(2031, 4, 10, 13, tzinfo=EASTERN)
    )

    form = staff_client.post(CHANGELIST, {"action": "reschedule", ACTION_CHECKBOX_NAME: [session.pk]})
    assert form.status_code == 200
    assert 'value="2031-04-10"' in _text(form) and 'value="12:00"' in _text(form)

    bad = staff_client.post(
        CHANGELIST,
        {
            "action": "reschedule",
            ACTION_CHECKBOX_NAME: [session.pk],
            "apply": "1",
            "date": "2031-04-17",
            "start_time": "13:00",
            "end_time": "12:00",
        },
    )
    assert "The session must end after it starts." in _text(bad)
    assert heard == []

    done = staff_client.post(
        CHANGELIST,
        {
            "action": "reschedule",
            ACTION_CHECKBOX_NAME: [session.pk],
            "apply": "1",
            "date": "2031-04-17",
            "start_time": "12:30",
            "end_time": "13:30",
        },
        follow=True,
    )

    assert "was rescheduled" in _text(done)
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2031, 4, 17, 12, 30, tzinfo=EASTERN)
    assert session.sequence == 1
    assert heard == [(session.pk, "rescheduled")]


@pytest.mark.django_db
def test_reschedule_needs_exactly_one_session(staff_client):
    one, two = SessionFactory(), SessionFactory()

    response = staff_client.post(
        CHANGELIST, {"action": "reschedule", ACTION_CHECKBOX_NAME: [one.pk, two.pk]}, follow=True
    )

    assert "Choose exactly one session to reschedule." in _text(response)


@pytest.mark.django_db
def test_cancel_action_needs_a_confirmation_then_cancels_through_the_service(staff_client, heard):
    first, second = SessionFactory(title="First"), SessionFactory(title="Second")
    already = SessionFactory(status="cancelled")
    selected = [first.pk, second.pk, already.pk]

    confirm_page = staff_client.post(CHANGELIST, {"action": "cancel", ACTION_CHECKBOX_NAME: selected})
    assert "Yes, cancel these sessions" in _text(confirm_page)
    unticked = staff_client.post(CHANGELIST, {"action": "cancel", ACTION_CHECKBOX_NAME: selected, "apply": "1"})
    assert "Tick the box to confirm the cancellation." in _text(unticked)
    assert heard == []

    done = staff_client.post(
        CHANGELIST, {"action": "cancel", ACTION_CHECKBOX_NAME: selected, "apply": "1", "confirm": "on"}, follow=True
    )

    assert "2 sessions were cancelled" in _text(done)
    assert set(Session.objects.values_list("status", flat=True)) == {"cancelled"}
    assert sorted(heard) == sorted([(first.pk, "cancelled"), (second.pk, "cancelled")])
    already.refresh_from_db()
    assert already.sequence == 0


@pytest.mark.django_db
def test_change_form_time_edit_bumps_sequence_and_status_is_read_only(staff_client, heard):
    series = SeriesFactory()
    session = SessionFactory(
        series=series,
        starts_at=dt.datetime(2031, 4, 10, 12, tzinfo=EASTERN),
        ends_at=dt.datetime(2031, 4, 10, 13, tzinfo=EASTERN),
    )
    data = {
        "series": series.pk,
        "title_en": session.title,
        "description_en": "",
        "starts_at_0": "2031-04-10",
        "starts_at_1": "14:00",
        "ends_at_0": "2031-04-10",
        "ends_at_1": "15:00",
        "join_url": "",
        "capacity": "",
        "status": "cancelled",  # read-only: ignored
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
        "resources-MIN_NUM_FORMS": "0",
        "resources-MAX_NUM_FORMS": "1000",
    }

    response = staff_client.post(f"{CHANGELIST}{session.pk}/change/", data)

    assert response.status_code == 302, _text(response)[:2000]
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2031, 4, 10, 14, tzinfo=EASTERN)
    assert session.status == "scheduled" and session.sequence == 1
    assert heard == [(session.pk, "rescheduled")]


@pytest.mark.django_db
def test_publish_materials_actions(staff_client):
    session = SessionFactory(days_from_now=-2)
    draft = ResourceFactory(session=session, published_at=None)
    other = ResourceFactory(session=SessionFactory(days_from_now=-3), kind=Resource.Kind.SLIDES, published_at=None)

    staff_client.post(CHANGELIST, {"action": "publish_materials", ACTION_CHECKBOX_NAME: [session.pk]})
    staff_client.post("/admin/echo_sessions/resource/", {"action": "publish", ACTION_CHECKBOX_NAME: [other.pk]})

    draft.refresh_from_db()
    other.refresh_from_db()
    assert draft.published_at is not None and other.published_at is not None


@pytest.mark.django_db
def test_session_and_resource_admins_name_their_path_to_the_hub():
    from django.contrib import admin

    assert admin.site._registry[Resource].hub_lookup == "session__series__hub"


@pytest.mark.django_db
def test_clinicians_cannot_use_the_admin(client, clinician):
    client.force_login(clinician)

    response = client.get(CHANGELIST)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
