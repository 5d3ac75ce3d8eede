"""Invitations: a manager invites by email; the signed, single-use link says clearly what happened."""

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hubs.models import SpokeInvitation, SpokeMembership
from notifications.models import OutboundEmail
from tests import factories
from tests.hubs.conftest import make_invitation, manage_url

SIGNUP = factories.signup_form(profession="psw", province="ON")


def _link_in(body: str) -> str:
    return "/" + re.search(r"https?://[^\s\"<>]+", body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_manager_invites_and_the_email_goes_through_the_outbox(
    manager_client, hub, spoke, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            manage_url(hub, "invite"), {"spoke": spoke.pk, "email": " Nadia.Roy@Example.org ", "language": "fr"}
        )
    assert response.status_code == 302
    invitation = SpokeInvitation.objects.get()
    assert invitation.email == "nadia.roy@example.org"
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=13)
    row = OutboundEmail.objects.get(idempotency_key=f"spoke-invite:{invitation.pk}")
    assert row.recipient == "nadia.roy@example.org"
    assert row.language == "fr"
    assert "Lakeside Long-Term Care Home" in row.subject
    assert reverse("hubs:invitation", args=[invitation.token]) in row.body_text
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nadia.roy@example.org"]
    # Listed as pending on the members page, and can be withdrawn there.
    assert "nadia.roy@example.org" in manager_client.get(manage_url(hub, "members")).content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
        ({"spoke": "999999"}, "Select a valid choice."),
        ({"language": "de"}, "Select a valid choice."),
    ],
)
def test_bad_invitations_are_explained_and_send_nothing(manager_client, hub, spoke, data, message):
    response = manager_client.post(
        manage_url(hub, "invite"), {"spoke": spoke.pk, "email": "x@example.org", "language": "en", **data}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SpokeInvitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_inviting_a_current_member_is_refused(manager_client, hub, spoke, member):
    response = manager_client.post(
        manage_url(hub, "invite"), {"spoke": spoke.pk, "email": "ALICE@example.org", "language": "en"}
    )
    assert "This person is already a member of this spoke." in response.content.decode()
    assert not SpokeInvitation.objects.exists()


def test_inviting_again_replaces_the_pending_invitation(manager_client, hub, spoke):
    first = make_invitation(spoke, "nadia@example.org")
    manager_client.post(manage_url(hub, "invite"), {"spoke": spoke.pk, "email": "nadia@example.org", "language": "en"})
    assert not SpokeInvitation.objects.filter(pk=first.pk).exists()
    assert SpokeInvitation.objects.filter(email="nadia@example.org").count() == 1


def test_an_existing_account_signs_in_and_accepts(client, clinician, spoke):
    invitation = make_invitation(spoke, "alice@example.org")
    url = reverse("hubs:invitation", args=[invitation.token])

    anonymous = client.get(url)
    assert "You are invited to join Lakeside Long-Term Care Home" in anonymous.content.decode()
    assert reverse("account_login") in anonymous.content.decode()

    client.force_login(clinician)
    page = client.get(url)
    assert "Join Lakeside Long-Term Care Home" in page.content.decode()
    response = client.post(url, follow=True)
    assert "Welcome to Lakeside Long-Term Care Home" in response.content.decode()
    assert SpokeMembership.objects.get(user=clinician, spoke=spoke).status == SpokeMembership.Status.ACTIVE
    invitation.refresh_from_db()
    assert invitation.used_by == clinician

    again = client.get(url)
    assert "You already accepted this invitation" in again.content.decode()


def test_a_new_person_signs_up_verifies_then_accepts_and_lands_in_the_spoke(
    client, spoke, django_capture_on_commit_callbacks
):
    invitation = make_invitation(spoke, "nadia.roy@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {**SIGNUP, "email": "Nadia.Roy@example.org"})
    assert not SpokeMembership.objects.exists()  # not before the address is confirmed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_link_in(mail.outbox[-1].body), follow=True)
    assert not SpokeMembership.objects.exists()  # nor before she accepts

    client.post(reverse("hubs:invitation", args=[invitation.token]), {"answer": "accept"})

    membership = SpokeMembership.objects.get()
    assert membership.user.email.lower() == "nadia.roy@example.org"
    assert membership.spoke == spoke
    assert membership.status == SpokeMembership.Status.ACTIVE
    invitation.refresh_from_db()
    assert invitation.used_at is not None


def test_a_new_person_follows_the_link_signs_up_with_the_prefilled_address_and_accepts(
    client, spoke, django_capture_on_commit_callbacks
):
    invitation = make_invitation(spoke, "nadia.roy@example.org")
    url = reverse("hubs:invitation", args=[invitation.token])
    page = client.get(url).content.decode()
    signup_link = html.unescape(re.search(r'<a href="([^"]*)">Create an account with that address</a>', page).group(1))

    form = client.get(signup_link).content.decode()
    email_input = re.search(r'<input type="email" name="email"[^>]*>', form).group(0)
    assert 'value="nadia.roy@example.org"' in email_input and "readonly" not in email_input
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = client.post(signup_link, {**SIGNUP, "email": "nadia.roy@example.org"})

    # Opening the emailed link proved she reads that mailbox: signed in, back at the invitation, no second email.
    assert signed_up["Location"] == url
    assert mail.outbox == []
    assert not SpokeMembership.objects.exists()  # nothing before she accepts
    response = client.post(url, {"answer": "accept"}, follow=True)
    assert "Welcome to Lakeside Long-Term Care Home" in response.content.decode()
    assert SpokeMembership.objects.get().user.email == "nadia.roy@example.org"


def test_a_newcomer_who_signs_up_with_another_address_is_asked_to_confirm_it_and_cannot_accept_with_it(
    client, spoke, django_capture_on_commit_callbacks
):
    invitation = make_invitation(spoke, "nadia.roy@example.org")
    url = reverse("hubs:invitation", args=[invitation.token])
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {**SIGNUP, "email": "nadia@home.example.org"})
    assert [message.to for message in mail.outbox] == [["nadia@home.example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(_link_in(mail.outbox[-1].body))
    assert confirmed["Location"] == url

    refused = client.post(url, {"answer": "accept"})
    assert refused.status_code == 403
    assert "This invitation was sent to nadia.roy@example.org" in refused.content.decode()
    assert not SpokeMembership.objects.exists()


def test_an_expired_invitation_says_so(client, clinician, spoke):
    invitation = make_invitation(spoke, "alice@example.org", days_left=-1)
    client.force_login(clinician)
    for response in (
        client.get(reverse("hubs:invitation", args=[invitation.token])),
        client.post(reverse("hubs:invitation", args=[invitation.token])),
    ):
        assert response.status_code == 410
        assert "has expired" in response.content.decode()
    assert not SpokeMembership.objects.exists()


def test_a_tampered_link_says_it_is_not_valid(client, clinician, spoke):
    invitation = make_invitation(spoke, "alice@example.org")
    client.force_login(clinician)
    for token in [invitation.token[:-1] + ("A" if invitation.token[-1] != "A" else "B"), "x", "%00", "a" * 500]:
        response = client.post(reverse("hubs:invitation", args=[token]))
        assert response.status_code == 404
        assert "This invitation link is not valid" in response.content.decode()
    assert not SpokeMembership.objects.exists()


def test_an_invitation_works_once(client, clinician, spoke):
    invitation = make_invitation(spoke, "alice@example.org")
    invitation.used_at = timezone.now()
    invitation.used_by = factories.UserFactory()
    invitation.save()
    client.force_login(clinician)
    response = client.post(reverse("hubs:invitation", args=[invitation.token]))
    assert response.status_code == 410
    assert "has already been used" in response.content.decode()
    assert not SpokeMembership.objects.filter(user=clinician).exists()


def test_accepting_twice_in_two_tabs_joins_once(client, clinician, spoke):
    invitation = make_invitation(spoke, "alice@example.org")
    client.force_login(clinician)
    url = reverse("hubs:invitation", args=[invitation.token])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 200  # "you already accepted"
    assert SpokeMembership.objects.filter(user=clinician).count() == 1


def test_someone_else_cannot_use_an_invitation_sent_to_another_address(client, outsider, spoke):
    invitation = make_invitation(spoke, "alice@example.org")
    client.force_login(outsider)
    response = client.post(reverse("hubs:invitation", args=[invitation.token]))
    assert response.status_code == 403
    assert "This invitation was sent to alice@example.org" in response.content.decode()
    assert not SpokeMembership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_a_withdrawn_invitation_reads_as_not_valid(manager_client, client, clinician, hub, spoke):
    invitation = make_invitation(spoke, "alice@example.org")
    response = manager_client.post(manage_url(hub, "invitation_revoke", invitation.pk), follow=True)
    assert "was withdrawn" in response.content.decode()
    client.force_login(clinician)
    assert client.get(reverse("hubs:invitation", args=[invitation.token])).status_code == 404


def test_an_invitation_to_a_requested_member_makes_them_active(client, clinician, spoke):
    factories.SpokeMembershipFactory(spoke=spoke, user=clinician, status=SpokeMembership.Status.REQUESTED)
    invitation = make_invitation(spoke, "alice@example.org")
    client.force_login(clinician)
    client.post(reverse("hubs:invitation", args=[invitation.token]))
    assert SpokeMembership.objects.get(user=clinician).status == SpokeMembership.Status.ACTIVE


def test_the_invitation_email_is_in_the_language_the_manager_chose(manager_client, hub, spoke):
    manager_client.post(manage_url(hub, "invite"), {"spoke": spoke.pk, "email": "nadia@example.org", "language": "fr"})
    row = OutboundEmail.objects.get()
    assert "Vous êtes invité·e à vous joindre à Lakeside Long-Term Care Home" in row.subject
    assert "Bob Manager vous invite à vous joindre à Lakeside Long-Term Care Home" in row.body_text
    assert 'lang="fr"' in row.body_html


@pytest.mark.parametrize(
    "language, greeting, until, why",
    [
        ("en", "ECHO Portal", "The link works until {date}.", "You receive this email because Northern Lakes"),
        ("fr", "Portail ECHO", "Le lien fonctionne jusqu’au {date}.", "Vous recevez ce courriel parce que Northern"),
    ],
)
def test_the_invitation_email_reads_like_the_portals_other_emails(
    manager_client, hub, spoke, language, greeting, until, why
):
    manager_client.post(
        manage_url(hub, "invite"), {"spoke": spoke.pk, "email": "nadia@example.org", "language": language}
    )
    row = OutboundEmail.objects.get()
    expires = timezone.localdate(SpokeInvitation.objects.get().expires_at)
    french_months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    written = {
        "en": f"{expires:%B} {expires.day}, {expires.year}",
        "fr": f"{'1er' if expires.day == 1 else expires.day} {french_months[expires.month - 1]} {expires.year}",
    }[language]
    for body in (row.body_text, row.body_html):
        assert greeting in body and why in body
        assert expires.isoformat() not in body  # a date as people write it, not 2026-12-16
        assert until.format(date=written) in body
        assert "l'invitation" not in body
    assert 'class="button"' in row.body_html


def test_a_french_newcomer_reads_one_sentence_to_sign_in_and_accept(client, spoke):
    invitation = make_invitation(spoke, "nadia@example.org")
    url = reverse("hubs:invitation", args=[invitation.token])

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    login = f"{reverse('account_login')}?next={url}"
    assert f'Vous avez déjà un compte? <a href="{login}">Connectez-vous</a>, puis acceptez l’invitation.' in page


def test_the_email_and_the_managers_page_say_what_a_newcomer_does(manager_client, hub, spoke):
    page = manager_client.get(manage_url(hub, "invite")).content.decode()
    assert "they join the spoke only when they accept" in page

    for language, then_accept in (
        ("en", "from that page, then accept or decline the invitation"),
        (
            "fr",
            "Nouveau ou nouvelle sur le portail? Créez un compte avec cette adresse courriel à partir de cette "
            "page, puis",
        ),
    ):
        manager_client.post(
            manage_url(hub, "invite"),
            {"spoke": spoke.pk, "email": f"nadia.{language}@example.org", "language": language},
        )
        body = OutboundEmail.objects.get(recipient=f"nadia.{language}@example.org").body_text
        # The link proves the address: no separate confirmation to ask for.
        assert then_accept in " ".join(body.split()) and "confirm" not in body
