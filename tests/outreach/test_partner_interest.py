"""An organisation asks to become a hub partner: staff are told, the submitter is thanked, staff follow it up."""

import pytest
from django.urls import reverse

from hubs.models import Hub
from notifications.models import OutboundEmail
from outreach import services
from outreach.models import PartnerInquiry

pytestmark = pytest.mark.django_db

URL = "/partners/interest/"


def _form(**overrides):
    data = {
        "organisation": "Lakeshore Long-Term Care Group",
        "contact_name": "Marie Gagnon",
        "email": "marie@lakeshore.example.org",
        "phone": "",
        "province": "ON",
        "organisation_kind": "ltc_operator",
        "communities_served": "Twelve homes around Sudbury and Timmins",
        "message": "We would like to run a community of practice for our nurses.",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_signed_out_organisation_submits_and_staff_and_submitter_get_an_email(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PARTNER_INQUIRY_EMAIL = "partners@echo.example.org"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form())

    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:partner_interest_thanks")
    inquiry = PartnerInquiry.objects.get()
    assert (inquiry.organisation, inquiry.status, inquiry.language) == ("Lakeshore Long-Term Care Group", "new", "en")
    by_recipient = {message.to[0]: message for message in mailoutbox}
    staff_mail = by_recipient["partners@echo.example.org"]
    assert staff_mail.subject == "New partner interest: Lakeshore Long-Term Care Group"
    assert "Twelve homes around Sudbury and Timmins" in staff_mail.body
    assert f"/admin/outreach/partnerinquiry/{inquiry.pk}/change/" in staff_mail.body
    assert staff_mail.extra_headers["Reply-To"] == "marie@lakeshore.example.org"
    ack = by_recipient["marie@lakeshore.example.org"]
    assert ack.subject == "We received your partnership inquiry"
    assert "Hello Marie Gagnon" in ack.body
    assert settings.MAILING_SENDER_NAME in ack.body


def test_the_form_works_in_french_and_the_acknowledgement_is_in_french(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Devenir partenaire" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(email="luc@cisss.example.org"), HTTP_ACCEPT_LANGUAGE="fr")

    assert PartnerInquiry.objects.get().language == "fr"
    (ack,) = [message for message in mailoutbox if message.to == ["luc@cisss.example.org"]]
    assert ack.subject == "Nous avons reçu votre demande de partenariat"


def test_missing_fields_are_said_and_nothing_is_recorded(client):
    response = client.post(URL, _form(organisation="", email="not an email", province="XX"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Enter a valid email address." in html
    assert not PartnerInquiry.objects.exists()


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_recorded(client, mailoutbox):
    response = client.post(URL, _form(website="https://spam.example.com"), follow=True)

    assert "Thank you for your interest" in response.content.decode()
    assert not PartnerInquiry.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_the_honeypot_is_hidden_from_people(client):
    html = client.get(URL).content.decode()
    assert '<div class="honeypot">' in html
    assert 'name="website"' in html


def test_the_same_address_twice_in_a_day_makes_one_inquiry_and_one_pair_of_emails(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form())
        client.post(URL, _form(email="MARIE@lakeshore.example.org", message="Sent again"))

    assert PartnerInquiry.objects.count() == 1
    assert OutboundEmail.objects.count() == 2


def test_too_many_submissions_from_one_address_are_refused(client, settings):
    settings.OUTREACH_SUBMISSIONS_PER_ADDRESS = 2
    for n in range(2):
        assert client.post(URL, _form(email=f"person{n}@example.org")).status_code == 302

    response = client.post(URL, _form(email="person3@example.org"))

    assert response.status_code == 429
    assert "Too many submissions" in response.content.decode()
    assert PartnerInquiry.objects.count() == 2
    # Another address is not affected.
    assert client.post(URL, _form(email="other@example.org"), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_the_status_history_records_who_changed_what_and_when(staff):
    inquiry, _ = services.submit_inquiry(data=_form_data(), language="en")

    services.change_status(inquiry=inquiry, to_status="contacted", by=staff, note="Called Marie")
    services.change_status(inquiry=inquiry, to_status="in_discussion", by=staff)

    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.status_changed_by) == ("in_discussion", staff)
    history = [(c.from_status, c.to_status, c.changed_by, c.note) for c in inquiry.changes.all()]
    assert history == [("new", "contacted", staff, "Called Marie"), ("contacted", "in_discussion", staff, "")]


def test_a_status_cannot_skip_the_workflow(staff):
    inquiry, _ = services.submit_inquiry(data=_form_data(), language="en")

    with pytest.raises(services.TransitionNotAllowed):
        services.change_status(inquiry=inquiry, to_status="partnered", by=staff)

    inquiry.refresh_from_db()
    assert inquiry.status == "new"
    assert not inquiry.changes.exists()


def test_staff_see_the_inquiry_in_admin_move_it_along_and_create_the_hub(client, staff):
    inquiry, _ = services.submit_inquiry(data=_form_data(), language="en")
    client.force_login(staff)

    listing = client.get("/admin/outreach/partnerinquiry/").content.decode()
    assert "Lakeshore Long-Term Care Group" in listing

    change_url = f"/admin/outreach/partnerinquiry/{inquiry.pk}/change/"
    page = client.get(change_url).content.decode()
    assert "Twelve homes around Sudbury and Timmins" in page
    assert '<option value="partnered"' not in page  # not reachable from "new"
    for status in ["contacted", "in_discussion", "partnered"]:
        response = client.post(
            change_url,
            {"next_status": status, "change_note": f"to {status}", "notes": "Keen", **_inline_management()},
        )
        assert response.status_code == 302, [
            line for line in response.content.decode().splitlines() if "errorlist" in line or "errornote" in line
        ]

    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.notes, inquiry.changes.count()) == ("partnered", "Keen", 3)
    # Partnered: the hub was drafted from the submission, and staff are pointed to it.
    hub = Hub.objects.get(partner_inquiries=inquiry)
    assert f"/admin/hubs/hub/{hub.pk}/change/" in client.get("/admin/outreach/partnerinquiry/").content.decode()
    history = client.get(change_url).content.decode()
    assert "to in_discussion" in history and "staff@example.org" in history

    client.post(
        "/admin/outreach/partnerinquiry/",
        {"action": "create_hub", "_selected_action": [inquiry.pk]},
    )
    inquiry.refresh_from_db()
    hub = Hub.objects.get(pk=inquiry.hub_id)
    assert (hub.name, hub.province, hub.contact_email, hub.is_active) == (
        "Lakeshore Long-Term Care Group",
        "ON",
        "marie@lakeshore.example.org",
        False,
    )


def test_a_hub_is_not_created_before_the_partnership(client, staff):
    inquiry, _ = services.submit_inquiry(data=_form_data(), language="en")
    client.force_login(staff)

    response = client.post(
        "/admin/outreach/partnerinquiry/", {"action": "create_hub", "_selected_action": [inquiry.pk]}, follow=True
    )

    assert "Only a partnered inquiry can become a hub." in response.content.decode()
    assert not Hub.objects.filter(name="Lakeshore Long-Term Care Group").exists()


def test_someone_without_staff_access_cannot_see_inquiries(client, clinician):
    services.submit_inquiry(data=_form_data(), language="en")
    client.force_login(clinician)

    response = client.get("/admin/outreach/partnerinquiry/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _inline_management():
    return {"changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0", "changes-MAX_NUM_FORMS": "1000"}


def _form_data():
    data = _form()
    data.pop("website")
    return data
