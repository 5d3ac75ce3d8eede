"""Joining the mailing list under Canada's anti-spam law: express consent, its stored proof, double opt-in, purge."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from outreach import subscriptions
from outreach.consent import CONSENT_VERSION
from outreach.models import Subscriber, SubscriberChange
from outreach.tasks import purge_unconfirmed_subscribers

pytestmark = pytest.mark.django_db

URL = "/stay-connected/"


def _form(**overrides):
    data = {
        "email": "nadia@clinic.example.org",
        "name": "Nadia Roy",
        "profession": "registered_nurse",
        "province": "QC",
        "language": "fr",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _consent_label(html: str) -> str:
    match = re.search(r'<input type="checkbox" name="consent"[^>]*>\s*<label for="id_consent">([^<]*)</label>', html)
    assert match, "the consent box and its label"
    return match.group(1)


def _confirm_path(message) -> str:
    return re.search(r"http://[^/\s]+(/stay-connected/confirm/[^/\s]+/)", message.body).group(1)


def test_the_consent_box_is_unchecked_and_says_what_who_and_withdrawal(client, settings):
    html = client.get(URL).content.decode()

    assert '<input type="checkbox" name="consent" required id="id_consent">' in html
    checkbox = re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group(0)
    assert "checked" not in checkbox
    label = _consent_label(html)
    assert "announcements of sessions" in label and "newsletter" in label and "semi-annual reports" in label
    assert settings.MAILING_SENDER_NAME in label
    assert settings.MAILING_SENDER_ADDRESS in label
    assert "withdraw my consent at any time" in label


def test_without_consent_nothing_is_recorded_and_the_page_says_why(client, mailoutbox):
    response = client.post(URL, _form(consent=None))

    assert response.status_code == 200
    assert "Check this box to give your consent" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_the_exact_wording_shown_is_stored_with_version_time_and_page(client, django_capture_on_commit_callbacks):
    shown = _consent_label(client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form(), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 302
    assert response["Location"] == "/stay-connected/check-your-email/"
    subscriber = Subscriber.objects.get()
    assert subscriber.consent_text == shown.replace("&#x27;", "'")
    assert shown.startswith("Oui, je veux recevoir des courriels")
    assert (subscriber.consent_version, subscriber.consent_language, subscriber.consent_source) == (
        CONSENT_VERSION,
        "fr",
        "/stay-connected/",
    )
    assert subscriber.consent_given_at >= before
    assert (subscriber.name, subscriber.profession, subscriber.province, subscriber.language) == (
        "Nadia Roy",
        "registered_nurse",
        "QC",
        "fr",
    )


def test_nobody_is_on_the_list_until_they_confirm_from_the_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form())

    assert not Subscriber.objects.on_the_list().exists()
    (message,) = mailoutbox
    assert message.to == ["nadia@clinic.example.org"]
    assert message.subject == "Confirmez votre abonnement à la liste d’envoi de l’ECHO en soins palliatifs"
    path = _confirm_path(message)

    # Opening the link (or a link scanner fetching it) only asks.
    page = client.get(path).content.decode()
    assert "Confirmer et m’abonner" in page or "Confirm and join the mailing list" in page
    assert not Subscriber.objects.on_the_list().exists()

    done = client.post(path)

    assert "nadia@clinic.example.org is on the mailing list" in done.content.decode()
    subscriber = Subscriber.objects.on_the_list().get()
    assert subscriber.confirmed_at is not None
    events = list(subscriber.changes.values_list("event", flat=True))
    assert events == [SubscriberChange.Event.REQUESTED, SubscriberChange.Event.CONFIRMED]
    # Twice is harmless.
    assert "already on the mailing list" in client.post(path).content.decode()


def test_the_same_address_twice_in_a_day_is_one_row_and_one_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form())
        client.post(URL, _form(email="NADIA@clinic.example.org", name="Someone else"))

    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().name == "Nadia Roy"
    assert len(mailoutbox) == 1

    # A day later, a new request sends a new link; the first link is then stale.
    first_path = _confirm_path(mailoutbox[0])
    later = timezone.now() + timedelta(days=1, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later), django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form())
    assert Subscriber.objects.count() == 1
    assert len(mailoutbox) == 2
    assert "earlier request" in client.post(first_path).content.decode()
    assert "is on the mailing list" in client.post(_confirm_path(mailoutbox[1])).content.decode()


def test_an_address_already_on_the_list_is_not_told_anything_new(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = _subscribed()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form(email=subscriber.email, name="Impostor", province="BC"))

    assert response["Location"] == "/stay-connected/check-your-email/"
    subscriber.refresh_from_db()
    assert (subscriber.name, subscriber.province, subscriber.status) == ("Nadia Roy", "QC", "subscribed")
    assert mailoutbox == []


def test_a_confirmation_link_expires_with_the_request(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(language="en"))
    path = _confirm_path(mailoutbox[0])

    with mock.patch("django.core.signing.time.time", return_value=time.time() + 31 * 86400):
        response = client.post(path)

    assert "This link has expired" in response.content.decode()
    assert not Subscriber.objects.on_the_list().exists()


# Ids given: a signed token carries a timestamp, and xdist needs the same test names in every worker.
@pytest.mark.parametrize(
    "token",
    ["garbage", signing.dumps(["x", "y"], salt=subscriptions.CONFIRM_SALT)],
    ids=["garbage", "signed-but-malformed"],
)
def test_a_bad_confirmation_link_is_a_clear_400(client, token):
    response = client.post(f"/stay-connected/confirm/{token}/")

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()


def test_requests_never_confirmed_are_purged_after_30_days_by_the_periodic_task(settings):
    assert settings.CELERY_BEAT_SCHEDULE["purge-unconfirmed-subscribers"]["task"] == (
        "outreach.tasks.purge_unconfirmed_subscribers"
    )
    now = timezone.now()
    old = _pending("old@example.org", requested_at=now - timedelta(days=30, minutes=1))
    recent = _pending("recent@example.org", requested_at=now - timedelta(days=29))
    confirmed = _subscribed(email="kept@example.org", requested_at=now - timedelta(days=90))

    assert purge_unconfirmed_subscribers() == 1

    remaining = set(Subscriber.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, confirmed.pk}
    assert old.pk not in remaining


def test_a_bot_filling_the_hidden_field_gets_the_normal_answer_and_no_row(client, mailoutbox):
    response = client.post(URL, _form(website="http://spam.example.com"), follow=True)

    assert "Check your email" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_too_many_requests_from_one_address_are_refused(client, settings):
    settings.OUTREACH_SUBMISSIONS_PER_ADDRESS = 2
    for n in range(2):
        assert client.post(URL, _form(email=f"person{n}@example.org")).status_code == 302

    response = client.post(URL, _form(email="person3@example.org"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Subscriber.objects.count() == 2
    assert client.post(URL, _form(email="other@example.org"), REMOTE_ADDR="10.9.8.7").status_code == 302


def test_a_signed_in_user_joins_and_leaves_from_the_profile(client, clinician):
    client.force_login(clinician)
    profile = client.get("/accounts/profile/").content.decode()
    assert "You are not on the mailing list." in profile
    assert 'id="mailing_consent"' in profile

    refused = client.post("/stay-connected/profile/join/", follow=True)
    assert "Check the consent box" in refused.content.decode()
    assert not Subscriber.objects.exists()

    joined = client.post("/stay-connected/profile/join/", {"consent": "on"}, follow=True)
    assert "You are on the mailing list." in joined.content.decode()
    subscriber = Subscriber.objects.on_the_list().get()
    assert (subscriber.email, subscriber.user, subscriber.consent_source) == (
        "alice@example.org",
        clinician,
        "/stay-connected/profile/join/",
    )
    assert "semi-annual reports" in subscriber.consent_text

    left = client.post("/stay-connected/profile/leave/", follow=True)
    assert "You have left the mailing list." in left.content.decode()
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.withdrawn_how) == ("withdrawn", "profile")


def test_staff_export_the_current_list_with_the_consent_proof(client, staff):
    _subscribed(email="on@example.org")
    _pending("waiting@example.org", requested_at=timezone.now())
    gone = _subscribed(email="gone@example.org")
    subscriptions.withdraw(subscriber=gone, how="email link")
    client.force_login(staff)

    assert "Export the list with consent proof" in client.get("/admin/outreach/subscriber/").content.decode()
    response = client.get("/admin/outreach/subscriber/export/")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("email,name,profession,province or territory,language,consent given")
    assert len(lines) == 2
    assert lines[1].startswith("on@example.org,Nadia Roy,Registered nurse,Quebec,en,")
    assert CONSENT_VERSION in lines[1] and "/stay-connected/" in lines[1] and "I want to receive" in lines[1]


def test_the_export_is_for_staff_only(client, clinician):
    client.force_login(clinician)
    assert client.get("/admin/outreach/subscriber/export/").status_code == 302


def _consent():
    return subscriptions.Consent(
        text="Yes, I want to receive emails", version=CONSENT_VERSION, language="en", source="/stay-connected/"
    )


def _pending(email, *, requested_at):
    subscriber = subscriptions.request_subscription(
        details=subscriptions.Details(email=email, name="Nadia Roy", province="QC", profession="registered_nurse"),
        consent=_consent(),
    )
    Subscriber.objects.filter(pk=subscriber.pk).update(requested_at=requested_at)
    return subscriber


def _subscribed(email="nadia@clinic.example.org", *, requested_at=None):
    subscriber = _pending(email, requested_at=requested_at or timezone.now())
    Subscriber.objects.filter(pk=subscriber.pk).update(status="subscribed", confirmed_at=timezone.now())
    subscriber.refresh_from_db()
    return subscriber
