"""Invitations to a series by invitation only: the list read, the emails queued, and the link's answer.

Bob manages Northern Lakes and invites people to its private series; Alice (an account) and Nadia (no
account yet) are invited; Charlie, who was not, follows a forwarded link.
"""

import html
import re
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from enrollment.invitation_lists import ListError, preview, read_people
from enrollment.models import Enrollment, SeriesInvitation
from enrollment.services import invitations
from enrollment.services.errors import EnrollmentError
from notifications import delivery
from notifications.models import OutboundEmail
from series.models import Series
from tests import factories
from tests.notifications.outbox_support import smtp_sink_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(hub):
    series = factories.SeriesFactory(
        hub=hub,
        title="Pediatric Palliative Care Circle",
        title_fr="Cercle de soins palliatifs pédiatriques",
        slug="pediatric-circle",
        registration_mode=Series.RegistrationMode.INVITATION,
    )
    factories.SessionFactory(series=series, days_from_now=10)
    return series


def _invite(series, text, by=None):
    return invitations.invite(series=series, people=preview(series=series, text=text).to_invite, invited_by=by)


def _link(body: str) -> str:
    return re.search(r"https?://\S+/invitations/series/\S+/", body).group(0).split("://", 1)[1].split("/", 1)[1]


# --- reading the list -----------------------------------------------------------------------------------------


def test_the_list_reports_bad_lines_duplicates_and_people_already_invited(private, clinician):
    SeriesInvitation.objects.create(series=private, email="earlier@example.org")
    factories.EnrollmentFactory(series=private, user=clinician)
    text = "\n".join(
        [
            "email,name,language",
            "Nadia.Roy@Example.org, Nadia Roy, fr",
            "not an address",
            "Omar Haddad <omar@example.org>",
            "nadia.roy@example.org",
            "earlier@example.org",
            "alice@example.org",
            "pat@example.org;Pat Lee;xx",
            "two@example.org, three@example.org",
            "",
        ]
    )

    checked = preview(series=private, text=text)

    assert [(p.email, p.name, p.language) for p in checked.to_invite] == [
        ("nadia.roy@example.org", "Nadia Roy", "fr"),
        ("omar@example.org", "Omar Haddad", ""),
    ]
    assert {problem.line for problem in checked.invalid} == {3, 8, 9}
    assert "xx" in next(p.reason for p in checked.invalid if p.line == 8)
    assert [(d.line, str(d.reason)) for d in checked.duplicates] == [(5, "Already on line 2 of this list.")]
    assert {p.text: str(p.reason) for p in checked.already_invited} == {
        "earlier@example.org": "Already invited: use “Send again” to remind them.",
        "alice@example.org": "Already a member of this series.",
    }


def test_a_list_longer_than_the_limit_is_refused_whole():
    with pytest.raises(ListError):
        read_people("\n".join(f"person{n}@example.org" for n in range(5001)))


# --- sending --------------------------------------------------------------------------------------------------


def test_each_person_gets_one_email_in_their_language(private, hub_manager, django_capture_on_commit_callbacks):
    factories.UserFactory(email="Marie@Example.org", preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        created = _invite(private, "marie@example.org\nomar@example.org\nluc@example.org,fr", by=hub_manager)

    assert len(created) == 3
    rows = {row.recipient: row for row in OutboundEmail.objects.filter(kind=OutboundEmail.Kind.INVITATION)}
    assert rows["marie@example.org"].language == "fr"  # her account says French
    assert rows["luc@example.org"].language == "fr"  # the list says French
    assert rows["omar@example.org"].language == "en"  # the series' language
    assert "Cercle de soins palliatifs pédiatriques" in rows["marie@example.org"].subject
    assert "Pediatric Palliative Care Circle" in rows["omar@example.org"].body_text
    assert "Bob Manager" in rows["omar@example.org"].body_text
    assert len(mail.outbox) == 3
    assert all(invitation.times_sent == 1 and invitation.sent_at for invitation in created)


def test_inviting_needs_a_published_series_by_invitation_only(private, hub):
    open_series = factories.SeriesFactory(hub=hub)
    with pytest.raises(EnrollmentError):
        invitations.invite(series=open_series, people=read_people("a@example.org")[0], invited_by=None)
    private.status = Series.Status.DRAFT
    private.save()
    with pytest.raises(EnrollmentError):
        invitations.invite(series=private, people=read_people("a@example.org")[0], invited_by=None)
    assert not SeriesInvitation.objects.exists()


def test_sending_again_reaches_only_those_who_have_not_answered(private, clinician, outsider):
    _invite(private, "waiting@example.org\nalice@example.org\ncharlie@example.org\nrefused@example.org")
    invitations.accept(invitation=SeriesInvitation.objects.get(email="alice@example.org"), user=clinician)
    invitations.decline(invitation=SeriesInvitation.objects.get(email="charlie@example.org"), user=outsider)
    SeriesInvitation.objects.filter(email="refused@example.org").update(bounced_at=timezone.now())

    assert invitations.send_again(series=private, sent_by=None) == 1

    again = OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.INVITATION, idempotency_key__endswith=":2"
    ).values_list("recipient", flat=True)
    assert list(again) == ["waiting@example.org"]
    assert SeriesInvitation.objects.get(email="waiting@example.org").times_sent == 2


# --- the link -------------------------------------------------------------------------------------------------


def _signup_link(page) -> str:
    """The invitation's own link (the site header has a plain one too)."""
    return html.unescape(re.search(r'<a href="(/accounts/signup/\?[^"]*)">Create an account</a>', page).group(1))


def test_a_new_person_signs_up_from_the_link_with_the_invited_address_and_comes_back_to_accept(
    client, private, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(private, "nadia.roy@example.org, Nadia Roy")
    link = "/" + _link(mail.outbox[0].body)
    mail.outbox.clear()

    page = client.get(link)
    assert page.status_code == 200
    invitation = SeriesInvitation.objects.get()
    assert invitation.opened_at is not None and invitation.state == SeriesInvitation.State.OPENED
    signup = client.get(_signup_link(page.content.decode())).content.decode()
    # The form starts with the address the invitation was sent to, and she may still change it.
    assert re.search(r'<input type="email" name="email" value="nadia.roy@example.org"[^>]*>', signup)
    assert "readonly" not in re.search(r'<input type="email" name="email"[^>]*>', signup).group(0)

    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(reverse("account_signup"), factories.signup_form())
    # The invitation link already proved she reads that mailbox: no second email, straight back to the invitation.
    assert mail.outbox == []
    assert back["Location"] == link
    asked = client.get(link).content.decode()
    assert "Accept and join Pediatric Palliative Care Circle" in asked
    assert not Enrollment.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(link, {"answer": "accept"})
    assert accepted["Location"] == reverse("enrollment:register", args=[private.slug])
    enrollment = Enrollment.objects.get()
    assert enrollment.user.email == "nadia.roy@example.org" and enrollment.status == Enrollment.Status.ACTIVE
    invitation.refresh_from_db()
    assert invitation.state == SeriesInvitation.State.JOINED and invitation.user == enrollment.user
    # The picker is open to her now.
    picker = client.get(reverse("enrollment:register", args=[private.slug]))
    assert picker.status_code == 200 and 'name="sessions"' in picker.content.decode()


def test_a_new_person_who_types_another_address_confirms_it_and_comes_back_to_accept(
    client, private, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(private, "nadia.roy@example.org, Nadia Roy")
    link = "/" + _link(mail.outbox[0].body)
    mail.outbox.clear()
    client.get(link)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), factories.signup_form(email="nadia@home.example.org"))
    assert [message.to for message in mail.outbox] == [["nadia@home.example.org"]]
    user = User.objects.get(email="nadia@home.example.org")
    # The invited address is not attached to her account behind her back.
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("nadia@home.example.org", False)
    ]
    confirm = "/" + re.search(r"https?://\S+", mail.outbox[0].body).group(0).split("://", 1)[1].split("/", 1)[1]
    back = client.post(confirm)
    # Confirming the address signs her in and brings her back to the invitation, which still asks first.
    assert back["Location"] == link
    asked = client.get(link).content.decode()
    assert "Accept and join Pediatric Palliative Care Circle" in asked
    assert not Enrollment.objects.exists()


def test_an_answered_invitation_does_not_vouch_for_its_address(client, private, django_capture_on_commit_callbacks):
    invitation = SeriesInvitation.objects.create(series=private, email="nadia.roy@example.org")
    invitations.decline(invitation=invitation, user=None)
    client.get(reverse("enrollment:series_invitation", args=[invitation.token]))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), factories.signup_form())

    assert not EmailAddress.objects.get(email="nadia.roy@example.org").verified
    assert [message.to for message in mail.outbox] == [["nadia.roy@example.org"]]


def test_an_existing_account_declines_and_nothing_enrolls(client, private, clinician):
    (invitation,) = _invite(private, "alice@example.org")
    client.force_login(clinician)
    link = reverse("enrollment:series_invitation", args=[invitation.token])

    response = client.post(link, {"answer": "decline"})

    assert "You declined the invitation" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == SeriesInvitation.State.DECLINED
    assert not Enrollment.objects.exists()
    assert client.post(link, {"answer": "accept"}).status_code == 410
    assert not Enrollment.objects.exists()


def test_someone_without_an_account_can_decline(client, private):
    (invitation,) = _invite(private, "nobody-yet@example.org")
    link = reverse("enrollment:series_invitation", args=[invitation.token])
    client.post(link, {"answer": "decline"})
    invitation.refresh_from_db()
    assert invitation.declined_at is not None


def test_another_account_may_accept_once_and_hub_staff_see_which(client, private, outsider, clinician):
    """The token is the proof of the invitation: a clinician invited at their work address who signs in with their
    personal account is told, and joins with that account; the link then works for nobody else."""
    (invitation,) = _invite(private, "alice.work@example.org")
    link = reverse("enrollment:series_invitation", args=[invitation.token])
    client.force_login(clinician)

    page = client.get(link).content.decode()
    assert "This invitation was sent to alice.work@example.org; you are signed in as alice@example.org" in page
    client.post(link, {"answer": "accept"})
    assert Enrollment.objects.filter(user=clinician, series=private).exists()

    client.force_login(outsider)
    again = client.post(link, {"answer": "accept"})
    assert again.status_code == 410
    assert "already been accepted" in again.content.decode()
    assert not Enrollment.objects.filter(user=outsider).exists()


def test_a_full_series_puts_the_accepting_person_on_its_waitlist(client, private, clinician, outsider):
    Series.objects.filter(pk=private.pk).update(capacity=1)
    factories.EnrollmentFactory(series=private, user=outsider)
    (invitation,) = _invite(private, "alice@example.org")
    client.force_login(clinician)

    response = client.post(reverse("enrollment:series_invitation", args=[invitation.token]), {"answer": "accept"})

    assert response["Location"] == reverse("enrollment:my_learning")
    assert Enrollment.objects.get(user=clinician).status == Enrollment.Status.WAITLISTED


def test_a_closed_registration_refuses_and_leaves_the_invitation_unanswered(client, private, clinician):
    (invitation,) = _invite(private, "alice@example.org")
    Series.objects.filter(pk=private.pk).update(registration_closes_at=timezone.now() - timezone.timedelta(days=1))
    client.force_login(clinician)

    response = client.post(reverse("enrollment:series_invitation", args=[invitation.token]), {"answer": "accept"})

    assert response.status_code == 200
    assert not Enrollment.objects.exists()
    invitation.refresh_from_db()
    assert invitation.joined_at is None


def test_a_made_up_token_is_a_clear_404(client):
    response = client.get(reverse("enrollment:series_invitation", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


# --- a refused address ----------------------------------------------------------------------------------------


def test_an_address_the_mail_server_refuses_is_marked_bounced_and_skipped_by_resends(private, smtp_sink):
    smtp_sink.refused_recipients["gone@example.org"] = "550 5.1.1 No such user"
    with mock.patch("notifications.tasks.publish_deliveries"):
        _invite(private, "gone@example.org\nhere@example.org")
    for row in OutboundEmail.objects.order_by("pk"):
        delivery.deliver(outbound_id=row.pk)

    states = {invitation.email: invitation.state for invitation in SeriesInvitation.objects.all()}
    assert states == {
        "gone@example.org": SeriesInvitation.State.BOUNCED,
        "here@example.org": SeriesInvitation.State.SENT,
    }
    with mock.patch("notifications.tasks.publish_deliveries"):
        assert invitations.send_again(series=private, sent_by=None) == 1
