"""Staff write an announcement in both languages, choose who gets it, preview, test on themselves, then send."""

import re

import pytest
from django.core import mail

from notifications.models import OutboundEmail
from outreach import mailings, subscriptions
from outreach.models import Mailing, Subscriber

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/outreach/mailing/add/"


def _subscriber(email, *, language="en", province="ON", profession="registered_nurse", status="subscribed"):
    subscriber = Subscriber.objects.create(
        email=email,
        name=email.split("@")[0].title(),
        language=language,
        province=province,
        profession=profession,
        status=status,
        consent_text="Yes",
        consent_version="test",
        consent_language=language,
        consent_given_at="2026-11-01T12:00:00Z",
        consent_source="/stay-connected/",
    )
    return subscriber


@pytest.fixture
def audience(db):
    return {
        "en": _subscriber("olivia@example.org", language="en", province="QC"),
        "fr": _subscriber("mathieu@example.org", language="fr", province="QC"),
        "elsewhere": _subscriber("bc@example.org", language="en", province="BC"),
        "pending": _subscriber("waiting@example.org", province="QC", status="pending"),
        "withdrawn": _subscriber("gone@example.org", province="QC", status="withdrawn"),
    }


def _mailing_form(**overrides):
    data = {
        "kind": "announcement",
        "subject_en": "New community of practice in long-term care",
        "subject_fr": "Nouvelle communauté de pratique en soins de longue durée",
        "body_en": 'Registration is open.\n\nSee <a href="https://echo.example.org/series/">the programme</a>.',
        "body_fr": 'Les inscriptions sont ouvertes.\n\nConsultez <a href="https://echo.example.org/">le programme</a>.',
        "provinces": ["QC"],
    }
    data.update(overrides)
    return data


def _create(client, **overrides) -> Mailing:
    response = client.post(ADD_URL, _mailing_form(**overrides))
    assert response.status_code == 302, re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', response.content.decode())
    return Mailing.objects.latest("pk")


def test_staff_write_preview_test_and_send_to_a_segment_each_in_their_language(
    client, staff, audience, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    mailing = _create(client)
    assert (mailing.status, mailing.created_by, mailing.provinces) == ("draft", staff, ["QC"])
    send_url = f"/admin/outreach/mailing/{mailing.pk}/send/"
    assert send_url in client.get(f"/admin/outreach/mailing/{mailing.pk}/change/").content.decode()

    preview = client.get(send_url).content.decode()
    assert "New community of practice in long-term care" in preview
    assert "Nouvelle communauté de pratique en soins de longue durée" in preview
    assert "<p>Les inscriptions sont ouvertes.</p>" in preview
    assert "Send to 2 subscribers" in preview  # QC, on the list: one in English, one in French

    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url, {"action": "test"})
    assert sorted(m.subject for m in mailoutbox) == [
        "[Essai] Nouvelle communauté de pratique en soins de longue durée",
        "[Test] New community of practice in long-term care",
    ]
    assert {m.to[0] for m in mailoutbox} == {"staff@example.org"}
    mailing.refresh_from_db()
    assert mailing.status == "draft"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send_url, {"action": "send"}, follow=True)

    assert "Sending to 2 subscribers." in response.content.decode()
    mailing.refresh_from_db()
    assert (mailing.status, mailing.sent_by, mailing.recipient_count) == ("sent", staff, 2)
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {"olivia@example.org", "mathieu@example.org"}
    english, french = by_recipient["olivia@example.org"], by_recipient["mathieu@example.org"]
    assert english.subject == "New community of practice in long-term care"
    assert french.subject == "Nouvelle communauté de pratique en soins de longue durée"
    assert "Les inscriptions sont ouvertes." in french.body
    for message, subscriber in [(english, audience["en"]), (french, audience["fr"])]:
        unsubscribe = subscriptions.unsubscribe_url(subscriber)
        assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe in message.body
        html = message.alternatives[0][0]
        assert f'href="{unsubscribe}"' in html
        assert "Pallium Canada" in message.body and "Ottawa" in message.body

    # Sending again is refused and sends nothing.
    again = client.post(send_url, {"action": "send"}, follow=True)
    assert "This mailing was sent already" in again.content.decode()
    assert OutboundEmail.objects.filter(kind="mailing", idempotency_key__startswith="mailing:").count() == 2


def test_a_segment_by_language_and_profession(staff, audience):
    _subscriber("pharm@example.org", language="fr", province="QC", profession="pharmacist")
    mailing = Mailing.objects.create(
        subject_en="S", subject_fr="S", body_en="B", body_fr="B", languages=["fr"], professions=["pharmacist"]
    )

    assert list(mailings.recipients(mailing).values_list("email", flat=True)) == ["pharm@example.org"]


def test_both_languages_are_required(client, staff):
    client.force_login(staff)

    response = client.post(ADD_URL, _mailing_form(subject_fr="", body_fr=""))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Mailing.objects.exists()


def test_what_staff_paste_cannot_run_in_a_readers_mail(staff, audience, mailoutbox, django_capture_on_commit_callbacks):
    mailing = Mailing.objects.create(
        subject_en="S",
        subject_fr="S",
        body_en='<p onclick="x()">Hi</p><script>alert(1)</script><img src="https://tracker.example/p.gif">',
        body_fr="<p>Salut</p>",
    )
    with django_capture_on_commit_callbacks(execute=True):
        mailings.start_sending(mailing=mailing, by=staff)

    html = next(m for m in mailoutbox if m.to == ["olivia@example.org"]).alternatives[0][0]
    assert "<p>Hi</p>" in html
    assert "<script" not in html and "alert(1)" not in html and "onclick" not in html and "tracker.example" not in html


def test_someone_who_leaves_before_their_email_goes_out_is_not_sent_it(
    staff, audience, django_capture_on_commit_callbacks
):
    mailing = Mailing.objects.create(subject_en="S", subject_fr="S", body_en="B", body_fr="B", provinces=["QC"])
    mailings.start_sending(mailing=mailing, by=staff)
    mailings.fan_out(mailing_id=mailing.pk)  # rows queued; in production a worker delivers them a moment later
    assert OutboundEmail.objects.filter(recipient="mathieu@example.org", status="queued").exists()

    subscriptions.withdraw(subscriber=audience["fr"], how="email link")

    row = OutboundEmail.objects.get(recipient="mathieu@example.org")
    assert row.status == "failed"
    assert "withdrew" in row.last_error
    assert OutboundEmail.objects.get(recipient="olivia@example.org").status == "queued"


def test_the_fan_out_run_twice_queues_nobody_twice(staff, audience):
    mailing = Mailing.objects.create(subject_en="S", subject_fr="S", body_en="B", body_fr="B")
    mailings.start_sending(mailing=mailing, by=staff)
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")
    mailings.fan_out(mailing_id=mailing.pk)
    Mailing.objects.filter(pk=mailing.pk).update(status="sending")

    assert mailings.fan_out(mailing_id=mailing.pk) == 0

    assert OutboundEmail.objects.filter(kind="mailing").count() == 3
    mailing.refresh_from_db()
    assert mailing.recipient_count == 3


def test_only_staff_reach_the_send_page(client, clinician, staff):
    mailing = Mailing.objects.create(subject_en="S", subject_fr="S", body_en="B", body_fr="B")
    client.force_login(clinician)

    response = client.post(f"/admin/outreach/mailing/{mailing.pk}/send/", {"action": "send"})

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    mailing.refresh_from_db()
    assert mailing.status == "draft"


def test_a_sent_newsletter_is_published_in_the_archive_from_admin(client, staff, audience):
    mailing = Mailing.objects.create(
        kind="newsletter",
        subject_en="Autumn newsletter",
        subject_fr="Bulletin d’automne",
        body_en="Two new hubs.",
        body_fr="Deux nouveaux carrefours.",
    )
    announcement = Mailing.objects.create(subject_en="S", subject_fr="S", body_en="B", body_fr="B")
    client.force_login(staff)
    action = {"action": "archive_newsletters", "_selected_action": [mailing.pk, announcement.pk]}

    refused = client.post("/admin/outreach/mailing/", action, follow=True).content.decode()
    assert "is not a newsletter that was sent" in refused
    assert client.get("/newsletters/").content.decode().count("Autumn newsletter") == 0

    mailings.start_sending(mailing=mailing, by=staff)
    mailings.fan_out(mailing_id=mailing.pk)
    done = client.post("/admin/outreach/mailing/", action, follow=True).content.decode()
    again = client.post("/admin/outreach/mailing/", action, follow=True).content.decode()

    assert "“Autumn newsletter” is now in the newsletter archive." in done
    assert "was already in the newsletter archive" in again
    client.logout()
    archive = client.get("/newsletters/").content.decode()
    assert archive.count("Autumn newsletter") == 1
    assert "Bulletin d’automne" in client.get("/newsletters/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    issue_url = re.search(r'href="(/newsletters/autumn-newsletter-[0-9-]+/)"', archive).group(1)
    assert "<p>Two new hubs.</p>" in client.get(issue_url).content.decode()


def test_a_link_to_a_page_of_the_site_works_from_the_mail_and_the_plain_text_keeps_every_address(
    staff, audience, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://echo.example.org"
    mailing = Mailing.objects.create(
        subject_en="Spring programme",
        subject_fr="Programme du printemps",
        body_en=(
            'See <a href="/series/">the programme</a> or write to '
            '<a href="mailto:info@example.org">info@example.org</a>.'
        ),
        body_fr='Consultez <a href="https://pallium.ca/fr/">le programme</a>.',
    )
    with django_capture_on_commit_callbacks(execute=True):
        mailings.start_sending(mailing=mailing, by=staff)

    english = next(m for m in mailoutbox if m.to == ["olivia@example.org"])
    french = next(m for m in mailoutbox if m.to == ["mathieu@example.org"])
    assert '<a href="https://echo.example.org/series/"' in english.alternatives[0][0]
    assert "See the programme (https://echo.example.org/series/) or write to info@example.org." in english.body
    assert "Consultez le programme (https://pallium.ca/fr/)." in french.body


def test_the_help_under_the_text_names_the_tags_staff_may_write_instead_of_rendering_them(client, staff):
    client.force_login(staff)
    for language, named in (("en", "(&lt;h2&gt;, &lt;ul&gt;, &lt;a href&gt;"), ("fr", "(&lt;h2&gt;, &lt;ul&gt;")):
        page = client.get(ADD_URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        help_texts = re.findall(r'<div class="help"[^>]*>(.*?)</div>', page, re.S)
        assert any(named in text for text in help_texts), help_texts
        assert not any("<h2>" in text or "<ul>" in text for text in help_texts)
