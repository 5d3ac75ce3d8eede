"""Enrollment keys: typed any way, valid only in their window and up to their uses, recorded on the enrollment."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollment import services
from enrollment.models import Enrollment, EnrollmentKey, normalize_key
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ltc():
    series = factories.SeriesFactory(
        title="Long-Term Care Community of Practice",
        slug="ltc",
        registration_mode=Series.RegistrationMode.KEY,
        key_distributor="your LTC home's palliative care lead",
    )
    factories.SessionFactory(series=series, title="Advance Care Planning")
    return series


@pytest.mark.parametrize(
    "typed",
    ["LTC2122", "ltc2122", "  Ltc2122 ", "\tltc2122\n", "ltc 2122", "LTC-2122", "l t c 2 1 2 2", "ltc\u20112122"],
)
def test_a_key_matches_whatever_its_case_spaces_and_hyphens(ltc, clinician, typed):
    key = factories.EnrollmentKeyFactory(series=ltc, code="LTC2122")

    enrollment = services.enroll(user=clinician, series=ltc, key=typed)

    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.key == key


def test_keys_are_stored_normalised():
    assert normalize_key("  ltc2122 ") == "LTC2122"
    assert normalize_key("ltc - 21 22") == "LTC2122"
    assert factories.EnrollmentKeyFactory(code=" spmi ").code == "SPMI"
    # Stored as staff wrote it, in capitals: "LTC-NORTH" stays readable in admin and exports.
    assert factories.EnrollmentKeyFactory(code=" ltc-north ").code == "LTC-NORTH"


def test_a_key_written_with_a_hyphen_or_space_is_found_typed_without(ltc, clinician):
    key = factories.EnrollmentKeyFactory(series=ltc, code="LTC 21-22")

    assert services.enroll(user=clinician, series=ltc, key="ltc2122").key == key


def test_the_home_page_key_box_takes_a_key_typed_with_a_space(client, ltc, clinician):
    factories.EnrollmentKeyFactory(series=ltc, code="LTC2122")
    client.force_login(clinician)

    response = client.post(reverse("enrollment:enroll_by_key"), {"key": "ltc 2122"})

    assert response.status_code == 302 and response.url == reverse("enrollment:register", args=[ltc.slug])
    assert Enrollment.objects.get(user=clinician).series == ltc


@pytest.mark.parametrize(
    "key",
    [
        {"valid_until": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
        {"max_uses": 1, "uses_count": 1},
    ],
    ids=["expired", "used up"],
)
def test_a_key_that_no_longer_works_says_whom_to_ask_for_a_new_one(client, ltc, clinician, key):
    factories.EnrollmentKeyFactory(series=ltc, code="LTC2122", **key)
    client.force_login(clinician)

    page = client.post(reverse("enrollment:enroll_by_key"), {"key": "LTC2122"}).content.decode()

    assert "Ask whoever gave it to you for a new one." in page
    assert not Enrollment.objects.exists()


def test_a_wrong_key_changes_nothing(ltc, clinician):
    key = factories.EnrollmentKeyFactory(series=ltc, code="LTC2122")

    with pytest.raises(services.InvalidKey):
        services.enroll(user=clinician, series=ltc, key="LTC2121")

    assert not Enrollment.objects.exists()
    key.refresh_from_db()
    assert key.uses_count == 0


def test_the_key_of_another_series_does_not_open_this_one(ltc, clinician):
    factories.EnrollmentKeyFactory(code="HEART22")

    with pytest.raises(services.InvalidKey):
        services.enroll(user=clinician, series=ltc, key="heart22")


def test_an_inactive_key_is_refused(ltc, clinician):
    factories.EnrollmentKeyFactory(series=ltc, code="LTC2122", is_active=False)

    with pytest.raises(services.InvalidKey):
        services.enroll(user=clinician, series=ltc, key="LTC2122")


def test_a_key_is_refused_before_its_window_and_after_it(ltc, clinician, outsider):
    now = timezone.now()
    factories.EnrollmentKeyFactory(series=ltc, code="SOON", valid_from=now + dt.timedelta(days=1))
    factories.EnrollmentKeyFactory(series=ltc, code="OLD", valid_until=now - dt.timedelta(minutes=1))
    factories.EnrollmentKeyFactory(
        series=ltc, code="NOW", valid_from=now - dt.timedelta(days=1), valid_until=now + dt.timedelta(days=1)
    )

    with pytest.raises(services.EnrollmentError) as not_yet:
        services.enroll(user=clinician, series=ltc, key="soon")
    with pytest.raises(services.EnrollmentError) as expired:
        services.enroll(user=clinician, series=ltc, key="old")

    assert not_yet.value.code == "key_not_yet_valid"
    assert expired.value.code == "key_expired"
    assert not Enrollment.objects.exists()
    assert services.enroll(user=outsider, series=ltc, key="now").status == Enrollment.Status.ACTIVE


def test_a_key_counts_its_uses_and_stops_at_the_maximum(ltc):
    key = factories.EnrollmentKeyFactory(series=ltc, code="COHORT", max_uses=2)
    first, second, third = factories.UserFactory.create_batch(3)

    services.enroll(user=first, series=ltc, key="cohort")
    services.enroll(user=second, series=ltc, key="cohort")
    with pytest.raises(services.EnrollmentError) as refused:
        services.enroll(user=third, series=ltc, key="cohort")

    key.refresh_from_db()
    assert key.uses_count == 2
    assert refused.value.code == "key_used_up"
    assert not Enrollment.objects.filter(user=third).exists()


def test_enrolling_twice_uses_the_key_once_and_keeps_the_row(ltc, clinician):
    key = factories.EnrollmentKeyFactory(series=ltc, code="LTC2122", max_uses=5)

    first = services.enroll(user=clinician, series=ltc, key="ltc2122")
    again = services.enroll(user=clinician, series=ltc, key="LTC2122")

    key.refresh_from_db()
    assert again.pk == first.pk
    assert key.uses_count == 1
    assert Enrollment.objects.count() == 1


def test_several_keys_record_where_each_learner_came_from(ltc, clinician, outsider, hub, other_hub):
    north = factories.EnrollmentKeyFactory(series=ltc, code="LTC-NORTH", hub=hub)
    prairie = factories.EnrollmentKeyFactory(series=ltc, code="LTC-PRAIRIE", hub=other_hub)

    assert services.enroll(user=clinician, series=ltc, key="ltc-north").key == north
    assert services.enroll(user=outsider, series=ltc, key="ltc-prairie").key == prairie


def test_enroll_by_key_finds_the_series_of_the_key(ltc, clinician):
    factories.EnrollmentKeyFactory(series=ltc, code="LTC2122")

    enrollment = services.enroll_by_key(user=clinician, key=" ltc2122 ")

    assert enrollment.series == ltc


def test_enroll_by_key_refuses_an_unknown_key(clinician):
    with pytest.raises(services.InvalidKey):
        services.enroll_by_key(user=clinician, key="NOPE")


def test_active_keys_are_unique_across_series(ltc):
    from django.core.exceptions import ValidationError

    factories.EnrollmentKeyFactory(series=ltc, code="LTC2122")
    duplicate = EnrollmentKey(series=factories.SeriesFactory(), code="ltc2122")
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_the_key_form_says_who_hands_out_the_key(client, clinician, ltc):
    client.force_login(clinician)

    response = client.get(reverse("enrollment:enroll", args=[ltc.slug]))

    html = response.content.decode()
    assert "Enrollment key" in html
    assert "You should have received this key from your LTC home&#x27;s palliative care lead." in html


def test_a_wrong_key_shows_an_error_next_to_the_field(client, clinician, ltc):
    factories.EnrollmentKeyFactory(series=ltc, code="LTC2122")
    client.force_login(clinician)

    response = client.post(reverse("enrollment:enroll", args=[ltc.slug]), {"key": "LTC2123"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_key_error"' in html
    assert "This key does not match" in html
    assert not Enrollment.objects.exists()


def test_the_right_key_enrolls_and_leads_to_the_session_picker(client, clinician, ltc):
    factories.EnrollmentKeyFactory(series=ltc, code="LTC2122")
    client.force_login(clinician)

    response = client.post(reverse("enrollment:enroll", args=[ltc.slug]), {"key": "ltc2122"})

    assert response.status_code == 302
    assert response["Location"] == reverse("enrollment:register", args=[ltc.slug])
    assert Enrollment.objects.get(user=clinician).series == ltc


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, ltc):
    url = reverse("enrollment:enroll", args=[ltc.slug])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert f"next={url}" in response["Location"].replace("%2F", "/")
