"""Enrollment keys tell nobody where another key belongs, nor that a draft exists.

Reproduced before the fix: Bob, a hub manager adding a key in admin, learned whether any other hub's key existed
("Another active key already uses this code"), as often as he liked; a learner typing a draft series' key in the
"have a key?" box was told the draft's state instead of "does not match", without it counting as a guess.
"""

import pytest
from django.urls import reverse

from enrollment import services
from enrollment.models import Enrollment, EnrollmentKey
from hubs import services as hub_services
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db

WRONG_KEY = "This key does not match."


@pytest.fixture
def limits(settings):
    settings.ENROLLMENT_KEY_FAILURES_PER_USER = 5
    settings.ENROLLMENT_KEY_USER_WINDOW_SECONDS = 15 * 60
    settings.ENROLLMENT_KEY_FAILURES_PER_ADDRESS = 100
    return settings


@pytest.fixture
def theirs(other_hub):
    series = factories.SeriesFactory(hub=other_hub, title="Prairie secret cohort")
    factories.EnrollmentKeyFactory(series=series, code="PRAIRIE31")
    return series


@pytest.fixture
def mine(hub):
    return factories.SeriesFactory(hub=hub, title="Northern Lakes CoP")


@pytest.fixture
def admin_client(client, hub_manager):
    hub_services.grant_hub_manager_admin(user=hub_manager)
    client.force_login(hub_manager)
    return client


def _add_key(admin_client, series, code):
    return admin_client.post(
        reverse("admin:enrollment_enrollmentkey_add"),
        {"series": series.pk, "code": code, "label": "", "hub": "", "max_uses": "", "is_active": "on"},
    )


def test_a_colliding_key_says_nothing_of_where_it_belongs_and_counts_as_a_wrong_guess(
    admin_client, mine, theirs, limits, enable_cache
):
    for attempt in range(5):
        page = _add_key(admin_client, mine, " prairie31 ").content.decode()
        assert "This key cannot be used. Choose another one." in page, attempt
        assert "Another active key" not in page
        assert "Prairie" not in page
    assert not EnrollmentKey.objects.filter(series=mine).exists()

    # The sixth try is refused whatever is typed, a free code too: guessing stops, as it does for learners.
    locked = _add_key(admin_client, mine, "FREECODE1").content.decode()
    assert "Too many keys were refused." in locked
    assert not EnrollmentKey.objects.filter(series=mine).exists()


def test_collisions_share_the_learners_limit_of_the_same_account(
    client, admin_client, hub_manager, mine, theirs, limits, enable_cache
):
    for attempt in range(5):
        _add_key(admin_client, mine, f"TAKEN{attempt}" if attempt else "PRAIRIE31")
    learner_series = factories.SeriesFactory(slug="ltc", registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=learner_series)
    for attempt in range(4):
        client.post(reverse("enrollment:enroll", args=["ltc"]), {"key": f"WRONG{attempt}"})

    assert client.post(reverse("enrollment:enroll", args=["ltc"]), {"key": "WRONG9"}).status_code == 429


def test_a_free_code_is_saved_and_does_not_count(admin_client, mine, limits, enable_cache):
    for attempt in range(7):
        response = _add_key(admin_client, mine, f"lakes{attempt}")
        assert response.status_code == 302, attempt
    assert set(EnrollmentKey.objects.filter(series=mine).values_list("code", flat=True)) == {
        f"LAKES{n}" for n in range(7)
    }


def test_a_new_key_offers_a_generated_readable_code(admin_client, mine):
    page = admin_client.get(reverse("admin:enrollment_enrollmentkey_add")).content.decode()
    import re

    offered = re.search(r'name="code" value="([A-Z0-9]+)"', page).group(1)
    assert len(offered) == 8
    assert not set(offered) & set("0O1IL")


def test_an_empty_code_gets_a_generated_one(admin_client, mine):
    assert _add_key(admin_client, mine, "").status_code == 302
    code = EnrollmentKey.objects.get(series=mine).code
    assert len(code) == 8 and not set(code) & set("0O1IL")


def test_generated_keys_are_readable_and_unused():
    codes = {services.generate_key() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 8 and not set(code) & set("0O1IL5S2Z8B") for code in codes)


def test_two_new_rows_with_one_code_in_the_series_form_are_refused_not_a_server_error(client, staff, mine):
    client.force_login(staff)
    url = reverse("admin:series_series_change", args=[mine.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update({k: v for k, v in _management(page).items()})
    data.update(
        {
            "keys-TOTAL_FORMS": "2",
            "keys-0-code": "TWIN2031",
            "keys-0-is_active": "on",
            "keys-1-code": "twin2031",
            "keys-1-is_active": "on",
        }
    )
    response = client.post(url, _complete(form, data))

    assert response.status_code == 200
    assert "This key cannot be used. Choose another one." in response.content.decode()
    assert not EnrollmentKey.objects.filter(series=mine).exists()


def _management(page) -> dict:
    data = {}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[f"{formset.formset.prefix}-{name}"] = management.initial.get(name, field.initial) or 0
    return data


def _complete(form, data) -> dict:
    for name in form.fields:
        if name in data:
            continue
        value = form.initial.get(name)
        if value is None:
            continue
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


def test_a_drafts_key_answers_exactly_like_a_wrong_key_and_counts(client, clinician, limits, enable_cache):
    draft = factories.SeriesFactory(status=Series.Status.DRAFT, title="Secret draft cohort")
    factories.SessionFactory(series=draft)
    factories.EnrollmentKeyFactory(series=draft, code="DRAFT2031")
    client.force_login(clinician)

    draft_answer = client.post(reverse("enrollment:enroll_by_key"), {"key": "draft2031"})
    wrong_answer = client.post(reverse("enrollment:enroll_by_key"), {"key": "nothing31"})

    assert draft_answer.status_code == wrong_answer.status_code == 200
    assert WRONG_KEY in draft_answer.content.decode()
    assert "Secret draft cohort" not in draft_answer.content.decode()
    assert _errors(draft_answer) == _errors(wrong_answer) != []
    for attempt in range(3):
        client.post(reverse("enrollment:enroll_by_key"), {"key": f"wrong{attempt}"})
    assert client.post(reverse("enrollment:enroll_by_key"), {"key": "draft2031"}).status_code == 429
    assert not Enrollment.objects.exists()


def _errors(response) -> list[str]:
    import re

    return re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', response.content.decode())
