"""Picking sessions: what the form shows, consent, the summary, windows and closed series, double submits."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollment import services
from enrollment.models import Enrollment, Registration
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def psw():
    series = factories.SeriesFactory(title="Personal Support Worker Community of Practice", slug="psw")
    factories.SessionFactory(series=series, title="Introductory Session", days_from_now=7)
    factories.SessionFactory(
        series=series, title="Essential Communication Skills Part 1", days_from_now=14, capacity=30
    )
    factories.SessionFactory(series=series, title="Already held", days_from_now=-7)
    return series


def _sessions(series):
    return list(series.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at"))


def test_the_form_lists_upcoming_sessions_with_time_and_seats_left(client, clinician, psw):
    first, second = _sessions(psw)
    factories.RegistrationFactory(session=second)
    client.force_login(clinician)

    response = client.get(reverse("enrollment:register", args=[psw.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Introductory Session" in html
    assert "Essential Communication Skills Part 1" in html
    assert "29 seats left" in html
    assert "Already held" not in html
    assert 'type="checkbox" name="sessions"' in html
    assert "privacy policy" in html and reverse("privacy") in html


def test_registering_stores_consent_and_shows_the_summary(client, clinician, psw):
    first, second = _sessions(psw)
    client.force_login(clinician)

    response = client.post(
        reverse("enrollment:register", args=[psw.slug]), {"sessions": [first.pk, second.pk], "consent": "on"}
    )

    assert response.status_code == 302
    summary = client.get(response["Location"])
    html = summary.content.decode()
    assert "You are registered for these sessions" in html
    assert "Introductory Session" in html and "Essential Communication Skills Part 1" in html
    clinician.refresh_from_db()
    assert clinician.privacy_consent_version == "2026-11"
    assert clinician.privacy_consent_at is not None
    assert set(Registration.objects.filter(user=clinician).values_list("status", flat=True)) == {"registered"}
    assert Enrollment.objects.get(user=clinician, series=psw).status == Enrollment.Status.ACTIVE


def test_the_summary_shows_what_this_submission_picked_named_in_its_address(
    client, clinician, psw, django_capture_on_commit_callbacks
):
    first, second = _sessions(psw)
    client.force_login(clinician)
    url = reverse("enrollment:register", args=[psw.slug])
    with django_capture_on_commit_callbacks(execute=True):  # what its commit runs: her consent shows from now on
        client.post(url, {"sessions": [first.pk], "consent": "on"})

    response = client.post(url, {"sessions": [second.pk]})

    assert response["Location"] == f"{reverse('enrollment:registered', args=[psw.slug])}?picked={second.pk}"
    html = _main(client.get(response["Location"]).content.decode())
    assert "Essential Communication Skills Part 1" in html
    assert "Introductory Session" not in html  # held, but picked by the submission before
    assert not client.session.keys() - {"_auth_user_id", "_auth_user_backend", "_auth_user_hash"}


def test_the_summary_address_shows_only_the_viewers_own_registrations(client, clinician, outsider, psw):
    first, second = _sessions(psw)
    factories.RegistrationFactory(user=outsider, session=first)
    factories.RegistrationFactory(user=clinician, session=second)
    client.force_login(clinician)
    summary = reverse("enrollment:registered", args=[psw.slug])

    others = _main(client.get(f"{summary}?picked={first.pk}").content.decode())
    tampered = _main(client.get(f"{summary}?picked=none&picked=%C2%B2&picked=99999999999999999999").content.decode())

    assert "Introductory Session" not in others and "Essential Communication Skills Part 1" not in others
    # Nothing usable in the address: all the viewer holds still to come, as without one.
    assert "Essential Communication Skills Part 1" in tampered and "Introductory Session" not in tampered


def test_without_consent_nothing_is_registered(client, clinician, psw):
    first, _second = _sessions(psw)
    client.force_login(clinician)

    response = client.post(reverse("enrollment:register", args=[psw.slug]), {"sessions": [first.pk]})

    assert response.status_code == 200
    assert "Please agree to the privacy policy to register." in response.content.decode()
    assert not Registration.objects.exists()
    clinician.refresh_from_db()
    assert clinician.privacy_consent_version == ""


def test_consent_is_asked_only_once(client, clinician, psw, django_capture_on_commit_callbacks):
    first, second = _sessions(psw)
    client.force_login(clinician)
    with django_capture_on_commit_callbacks(execute=True):  # what its commit runs: her consent shows from now on
        client.post(reverse("enrollment:register", args=[psw.slug]), {"sessions": [first.pk], "consent": "on"})

    page = client.get(reverse("enrollment:register", args=[psw.slug])).content.decode()
    response = client.post(reverse("enrollment:register", args=[psw.slug]), {"sessions": [second.pk]})

    assert 'name="consent"' not in page
    assert "you are registered" in page.lower()
    assert response.status_code == 302
    assert Registration.objects.filter(user=clinician).count() == 2


def test_the_same_submission_twice_leaves_the_same_rows_and_result(client, clinician, psw):
    first, second = _sessions(psw)
    client.force_login(clinician)
    data = {"sessions": [first.pk, second.pk], "consent": "on"}

    one = client.post(reverse("enrollment:register", args=[psw.slug]), data)
    rows_after_one = list(Registration.objects.order_by("pk").values_list("pk", "session_id", "status"))
    summary_one = client.get(one["Location"]).content.decode()
    two = client.post(reverse("enrollment:register", args=[psw.slug]), data)
    summary_two = client.get(two["Location"]).content.decode()

    assert list(Registration.objects.order_by("pk").values_list("pk", "session_id", "status")) == rows_after_one
    assert Enrollment.objects.filter(user=clinician).count() == 1
    assert _main(summary_one) == _main(summary_two)
    assert "You are registered for these sessions" in _main(summary_two)


def _main(html):
    return html[html.index("<main") : html.index("</main>")]


def test_the_service_reports_what_it_did(clinician, psw):
    first, second = _sessions(psw)

    one = services.register(user=clinician, sessions=[first], consent=True)
    two = services.register(user=clinician, sessions=[first, second], consent=False)

    assert [r.session for r in one.registered] == [first]
    assert [r.session for r in two.registered] == [second]
    assert [r.session for r in two.already] == [first]


def test_a_full_session_offers_the_waitlist(client, clinician, psw):
    _first, second = _sessions(psw)
    second.capacity = 1
    second.save()
    factories.RegistrationFactory(session=second)
    client.force_login(clinician)

    page = client.get(reverse("enrollment:register", args=[psw.slug])).content.decode()
    response = client.post(reverse("enrollment:register", args=[psw.slug]), {"sessions": [second.pk], "consent": "on"})

    assert "Full: you can join the waitlist" in page
    summary = client.get(response["Location"]).content.decode()
    assert "You are on the waitlist for these sessions" in summary
    assert Registration.objects.get(user=clinician).status == Registration.Status.WAITLISTED


def test_a_key_series_sends_a_learner_without_enrollment_to_the_key_form(client, clinician):
    series = factories.SeriesFactory(slug="spmi", registration_mode=Series.RegistrationMode.KEY)
    session = factories.SessionFactory(series=series)
    client.force_login(clinician)

    page = client.get(reverse("enrollment:register", args=[series.slug]))
    post = client.post(reverse("enrollment:register", args=[series.slug]), {"sessions": [session.pk], "consent": "on"})

    assert page["Location"] == reverse("enrollment:enroll", args=[series.slug])
    assert post["Location"] == reverse("enrollment:enroll", args=[series.slug])
    assert not Registration.objects.exists()
    with pytest.raises(services.EnrollmentError) as refused:
        services.register(user=clinician, sessions=[session], consent=True)
    assert refused.value.code == "not_enrolled"


def _closed(kind):
    now = timezone.now()
    if kind == "closed":
        return {"registration_mode": Series.RegistrationMode.CLOSED}
    if kind == "not_yet_open":
        return {"registration_opens_at": now + dt.timedelta(days=2)}
    return {
        "registration_opens_at": now - dt.timedelta(days=10),
        "registration_closes_at": now - dt.timedelta(days=1),
    }


@pytest.mark.parametrize(
    ("kind", "explanation"),
    [
        ("closed", "This series is not taking registrations."),
        ("not_yet_open", "Registration for this series opens on"),
        ("window_closed", "Registration for this series closed on"),
    ],
)
def test_closed_series_and_windows_explain_themselves_and_accept_nothing(client, clinician, kind, explanation):
    series = factories.SeriesFactory(slug=f"series-{kind}", **_closed(kind))
    session = factories.SessionFactory(series=series)
    key_series = factories.SeriesFactory(**{"registration_mode": Series.RegistrationMode.KEY, **_closed(kind)})
    factories.SessionFactory(series=key_series)
    factories.EnrollmentKeyFactory(series=key_series, code=f"KEY-{kind}")
    client.force_login(clinician)

    page = client.get(reverse("enrollment:register", args=[series.slug]))
    post = client.post(reverse("enrollment:register", args=[series.slug]), {"sessions": [session.pk], "consent": "on"})
    key_post = client.post(reverse("enrollment:enroll", args=[key_series.slug]), {"key": f"KEY-{kind}"})
    by_key = client.post(reverse("enrollment:enroll_by_key"), {"key": f"key-{kind}"})

    assert page.status_code == 200
    assert explanation in page.content.decode()
    assert 'name="sessions"' not in page.content.decode()
    assert post.status_code == 409
    assert explanation in post.content.decode()
    assert key_post.status_code == 409
    assert by_key.status_code == 200
    assert explanation in by_key.content.decode()
    assert not Registration.objects.exists()
    assert not Enrollment.objects.exists()
    with pytest.raises(services.EnrollmentError):
        services.register(user=clinician, sessions=[session], consent=True)


def test_a_past_or_cancelled_session_cannot_be_registered(clinician, psw):
    past = psw.sessions.get(title="Already held")
    first, _second = _sessions(psw)
    first.status = first.Status.CANCELLED
    first.save()

    for session in (past, first):
        with pytest.raises(services.EnrollmentError) as refused:
            services.register(user=clinician, sessions=[session], consent=True)
        assert refused.value.code == "session_unavailable"
    assert not Registration.objects.exists()


def test_a_draft_series_is_not_found(client, clinician):
    draft = factories.SeriesFactory(slug="draft", status=Series.Status.DRAFT)

    assert client.get(reverse("enrollment:register", args=[draft.slug])).status_code == 302
    client.force_login(clinician)
    assert client.get(reverse("enrollment:register", args=[draft.slug])).status_code == 404
    assert client.post(reverse("enrollment:enroll", args=[draft.slug]), {"key": "x"}).status_code == 404


def test_ltc_from_key_in_lower_case_to_two_sessions(client, clinician):
    """The issue's 'done when': the LTC series page to 'you are registered for these two sessions'."""
    ltc = factories.SeriesFactory(
        title="Long-Term Care Community of Practice", slug="ltc", registration_mode=Series.RegistrationMode.KEY
    )
    advance = factories.SessionFactory(series=ltc, title="Advance Care Planning", days_from_now=10)
    dementia = factories.SessionFactory(series=ltc, title="Honouring Personhood in Dementia Care", days_from_now=40)
    factories.EnrollmentKeyFactory(series=ltc, code="LTC2122")
    client.force_login(clinician)

    enrolled = client.post(reverse("enrollment:enroll", args=["ltc"]), {"key": "ltc2122"}, follow=True)
    assert "Pick your sessions" in enrolled.content.decode()
    done = client.post(
        reverse("enrollment:register", args=["ltc"]),
        {"sessions": [advance.pk, dementia.pk], "consent": "on"},
        follow=True,
    )

    html = done.content.decode()
    assert "You are registered for these sessions" in html
    assert "Advance Care Planning" in html and "Honouring Personhood in Dementia Care" in html
    assert Registration.objects.filter(user=clinician, status="registered").count() == 2


def test_a_series_whose_sessions_are_all_over_says_so(client, clinician):
    series = factories.SeriesFactory(slug="held")
    factories.SessionFactory(series=series, days_from_now=-3)
    client.force_login(clinician)

    page = client.get(reverse("enrollment:register", args=[series.slug]))

    assert "Every session of this series has taken place." in page.content.decode()
    assert 'name="sessions"' not in page.content.decode()
