import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.forms import AUTOCOMPLETE
from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db

SIGNUP = factories.signup_form(email="Nadia.Roy@Example.org")


def _link_in(message) -> str:
    return re.search(r"https?://[^\s\"<>]+", message.body).group(0)


def test_signup_sends_verification_and_the_link_confirms_and_signs_in(client, django_capture_on_commit_callbacks):
    # Account emails go through the outbox: they leave when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302

    user = User.objects.get(email__iexact="nadia.roy@example.org")
    assert (user.first_name, user.last_name, user.profession, user.province) == (
        "Nadia",
        "Roy",
        "registered_nurse",
        "NL",
    )
    assert user.effective_time_zone == "America/St_Johns"
    assert len(mail.outbox) == 1
    link = _link_in(mail.outbox[0])

    # The link shows a confirmation page; confirming is a POST (mail scanners must not confirm for the user).
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    confirmed = client.post("/" + path, follow=True)
    assert confirmed.status_code == 200
    assert user.emailaddress_set.get().verified
    assert confirmed.wsgi_request.user.is_authenticated
    # The link opened again (from the email, days later) is not a failure to alarm her with.
    again = client.get("/" + path).content.decode()
    assert "This confirmation link has been used already or has expired. You are signed in" in again
    assert f'href="{reverse("enrollment:my_learning")}"' in again


def test_unverified_user_cannot_sign_in_until_confirmed(client):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()
    mail.outbox.clear()
    response = client.post(
        reverse("account_login"), {"login": "nadia.roy@example.org", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not client.get(reverse("accounts:profile")).wsgi_request.user.is_authenticated


def test_signup_with_missing_fields_explains_and_creates_nothing(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "first_name": "", "password1": "short"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not User.objects.exists()


def test_signup_with_an_email_already_used_in_other_case_creates_no_second_account(
    client, clinician, django_capture_on_commit_callbacks
):
    # allauth does not reveal that the address exists: it tells the owner by email instead.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {**SIGNUP, "email": "ALICE@example.org"})
    assert User.objects.filter(email__iexact="alice@example.org").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]


def test_login_and_logout(client, clinician, password):
    response = client.post(reverse("account_login"), {"login": "ALICE@example.org", "password": password}, follow=True)
    assert response.wsgi_request.user == clinician
    response = client.post(reverse("account_logout"), follow=True)
    assert not response.wsgi_request.user.is_authenticated


def test_wrong_password_says_so(client, clinician):
    response = client.post(reverse("account_login"), {"login": "alice@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_by_email(client, clinician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = _link_in(mail.outbox[0])
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    response = client.post(action, {"password1": "another-long-passphrase", "password2": "another-long-passphrase"})
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password("another-long-passphrase")
    done = client.get(response["Location"]).content.decode()
    assert "Your password is now changed." in done
    assert f'href="{reverse("account_login")}">Sign in</a>' in done  # the way on, not a dead end


def test_profile_edit(client, clinician):
    client.force_login(clinician)
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    assert 'name="licence_number"' in page.content.decode()
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Alice",
            "last_name": "Tremblay-Roy",
            "profession": "physician",
            "practice_settings": ["primary_care", "home_community"],
            "province": "BC",
            "organisation": "Haida Gwaii Family Health",
            "rural_remote": "on",
            "preferred_language": "en",
            "time_zone": "",
            "licence_number": "CFPC 12345",
            "reminders_enabled": "on",
        },
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.last_name == "Tremblay-Roy"
    assert clinician.practice_settings == ["primary_care", "home_community"]
    assert clinician.rural_remote is True
    assert clinician.effective_time_zone == "America/Vancouver"


def test_profile_rejects_unknown_choices_and_keeps_data(client, clinician):
    client.force_login(clinician)
    response = client.post(reverse("accounts:profile"), {"first_name": "", "practice_settings": ["moon_base"]})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    clinician.refresh_from_db()
    assert clinician.first_name == "Alice"


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_signup_and_profile_forms_say_what_their_name_fields_hold_for_autofill(client, clinician):
    """WCAG 2.1 1.3.5: a phone or password manager fills in the names and organisation."""
    signup = client.get(reverse("account_signup")).content.decode()
    client.force_login(clinician)
    profile = client.get(reverse("accounts:profile")).content.decode()

    for html, fields in ((signup, ("first_name", "last_name", "province")), (profile, AUTOCOMPLETE)):
        for name in fields:
            tag = re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', html).group(0)
            assert f'autocomplete="{AUTOCOMPLETE[name]}"' in tag, name
    assert 'autocomplete="email"' in signup
