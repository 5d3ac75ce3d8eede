"""Small things staff and learners read, each said right: one session is "it", the materials list names each item
once, a series page counts the seats left, the scoped admin filters list one's own hubs, the French admin says
« séance »."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import CasePresentation
from enrollment import services
from enrollment.access_models import JoinRequest
from notifications.models import OutboundEmail
from series.models import Series
from sessions.models import Resource
from tests import factories
from tests.notifications.content_support import deliver_queued

pytestmark = pytest.mark.django_db


def test_cancelling_one_session_says_the_calendar_file_removes_it(clinician):
    session = factories.SessionFactory()
    services.register(user=clinician, sessions=[session], consent=True)
    services.cancel_registration(user=clinician, session=session)
    deliver_queued()  # rendered when a worker delivers it
    row = OutboundEmail.objects.get(kind=OutboundEmail.Kind.CANCELLATION)
    assert "removes it from your calendar" in row.body_text
    assert "removes them" not in row.body_text + row.body_html


def test_the_past_sessions_list_names_questions_and_answers_once(client):
    resource = factories.ResourceFactory(kind=Resource.Kind.QA, title="Questions and answers", url="", text="Q. A.")
    page = client.get(reverse("echo_sessions:past")).content.decode()
    assert resource.session.title in page
    assert "Questions and answers (Questions and answers)" not in page
    assert "Questions and answers" in page


def test_the_series_page_counts_the_places_left(client):
    series = factories.SeriesFactory(slug="small", capacity=25)
    factories.SessionFactory(series=series)
    factories.EnrollmentFactory(series=series)
    page = client.get(reverse("series:detail", args=["small"])).content.decode()
    assert "24 places left of 25" in page


def test_a_hub_managers_hub_filters_list_only_their_hubs(client, hub, other_hub, hub_manager):
    second = factories.HubFactory(name="Lakeshore Hub (demo)", slug="lakeshore")
    factories.HubMembershipFactory(hub=second, user=hub_manager, role="manager")
    factories.SessionFactory(series=factories.SeriesFactory(hub=second))
    from hubs import services as hub_services

    hub_services.grant_hub_manager_admin(user=hub_manager)
    mine = factories.SeriesFactory(hub=hub)
    factories.SessionFactory(series=mine)
    theirs = factories.SeriesFactory(hub=other_hub)
    factories.SessionFactory(series=theirs)
    client.force_login(hub_manager)
    for url in (reverse("admin:echo_sessions_session_changelist"), reverse("admin:series_series_changelist")):
        page = client.get(url).content.decode()
        assert "Northern Lakes Palliative Hub (demo)" in page, url
        assert "Prairie Coast Hub (demo)" not in page, url


def test_the_french_admin_says_seance(client, staff):
    staff.preferred_language = "fr"
    staff.save()
    client.force_login(staff)
    index = client.get(reverse("admin:index")).content.decode()
    assert ">Séances<" in index
    assert ">Sessions<" not in index
    series = factories.SeriesFactory()
    form = client.get(reverse("admin:series_series_change", args=[series.pk])).content.decode()
    assert "Séance" in form and "objet Session" not in form
    with translation.override("fr"):
        assert translation.pgettext("ECHO sessions", "Sessions") == "Séances"


def test_the_french_picker_says_seances(client, clinician):
    clinician.preferred_language = "fr"
    clinician.save()
    series = factories.SeriesFactory(slug="picker")
    factories.SessionFactory(series=series)
    client.force_login(clinician)
    page = client.get(reverse("enrollment:register", args=["picker"])).content.decode()
    assert "Séances" in page
    assert ">Sessions" not in page


def test_in_french_a_word_two_pages_use_differently_is_translated_for_where_it_stands(
    client, clinician, hub, hub_manager
):
    """ "Attended" is a state on My learning and a count on the hub dashboard; "Contact" is a spoke's person and the
    footer's link: each app's French catalogue said it one way, and the first app listed won everywhere."""
    factories.RegistrationFactory(
        user=clinician, session=factories.SessionFactory(days_from_now=-3), attended_minutes=60
    )
    factories.SpokeFactory(hub=hub)
    for person in (clinician, hub_manager):
        person.preferred_language = "fr"
        person.save()

    client.force_login(clinician)
    learning = client.get(reverse("enrollment:my_learning")).content.decode()
    client.force_login(hub_manager)
    spokes = client.get(reverse("hubs:manage:spokes", args=[hub.slug])).content.decode()

    assert '<span class="badge badge--open">Présent·e</span>' in learning and "Présences" not in learning
    assert '<th scope="col">Personne-ressource</th>' in spokes
    assert ">Nous joindre</a>" in spokes  # the footer's link keeps its own words


def test_in_french_a_state_agrees_with_what_it_qualifies(client, clinician, hub, hub_manager):
    """A spoke (« rayon ») is « Archivé », a series « Archivée »; a request to join (« demande ») is « Approuvée »,
    a case « Approuvé ». Each app's catalogue said its own, and the first app listed won everywhere."""
    factories.SpokeFactory(hub=hub, name="Old spoke", archived_at=timezone.now())
    series = factories.SeriesFactory(
        hub=hub, status=Series.Status.ARCHIVED, registration_mode=Series.RegistrationMode.INVITATION
    )
    JoinRequest.objects.create(
        user=factories.UserFactory(),
        series=factories.SeriesFactory(hub=hub),
        state=JoinRequest.State.APPROVED,
        decided_at=timezone.now(),
        decided_by=hub_manager,
    )
    case = CasePresentation.objects.create(
        session=factories.SessionFactory(series=series, days_from_now=5),
        presenter=clinician,
        state=CasePresentation.State.APPROVED,
    )
    for person in (clinician, hub_manager):
        person.preferred_language = "fr"
        person.save()

    client.force_login(hub_manager)
    spokes = client.get(reverse("hubs:manage:spokes", args=[hub.slug])).content.decode()
    invitation_series = client.get(reverse("hubs:manage:invitation_series", args=[hub.slug])).content.decode()
    requests = client.get(reverse("hubs:manage:join_requests", args=[hub.slug])).content.decode()
    client.force_login(clinician)
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert '<span class="badge badge--closed">Archivé</span>' in spokes
    assert "<td>Archivée</td>" in invitation_series
    assert "<td>Approuvée" in requests
    assert ">Approuvé</span>" in case_page


def test_in_french_a_label_and_its_colon_are_kept_together_with_a_non_breaking_space(client, hub):
    factories.SpokeFactory(hub=hub)
    client.cookies["django_language"] = "fr"

    french = client.get(reverse("hubs:detail", args=[hub.slug])).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("hubs:detail", args=[hub.slug])).content.decode()

    assert "<li>Foyer de soins de longue durée\u00a0: 1</li>" in french
    assert "<li>Long-term care home: 1</li>" in english


def test_a_national_hub_whose_region_is_national_says_it_once(client):
    hub = factories.HubFactory(name="Pallium Canada", kind="national", region="National")

    for page in (client.get(reverse("hubs:list")), client.get(reverse("hubs:detail", args=[hub.slug]))):
        assert "National · National" not in page.content.decode()
        assert '<p class="meta">National' in page.content.decode()


def test_a_session_short_of_the_threshold_says_why_it_earns_nothing_in_both_languages(
    client, clinician, django_capture_on_commit_callbacks
):
    series = factories.SeriesFactory()
    factories.AccreditationFactory(series=series)
    factories.RegistrationFactory(
        user=clinician, session=factories.SessionFactory(series=series, days_from_now=-3), attended_minutes=20
    )
    client.force_login(clinician)

    english = client.get(reverse("enrollment:my_learning")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # her kept row dropped, as after a real commit
        clinician.preferred_language = "fr"
        clinician.save()
    french = client.get(reverse("enrollment:my_learning")).content.decode()

    assert "Attended 20 minutes, but a session counts only when you attend at least 75% of a session" in english
    assert "mais une séance ne compte que si vous assistez à au moins 75\u00a0% d’une séance" in french
