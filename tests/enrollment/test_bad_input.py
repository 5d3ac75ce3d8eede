"""No bad input gives a 500: garbage ids, missing fields, odd values and other people's rows get a clear answer."""

import pytest
from django.urls import reverse

from enrollment.models import Enrollment, Registration
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clinician, outsider):
    open_series = factories.SeriesFactory(slug="open-series")
    session = factories.SessionFactory(series=open_series)
    key_series = factories.SeriesFactory(slug="key-series", registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=key_series)
    factories.EnrollmentKeyFactory(series=key_series, code="GOOD")
    elsewhere = factories.SessionFactory(title="Another series' session")
    theirs = factories.RegistrationFactory(user=outsider, session=session)
    return {"session": session, "elsewhere": elsewhere, "theirs": theirs}


EMPTY_FORMS = [
    ("/series/key-series/enroll/", "This field is required."),
    ("/enroll/", "This field is required."),
    ("/series/open-series/register/", "Pick at least one session."),
]


@pytest.mark.parametrize(("url", "message"), EMPTY_FORMS)
def test_an_empty_submission_says_what_is_missing(client, clinician, world, url, message):
    client.force_login(clinician)

    response = client.post(url, {})

    assert response.status_code == 200
    assert message in response.content.decode()


CASES = [
    # (name, method, url, data, expected status)
    ("unknown series enroll", "get", lambda w: "/series/no-such-series/enroll/", None, 404),
    ("unknown series register", "post", lambda w: "/series/no-such-series/register/", {"sessions": "1"}, 404),
    ("unknown series summary", "get", lambda w: "/series/no-such-series/register/done/", None, 404),
    ("key missing", "post", lambda w: "/series/key-series/enroll/", {}, 200),
    ("key too long", "post", lambda w: "/series/key-series/enroll/", {"key": "X" * 5000}, 200),
    ("key with a NUL", "post", lambda w: "/series/key-series/enroll/", {"key": "GO\x00OD"}, 200),
    ("key repeated", "post", lambda w: "/enroll/", {"key": ["GOOD", "BAD"]}, 200),
    ("key only spaces", "post", lambda w: "/enroll/", {"key": "    "}, 200),
    ("key by key missing", "post", lambda w: "/enroll/", {}, 200),
    ("no session picked", "post", lambda w: "/series/open-series/register/", {"consent": "on"}, 200),
    ("session id not a number", "post", lambda w: "/series/open-series/register/", {"sessions": "abc"}, 200),
    ("session id huge", "post", lambda w: "/series/open-series/register/", {"sessions": "9" * 30}, 200),
    ("session id unknown", "post", lambda w: "/series/open-series/register/", {"sessions": "999999"}, 200),
    (
        "session of another series",
        "post",
        lambda w: "/series/open-series/register/",
        lambda w: {"sessions": str(w["elsewhere"].pk), "consent": "on"},
        200,
    ),
    ("consent garbage", "post", lambda w: "/series/open-series/register/", {"sessions": "x", "consent": "\x00"}, 200),
    ("cancel unknown id", "get", lambda w: "/me/registrations/999999/cancel/", None, 404),
    ("cancel id not a number", "post", lambda w: "/me/registrations/abc/cancel/", None, 404),
    ("cancel someone else's", "post", lambda w: f"/me/registrations/{w['theirs'].pk}/cancel/", None, 404),
    ("leave unknown series", "post", lambda w: "/me/series/no-such-series/leave/", None, 404),
    ("leave a series never joined", "post", lambda w: "/me/series/key-series/leave/", None, 404),
    ("wrong method on enroll", "put", lambda w: "/enroll/", None, 405),
    ("wrong method on register", "delete", lambda w: "/series/open-series/register/", None, 405),
]


@pytest.mark.parametrize(("name", "method", "url", "data", "expected"), CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_answered_without_a_server_error(client, clinician, world, name, method, url, data, expected):
    client.force_login(clinician)
    rows_before = (
        list(Registration.objects.order_by("pk").values_list("pk", "status")),
        list(Enrollment.objects.order_by("pk").values_list("pk", "status")),
    )

    if callable(data):
        data = data(world)
    send = getattr(client, method)
    response = send(url(world), data) if data is not None else send(url(world))

    assert response.status_code == expected
    rows_after = (
        list(Registration.objects.order_by("pk").values_list("pk", "status")),
        list(Enrollment.objects.order_by("pk").values_list("pk", "status")),
    )
    assert rows_after == rows_before


def test_a_tampered_summary_address_is_ignored(client, clinician, world):
    client.force_login(clinician)
    series = Series.objects.get(slug="open-series")

    response = client.get(reverse("enrollment:registered", args=[series.slug]) + "?picked=not&picked=ids&picked=-1")

    assert response.status_code == 200
