"""Who sees a case: each persona × each case URL. The presenter and the session's panel only; everyone else gets
404, as if the case did not exist (visitors are asked to sign in first)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import CasePresentation, CaseView
from tests import factories

from .conftest import CLEAN_CASE
from .pdf import pdf_with_text

pytestmark = pytest.mark.django_db

PERSONAS = [
    "presenter",
    "facilitator",
    "panelist",
    "other_registrant",
    "other_hub_facilitator",
    "hub_manager",
    "staff",
    "outsider",
]


@pytest.fixture
def soon_session(hub):
    # Five days away: inside the panel's seven-day window.
    return factories.SessionFactory(series=factories.SeriesFactory(hub=hub), days_from_now=5, title="Soon")


@pytest.fixture
def approved_case(soon_session, clinician, facilitator):
    factories.RegistrationFactory(user=clinician, session=soon_session)
    case = services.invite(session=soon_session, presenter=clinician, by=facilitator)
    services.save_draft(case=case, by=clinician, fields=CLEAN_CASE)
    services.add_attachment(
        case=case, by=clinician, file=SimpleUploadedFile("scan.pdf", pdf_with_text("Pain chart"), "application/pdf")
    )
    services.submit(case=case, by=clinician, confirmed=True, explanations={})
    services.approve(case=case, by=facilitator)
    case.refresh_from_db()
    return case


@pytest.fixture
def people(
    request, clinician, facilitator, panelist, soon_session, other_hub_facilitator, hub_manager, staff, outsider
):
    rita = factories.UserFactory(email="rita@example.org")
    factories.RegistrationFactory(user=rita, session=soon_session)
    return {
        "presenter": clinician,
        "facilitator": facilitator,
        "panelist": panelist,
        "other_registrant": rita,
        "other_hub_facilitator": other_hub_facilitator,
        "hub_manager": hub_manager,
        "staff": staff,
        "outsider": outsider,
    }


def _urls(case):
    attachment = case.attachments.get()
    return {
        "detail": ("get", reverse("cases:detail", args=[case.pk])),
        "attachment": ("get", attachment.href),
        "session_cases": ("get", reverse("cases:session_cases", args=[case.session_id])),
        "edit": ("get", reverse("cases:edit", args=[case.pk])),
        "submit": ("get", reverse("cases:submit", args=[case.pk])),
        "review": ("post", reverse("cases:review", args=[case.pk])),
        "answer_offer": ("post", reverse("cases:answer_offer", args=[case.pk])),
        "recommendations": ("get", reverse("cases:recommendations", args=[case.pk])),
        "feedback": ("post", reverse("cases:feedback", args=[case.pk])),
        "invite": ("post", reverse("cases:invite", args=[case.session_id])),
    }


# What each persona gets on an approved case of an upcoming session inside the panel's window; anything not
# listed is 404. 302 is a redirect after an action (or, for the presenter, to the case from pages of a draft).
ALLOWED = {
    "presenter": {"detail": 200, "attachment": 200, "edit": 302, "submit": 302},
    "facilitator": {
        "detail": 200,
        "attachment": 200,
        "session_cases": 200,
        "review": 302,
        "answer_offer": 302,
        "recommendations": 200,
        "invite": 302,
    },
    "panelist": {"detail": 200, "attachment": 200, "session_cases": 200},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, people, approved_case, persona):
    client.force_login(people[persona])
    allowed = ALLOWED.get(persona, {})
    for name, (method, url) in _urls(approved_case).items():
        response = getattr(client, method)(url)
        expected = allowed.get(name, 404)
        assert response.status_code == expected, f"{persona} {name}: {response.status_code} != {expected}"


def test_visitors_are_asked_to_sign_in_and_see_nothing(client, approved_case):
    for _name, (method, url) in _urls(approved_case).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    page = client.get(approved_case.session.get_absolute_url()).content.decode()
    assert "Case presentations" not in page


def test_panelists_read_approved_cases_only_from_the_window_before_the_session(
    client, hub, clinician, facilitator, panelist, settings
):
    settings.CASE_PANEL_VISIBLE_DAYS = 3
    session = factories.SessionFactory(series=factories.SeriesFactory(hub=hub), days_from_now=10)
    factories.RegistrationFactory(user=clinician, session=session)
    case = services.invite(session=session, presenter=clinician, by=facilitator)
    services.save_draft(case=case, by=clinician, fields=CLEAN_CASE)
    services.submit(case=case, by=clinician, confirmed=True, explanations={})
    client.force_login(panelist)
    url = reverse("cases:detail", args=[case.pk])
    assert client.get(url).status_code == 404  # in review: not the panel's yet
    services.approve(case=case, by=facilitator)
    assert client.get(url).status_code == 404  # approved, but ten days before the session
    page = client.get(reverse("cases:session_cases", args=[session.pk])).content.decode()
    assert "Approved cases open to the panel on" in page
    session.starts_at = session.starts_at - dt.timedelta(days=8)
    session.ends_at = session.ends_at - dt.timedelta(days=8)
    session.save()
    assert client.get(url).status_code == 200


def test_the_session_page_tells_the_panel_how_many_cases_there_are(client, people, approved_case, soon_session):
    second = factories.UserFactory()
    factories.RegistrationFactory(user=second, session=soon_session)
    case = services.invite(session=soon_session, presenter=second, by=people["facilitator"])
    services.save_draft(case=case, by=second, fields=CLEAN_CASE)
    services.submit(case=case, by=second, confirmed=True, explanations={})
    for persona in ("facilitator", "panelist"):
        client.force_login(people[persona])
        page = client.get(soon_session.get_absolute_url()).content.decode()
        assert "1 case for this session" in page
    services.approve(case=case, by=people["facilitator"])
    page = client.get(soon_session.get_absolute_url()).content.decode()
    assert "2 cases for this session" in page
    client.force_login(people["other_registrant"])
    page = client.get(soon_session.get_absolute_url()).content.decode()
    assert "cases for this session" not in page and "Offer a case" in page


def test_every_view_of_a_case_and_its_attachments_is_logged(client, people, approved_case):
    for persona in ("presenter", "facilitator", "panelist"):
        client.force_login(people[persona])
        client.get(reverse("cases:detail", args=[approved_case.pk]))
    client.force_login(people["panelist"])
    client.get(approved_case.attachments.get().href)
    client.force_login(people["outsider"])
    client.get(reverse("cases:detail", args=[approved_case.pk]))  # refused: not logged as a view
    views = list(
        CaseView.objects.filter(case=approved_case).order_by("pk").values_list("viewer__email", "attachment_name")
    )
    assert views == [
        (people["presenter"].email, ""),
        (people["facilitator"].email, ""),
        (people["panelist"].email, ""),
        (people["panelist"].email, "scan.pdf"),
    ]


def test_attachments_are_pdf_or_images_and_downloads_cannot_run(client, people, approved_case, soon_session):
    response = client.get(approved_case.attachments.get().href)  # not signed in
    assert response.status_code == 302
    client.force_login(people["panelist"])
    response = client.get(approved_case.attachments.get().href)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"
    assert not approved_case.attachments.get().file.name.startswith("cases/scan")


def test_an_attachment_that_is_not_a_pdf_or_image_is_refused_with_a_message(client, clinician, facilitator, session):
    factories.RegistrationFactory(user=clinician, session=session)
    case = services.invite(session=session, presenter=clinician, by=facilitator)
    client.force_login(clinician)
    for name, content in [
        ("notes.html", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", b"Plain notes are not a case attachment."),
        ("picture.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    ]:
        response = client.post(
            reverse("cases:edit", args=[case.pk]),
            {**CLEAN_CASE, "action": "save", "attachment": SimpleUploadedFile(name, content)},
        )
        assert response.status_code == 200
        assert "Attach a PDF or an image" in response.content.decode()
    assert not case.attachments.exists()


def test_an_attachments_text_is_screened_on_submit(client, clinician, facilitator, session):
    factories.RegistrationFactory(user=clinician, session=session)
    case = services.invite(session=session, presenter=clinician, by=facilitator)
    client.force_login(clinician)
    client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            **CLEAN_CASE,
            "action": "save",
            "attachment": SimpleUploadedFile("letter.pdf", pdf_with_text("Re: Mrs. Tremblay, OHIP 1234-567-890-AB")),
        },
    )
    page = client.get(reverse("cases:submit", args=[case.pk])).content.decode()
    assert "Attachment “letter.pdf”" in page
    assert "Mrs. Tremblay" in page and "1234-567-890-AB" in page
    client.post(reverse("cases:submit", args=[case.pk]), {"confirmed": "on"})
    case.refresh_from_db()
    assert case.state == CasePresentation.State.DRAFT


def test_the_panel_home_lists_upcoming_sessions_with_their_cases_by_stage(client, people, approved_case, soon_session):
    client.force_login(people["panelist"])
    page = client.get(reverse("cases:panel_home")).content.decode()
    assert soon_session.title in page and reverse("cases:session_cases", args=[soon_session.pk]) in page
    for persona in ("presenter", "other_registrant", "hub_manager", "outsider", "other_hub_facilitator"):
        client.force_login(people[persona])
        response = client.get(reverse("cases:panel_home"))
        if persona == "other_hub_facilitator":
            assert soon_session.title not in response.content.decode()
        else:
            assert response.status_code == 404
