"""A key typed on the home page while signed out survives signing in or creating an account: the learner
lands on the picker of its series, enrolled, without typing it again."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from enrollment.models import Enrollment
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s/]+/)")


@pytest.fixture
def ltc():
    series = factories.SeriesFactory(title="LTC Community", slug="ltc", registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=series, title="Advance Care Planning")
    factories.EnrollmentKeyFactory(series=series, code="LTC2122")
    return series


def _type_key_signed_out(client, key="ltc 2122"):
    response = client.post(reverse("enrollment:enroll_by_key"), {"key": key})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    return response.url


def test_signing_in_lands_on_the_picker_enrolled(client, ltc, clinician):
    login_url = _type_key_signed_out(client)

    response = client.post(login_url, {"login": clinician.email, "password": "correct horse battery"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("enrollment:register", args=[ltc.slug])
    assert Enrollment.objects.get(user=clinician, series=ltc).key.code == "LTC2122"
    assert "Pick your sessions" in response.content.decode()


def test_creating_an_account_lands_on_the_picker_after_confirming(client, ltc, django_capture_on_commit_callbacks):
    login_url = _type_key_signed_out(client)
    login_page = client.get(login_url).content.decode()
    signup_url = re.search(r'href="(/accounts/signup/[^"]*)"', login_page).group(1).replace("&amp;", "&")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            signup_url,
            {
                "email": "nadia@example.org",
                "password1": "palliative care at home 2026",
                "first_name": "Nadia",
                "last_name": "Roy",
                "profession": "physician",
                "province": "ON",
                "preferred_language": "en",
            },
        )
    link = CONFIRM_LINK.search(mail.outbox[-1].body).group(1)
    response = client.post(link, follow=True)

    assert response.redirect_chain[-1][0] == reverse("enrollment:register", args=[ltc.slug])
    assert Enrollment.objects.get(user__email="nadia@example.org", series=ltc).status == "active"


def test_a_wrong_key_kept_through_sign_in_is_explained_on_the_key_page(client, ltc, clinician):
    login_url = _type_key_signed_out(client, key="LTC2121")

    response = client.post(login_url, {"login": clinician.email, "password": "correct horse battery"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("enrollment:enroll_by_key")
    page = response.content.decode()
    assert 'value="LTC2121"' in page
    assert not Enrollment.objects.exists()
