"""Programme staff in the Django admin: lists, filters, search, a new series with sessions and a key, the
schedule helper, publishing and new cohorts. Bad input gets the admin's own messages, never a 500."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from enrollment.models import EnrollmentKey
from series.models import Series
from sessions.models import Session
from tests.factories import EnrollmentFactory, EnrollmentKeyFactory, HubFactory, SeriesFactory, SessionFactory

EASTERN = zoneinfo.ZoneInfo("America/Toronto")
CHANGELIST = "/admin/series/series/"


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_changelist_shows_next_session_and_counts(staff_client):
    series = SeriesFactory(title="Long-Term Care Community of Practice")
    SessionFactory(
        series=series,
        starts_at=dt.datetime(2031, 3, 13, 12, tzinfo=EASTERN),
        ends_at=dt.datetime(2031, 3, 13, 13, tzinfo=EASTERN),
    )
    EnrollmentFactory(series=series)
    EnrollmentFactory(series=series, status="withdrawn")

    page = _text(staff_client.get(CHANGELIST))

    assert "Long-Term Care Community of Practice" in page
    assert "Thursday, March 13, 2031" in page
    assert '<td class="field-members">1</td>' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "kind__exact=cop",
        "language__exact=fr",
        "status__exact=draft",
        "registration_mode__exact=key",
        "when=upcoming",
        "when=past",
        "q=heart",
        "q=LTC2122",
        "o=-8",
    ],
)
def test_changelist_filters_and_search(staff_client, query):
    hub = HubFactory()
    upcoming = SeriesFactory(title="Heart Disease Community of Practice", hub=hub, registration_mode="key")
    SessionFactory(series=upcoming, days_from_now=5)
    EnrollmentKeyFactory(series=upcoming, code="LTC2122")
    past = SeriesFactory(title="QI Collaborative", language="fr", status="draft")
    SessionFactory(series=past, days_from_now=-40)

    response = staff_client.get(f"{CHANGELIST}?{query}&hub__id__exact={hub.pk}")

    assert response.status_code == 200
    assert "errornote" not in _text(response)


@pytest.mark.django_db
def test_query_count_of_the_changelist_does_not_grow(staff_client, django_assert_max_num_queries):
    for _ in range(12):
        series = SeriesFactory()
        SessionFactory(series=series)

    # session, user, count, total count, the page of series with annotations, hub filter choices, and a
    # few admin bookkeeping reads; the point is that 12 series do not cost 12 more.
    with django_assert_max_num_queries(8):
        staff_client.get(CHANGELIST)


def _series_form(hub, **overrides):
    data = {
        "hub": hub.pk,
        "title_en": "Palliative Care in Rural Nursing Stations",
        "slug": "palliative-care-rural-nursing-stations",
        "short_name_en": "RURAL",
        "kind": "cop",
        "language": "en",
        "status": "published",
        "summary_en": "",
        "description_en": "",
        "audience_description_en": "",
        "attendance_minimum_percent": "75",
        "attendance_minimum_minutes": "",
        "registration_mode": "key",
        "uninvited_view": "hidden",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "capacity": "",
        "key_distributor_en": "your hub",
        "cohosts": "",
        "accreditations-TOTAL_FORMS": "1",
        "accreditations-INITIAL_FORMS": "0",
        "accreditations-MIN_NUM_FORMS": "0",
        "accreditations-MAX_NUM_FORMS": "1000",
        "accreditations-0-body": "cfpc_mainpro",
        "accreditations-0-body_name": "",
        "accreditations-0-credit_type_en": "Certified",
        "accreditations-0-category_en": "Group Learning",
        "accreditations-0-delivery": "live_online",
        "accreditations-0-credits_per_hour": "1",
        "accreditations-0-maximum": "6",
        "accreditations-0-statement_en": "Certified for up to 6 Mainpro+ credits.",
        "accreditations-0-statement_fr": "Certifié pour un maximum de 6 crédits Mainpro+.",
        "accreditations-0-number": "",
        "accreditations-0-valid_from": "",
        "accreditations-0-valid_until": "",
        "accreditations-0-provider_name": "",
        "accreditations-0-provider_contact": "",
        "accreditations-0-position": "0",
        "sessions-TOTAL_FORMS": "2",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
        "sessions-0-title_en": "Introductory Session",
        "sessions-0-starts_at_0": "2031-01-09",
        "sessions-0-starts_at_1": "12:00",
        "sessions-0-ends_at_0": "2031-01-09",
        "sessions-0-ends_at_1": "13:00",
        "sessions-0-join_url": "https://zoom.example.org/j/1",
        "sessions-0-capacity": "",
        "sessions-1-title_en": "Symptom Management",
        "sessions-1-starts_at_0": "2031-02-13",
        "sessions-1-starts_at_1": "12:00",
        "sessions-1-ends_at_0": "2031-02-13",
        "sessions-1-ends_at_1": "13:00",
        "sessions-1-join_url": "",
        "sessions-1-capacity": "",
        "keys-TOTAL_FORMS": "1",
        "keys-INITIAL_FORMS": "0",
        "keys-MIN_NUM_FORMS": "0",
        "keys-MAX_NUM_FORMS": "1000",
        "keys-0-code": "rural31",
        "keys-0-label": "2031 cohort",
        "keys-0-hub": "",
        "keys-0-valid_from_0": "",
        "keys-0-valid_from_1": "",
        "keys-0-valid_until_0": "",
        "keys-0-valid_until_1": "",
        "keys-0-max_uses": "",
        "keys-0-is_active": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_staff_create_a_series_with_sessions_and_a_key_in_one_form(staff_client):
    hub = HubFactory()

    response = staff_client.post(f"{CHANGELIST}add/", _series_form(hub))

    assert response.status_code == 302, _text(response)[:3000]
    series = Series.objects.get(slug="palliative-care-rural-nursing-stations")
    assert list(series.sessions.values_list("title", flat=True)) == ["Introductory Session", "Symptom Management"]
    first = series.sessions.first()
    assert first.starts_at == dt.datetime(2031, 1, 9, 12, tzinfo=EASTERN)  # staff persona's zone is Eastern
    assert list(series.keys.values_list("code", flat=True)) == ["RURAL31"]
    accreditation = series.accreditations.get()
    assert (accreditation.body, accreditation.credits_per_hour, accreditation.maximum) == ("cfpc_mainpro", 1, 6)
    assert accreditation.statement("fr") == "Certifié pour un maximum de 6 crédits Mainpro+."
    assert series.attendance_minimum_percent == 75


@pytest.mark.django_db
def test_staff_make_a_series_register_by_approval_for_every_session(staff_client):
    hub = HubFactory()
    form = _series_form(hub, registration_mode="approval", approval_registers_all="on")
    del form["keys-0-code"]
    form["keys-TOTAL_FORMS"] = "0"

    response = staff_client.post(f"{CHANGELIST}add/", form)

    assert response.status_code == 302, _text(response)[:3000]
    series = Series.objects.get(slug="palliative-care-rural-nursing-stations")
    assert series.registration_mode == Series.RegistrationMode.APPROVAL
    assert series.approval_registers_all is True
    page = _text(staff_client.get(f"{CHANGELIST}{series.pk}/change/"))
    assert "Approved people are registered for every session" in page


@pytest.mark.django_db
def test_invalid_series_form_shows_the_admins_errors(staff_client):
    hub = HubFactory()
    data = _series_form(
        hub,
        **{
            "capacity": "0",
            "registration_opens_at_0": "2031-02-01",
            "registration_opens_at_1": "09:00",
            "registration_closes_at_0": "2031-01-01",
            "registration_closes_at_1": "09:00",
            "sessions-0-ends_at_1": "11:00",
        },
    )

    response = staff_client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 200
    page = _text(response)
    assert "Please correct the errors below." in page
    assert "Registration must close after it opens." in page
    assert "A session must end after it starts." in page
    assert not Series.objects.filter(slug="palliative-care-rural-nursing-stations").exists()


@pytest.mark.django_db
def test_a_cccep_accreditation_needs_its_number_dates_and_contact(staff_client):
    data = _series_form(HubFactory(), **{"accreditations-0-body": "cccep", "accreditations-0-credit_type_en": "CEU"})

    response = staff_client.post(f"{CHANGELIST}add/", data)

    page = _text(response)
    assert response.status_code == 200
    assert "CCCEP documents carry the CCCEP number." in page
    assert "CCCEP documents carry the accreditation dates." in page
    assert "CCCEP documents carry the provider&#x27;s contact." in page or "provider’s contact" in page
    assert not Series.objects.filter(slug="palliative-care-rural-nursing-stations").exists()

    data.update(
        {
            "accreditations-0-number": "1234-2031-001-L-P",
            "accreditations-0-valid_from": "2031-01-01",
            "accreditations-0-valid_until": "2031-12-31",
            "accreditations-0-provider_contact": "cpd@pallium.ca",
        }
    )
    response = staff_client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 302, _text(response)[:3000]
    accreditation = Series.objects.get(slug="palliative-care-rural-nursing-stations").accreditations.get()
    assert accreditation.is_statement_of_attendance


@pytest.mark.django_db
def test_editing_a_session_time_in_the_inline_bumps_its_sequence(staff_client):
    series = SeriesFactory(slug="ltc")
    session = SessionFactory(
        series=series,
        title="Advance Care Planning",
        starts_at=dt.datetime(2031, 4, 10, 12, tzinfo=EASTERN),
        ends_at=dt.datetime(2031, 4, 10, 13, tzinfo=EASTERN),
        join_url="",
    )
    data = _series_form(series.hub, title_en=series.title, slug="ltc", registration_mode="open")
    data.update(
        {
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "1",
            "sessions-0-id": session.pk,
            "sessions-0-series": series.pk,
            "sessions-0-title_en": "Advance Care Planning",
            "sessions-0-starts_at_0": "2031-04-10",
            "sessions-0-starts_at_1": "12:30",
            "sessions-0-ends_at_0": "2031-04-10",
            "sessions-0-ends_at_1": "13:30",
            "sessions-0-join_url": "",
            "keys-TOTAL_FORMS": "0",
            "accreditations-TOTAL_FORMS": "0",
        }
    )

    response = staff_client.post(f"{CHANGELIST}{series.pk}/change/", data)

    assert response.status_code == 302, _text(response)[:3000]
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2031, 4, 10, 12, 30, tzinfo=EASTERN)
    assert session.sequence == 1


@pytest.mark.django_db
def test_change_page_links_to_the_schedule_helper(staff_client):
    series = SeriesFactory()

    page = _text(staff_client.get(f"{CHANGELIST}{series.pk}/change/"))

    assert reverse("admin:series_series_schedule", args=[series.pk]) in page


@pytest.mark.django_db
def test_schedule_helper_previews_then_creates_sessions_in_eastern_time(staff_client):
    series = SeriesFactory()
    url = reverse("admin:series_series_schedule", args=[series.pk])
    form = {
        "title": "Session",
        "first_date": "2031-03-06",
        "start_time": "12:00",
        "duration_minutes": "60",
        "rule": "weekly",
        "count": "3",
        "until": "",
        "join_url": "",
    }

    assert staff_client.get(url).status_code == 200
    preview = _text(staff_client.post(url, {**form, "preview": "1"}))
    assert "3 sessions will be created:" in preview
    assert "Thursday, March 13, 2031, 12:00 p.m. ET – 1:00 p.m. ET" in preview
    assert series.sessions.count() == 0

    response = staff_client.post(url, {**form, "create": "1"})

    assert response.status_code == 302
    starts = [s.starts_at.astimezone(EASTERN) for s in series.sessions.all()]
    assert [s.strftime("%Y-%m-%d %H:%M") for s in starts] == [
        "2031-03-06 12:00",
        "2031-03-13 12:00",
        "2031-03-20 12:00",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"count": "", "until": ""}, "Give either a number of sessions or a last date."),
        ({"count": "", "until": "2031-01-01"}, "The last date must be on or after the first date."),
        ({"first_date": "31/02/2031"}, "Enter a valid date."),
        ({"rule": "yearly"}, "Select a valid choice."),
        ({"duration_minutes": "-5"}, "Ensure this value is greater than or equal to 5."),
    ],
)
def test_schedule_helper_explains_bad_input(staff_client, form, message):
    series = SeriesFactory()
    url = reverse("admin:series_series_schedule", args=[series.pk])
    data = {
        "title": "Session",
        "first_date": "2031-03-06",
        "start_time": "12:00",
        "duration_minutes": "60",
        "rule": "weekly",
        "count": "3",
        "until": "",
        **form,
        "create": "1",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert message in _text(response)
    assert series.sessions.count() == 0


@pytest.mark.django_db
def test_schedule_helper_for_a_missing_series_redirects_with_a_message(staff_client):
    response = staff_client.get(reverse("admin:series_series_schedule", args=[999999]), follow=True)

    assert response.status_code == 200
    assert "doesn’t exist" in _text(response)


@pytest.mark.django_db
def test_schedule_helper_is_for_staff_only(client, clinician):
    series = SeriesFactory()
    client.force_login(clinician)

    response = client.get(reverse("admin:series_series_schedule", args=[series.pk]))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_publish_and_unpublish_actions(staff_client):
    draft = SeriesFactory(status="draft")
    SessionFactory(series=draft)
    published = SeriesFactory(status="published")

    staff_client.post(CHANGELIST, {"action": "publish", ACTION_CHECKBOX_NAME: [draft.pk]})
    staff_client.post(CHANGELIST, {"action": "unpublish", ACTION_CHECKBOX_NAME: [published.pk]})

    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == "published"
    assert published.status == "draft"


@pytest.mark.django_db
def test_duplicate_as_cohort_asks_for_a_new_key_then_creates_a_draft(staff_client):
    source = SeriesFactory(title="LTC CoP", slug="ltc", registration_mode="key")
    EnrollmentKeyFactory(series=source, code="LTC2122")
    SessionFactory(series=source, days_from_now=-30)
    SessionFactory(series=source, days_from_now=-2)

    form_page = staff_client.post(CHANGELIST, {"action": "duplicate_as_cohort", ACTION_CHECKBOX_NAME: [source.pk]})
    assert form_page.status_code == 200
    assert "New enrollment key" in _text(form_page)

    missing_key = staff_client.post(
        CHANGELIST,
        {
            "action": "duplicate_as_cohort",
            ACTION_CHECKBOX_NAME: [source.pk],
            "apply": "1",
            "title": "LTC CoP 2031",
            "slug": "ltc-2031",
            "weeks": "52",
            "key_code": "",
        },
    )
    assert "give the new cohort its own key" in _text(missing_key)

    same_key = staff_client.post(
        CHANGELIST,
        {
            "action": "duplicate_as_cohort",
            ACTION_CHECKBOX_NAME: [source.pk],
            "apply": "1",
            "title": "LTC CoP 2031",
            "slug": "ltc",
            "weeks": "52",
            "key_code": "ltc2122",
        },
    )
    assert "Another series already uses this web address." in _text(same_key)
    assert "This key cannot be used. Choose another one." in _text(same_key)

    done = staff_client.post(
        CHANGELIST,
        {
            "action": "duplicate_as_cohort",
            ACTION_CHECKBOX_NAME: [source.pk],
            "apply": "1",
            "title": "LTC CoP 2031",
            "slug": "ltc-2031",
            "weeks": "52",
            "key_code": "LTC2031",
            "key_label": "2031 cohort",
        },
    )

    copy = Series.objects.get(slug="ltc-2031")
    assert done.status_code == 302 and done["Location"].endswith(f"/series/series/{copy.pk}/change/")
    assert copy.status == "draft" and copy.sessions.count() == 2
    assert EnrollmentKey.objects.get(series=copy).code == "LTC2031"


@pytest.mark.django_db
def test_duplicate_needs_exactly_one_series(staff_client):
    one, two = SeriesFactory(), SeriesFactory()

    response = staff_client.post(
        CHANGELIST, {"action": "duplicate_as_cohort", ACTION_CHECKBOX_NAME: [one.pk, two.pk]}, follow=True
    )

    assert "Choose exactly one series to duplicate." in _text(response)
    assert Series.objects.count() == 2


@pytest.mark.django_db
def test_series_admin_names_its_path_to_the_hub():
    from django.contrib import admin

    assert admin.site._registry[Series].hub_lookup == "hub"
    assert admin.site._registry[Session].hub_lookup == "series__hub"


@pytest.mark.django_db
def test_who_hands_out_the_key_is_written_in_both_languages_and_read_in_the_visitors(staff_client, clinician):
    form = _series_form(
        HubFactory(), key_distributor_en="your regional hub", key_distributor_fr="votre carrefour régional"
    )

    response = staff_client.post(f"{CHANGELIST}add/", form)

    assert response.status_code == 302, _text(response)[:3000]
    series = Series.objects.get(slug="palliative-care-rural-nursing-stations")
    visitor = Client()
    page = visitor.get(series.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Vous devriez l’avoir reçue de votre carrefour régional." in _text(page)
    assert "your regional hub" not in _text(page)
    visitor.force_login(clinician)
    key_form = visitor.get(f"/series/{series.slug}/enroll/", HTTP_ACCEPT_LANGUAGE="en")
    assert "You should have received this key from your regional hub." in _text(key_form)


@pytest.mark.django_db
def test_staff_write_the_credit_type_and_category_in_both_languages(staff_client):
    add_page = _text(staff_client.get(f"{CHANGELIST}add/"))
    for name in ("credit_type_en", "credit_type_fr", "category_en", "category_fr"):
        assert f'name="accreditations-__prefix__-{name}"' in add_page
    assert 'accreditations-__prefix__-credit_type"' not in add_page

    form = _series_form(
        HubFactory(),
        **{
            "accreditations-0-credit_type_fr": "Certifié",
            "accreditations-0-category_fr": "Apprentissage en groupe",
        },
    )
    response = staff_client.post(f"{CHANGELIST}add/", form)

    assert response.status_code == 302, _text(response)[:3000]
    accreditation = Series.objects.get(slug="palliative-care-rural-nursing-stations").accreditations.get()
    assert (accreditation.credit_type_en, accreditation.credit_type_fr) == ("Certified", "Certifié")
    assert (accreditation.category_en, accreditation.category_fr) == ("Group Learning", "Apprentissage en groupe")
