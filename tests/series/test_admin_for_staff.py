"""Programme staff in the admin: a series form that fits the screen and links to the site once, one Accounts
section, times in Eastern Time said once, publishing that says what is missing, and menus that name things."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from series.models import Series
from tests import factories
from tests.series.test_admin import _series_form, _text

pytestmark = pytest.mark.django_db

EASTERN = zoneinfo.ZoneInfo("America/Toronto")


def test_the_series_form_links_to_the_public_page_once(staff_client):
    series = factories.SeriesFactory(slug="ltc")
    page = _text(staff_client.get(reverse("admin:series_series_change", args=[series.pk])))
    assert page.count("View on site") == 1
    assert 'href="/series/ltc/"' in page


def test_a_draft_series_has_no_view_on_site_link(staff_client):
    series = factories.SeriesFactory(status=Series.Status.DRAFT)
    page = _text(staff_client.get(reverse("admin:series_series_change", args=[series.pk])))
    assert "View on site" not in page


def test_the_sessions_inline_keeps_title_and_time_and_links_to_each_session(staff_client):
    series = factories.SeriesFactory()
    session = factories.SessionFactory(series=series)
    page = _text(staff_client.get(reverse("admin:series_series_change", args=[series.pk])))
    assert 'name="sessions-0-title_en"' in page and 'name="sessions-0-starts_at_0"' in page
    assert 'name="sessions-0-join_url"' not in page
    assert reverse("admin:echo_sessions_session_change", args=[session.pk]) in page
    assert f"{reverse('admin:echo_sessions_session_changelist')}?series__id__exact={series.pk}" in page


def test_the_admin_index_has_one_accounts_section(staff_client):
    page = _text(staff_client.get(reverse("admin:index")))
    assert len(re.findall(r'class="section"[^>]*>Accounts<', page)) == 1
    assert reverse("admin:accounts_user_changelist") in page


def test_a_users_email_addresses_are_on_their_form(staff_client, clinician):
    page = _text(staff_client.get(reverse("admin:accounts_user_change", args=[clinician.pk])))
    assert 'value="alice@example.org"' in page
    assert "emailaddress_set-0-verified" in page


def test_admin_times_are_eastern_and_said_once_whatever_the_staff_members_zone(staff_client, staff):
    staff.time_zone = "America/Vancouver"
    staff.save()
    session = factories.SessionFactory(
        starts_at=dt.datetime(2031, 3, 13, 12, tzinfo=EASTERN), ends_at=dt.datetime(2031, 3, 13, 13, tzinfo=EASTERN)
    )
    page = _text(staff_client.get(reverse("admin:echo_sessions_session_change", args=[session.pk])))
    assert 'name="starts_at_1" value="12:00:00"' in page
    assert page.count("Eastern Time (ET)") == 1


# --- publishing ----------------------------------------------------------------------------------------------


def _publish(staff_client, *series):
    return staff_client.post(
        reverse("admin:series_series_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [s.pk for s in series]},
        follow=True,
    )


def test_publishing_a_key_series_without_key_or_sessions_says_what_is_missing(staff_client):
    series = factories.SeriesFactory(
        title="Heart Failure CoP", status=Series.Status.DRAFT, registration_mode=Series.RegistrationMode.KEY
    )
    page = _text(_publish(staff_client, series))
    assert "“Heart Failure CoP” was not published" in page
    assert "It has no sessions: add at least one." in page
    assert "has no active key" in page
    series.refresh_from_db()
    assert series.status == Series.Status.DRAFT


def test_an_inactive_expired_or_used_up_key_does_not_count(staff_client):
    series = factories.SeriesFactory(status=Series.Status.DRAFT, registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=series)
    factories.EnrollmentKeyFactory(series=series, is_active=False)
    factories.EnrollmentKeyFactory(series=series, valid_until=dt.datetime(2020, 1, 1, tzinfo=EASTERN))
    factories.EnrollmentKeyFactory(series=series, max_uses=1, uses_count=1)
    page = _text(_publish(staff_client, series))
    assert "has no active key" in page and "It has no sessions" not in page
    series.refresh_from_db()
    assert series.status == Series.Status.DRAFT


def test_a_ready_series_is_published_and_the_others_are_named(staff_client):
    ready = factories.SeriesFactory(status=Series.Status.DRAFT, registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=ready)
    factories.EnrollmentKeyFactory(series=ready)
    empty = factories.SeriesFactory(title="Empty", status=Series.Status.DRAFT)
    page = _text(_publish(staff_client, ready, empty))
    assert "1 series published." in page
    assert "“Empty” was not published" in page
    ready.refresh_from_db()
    empty.refresh_from_db()
    assert (ready.status, empty.status) == (Series.Status.PUBLISHED, Series.Status.DRAFT)


def test_the_form_does_not_publish_a_series_that_is_not_ready(staff_client, hub):
    data = _series_form(hub, **{"sessions-TOTAL_FORMS": "0", "keys-TOTAL_FORMS": "0"})
    response = staff_client.post(reverse("admin:series_series_add"), data, follow=True)
    page = _text(response)
    series = Series.objects.get(slug="palliative-care-rural-nursing-stations")
    assert series.status == Series.Status.DRAFT
    assert "was saved as a draft" in page
    assert "It has no sessions: add at least one." in page


def test_the_form_publishes_a_series_with_its_sessions_and_key_in_one_go(staff_client, hub):
    response = staff_client.post(reverse("admin:series_series_add"), _series_form(hub))
    assert response.status_code == 302
    assert Series.objects.get(slug="palliative-care-rural-nursing-stations").status == Series.Status.PUBLISHED
