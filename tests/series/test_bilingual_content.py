"""Programme text in English and French: each visitor reads their language, else the other one; a French-only
series reads in French everywhere; staff enter both in the admin; today's text became the series' language."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from enrollment import services
from hubs.models import Hub
from notifications.models import OutboundEmail
from series.models import Series
from sessions.models import Presenter, Resource, Session
from tests import factories
from tests.notifications.content_support import deliver_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual(hub):
    series = factories.SeriesFactory(
        hub=hub,
        slug="ltc-cop",
        title_en="Long-Term Care Community of Practice",
        title_fr="Communauté de pratique en soins de longue durée",
        summary_en="Case-based learning for long-term care teams.",
        summary_fr="Apprentissage par cas pour les équipes des soins de longue durée.",
    )
    factories.SessionFactory(
        series=series,
        title_en="Pain at the end of life",
        title_fr="La douleur en fin de vie",
        description_en="Assessing pain when residents cannot say it.",
        description_fr="Évaluer la douleur quand le résident ne peut pas la dire.",
    )
    return series


@pytest.fixture
def english_only(hub):
    series = factories.SeriesFactory(hub=hub, slug="heart", title="Heart Failure Webinars", summary="Only English.")
    factories.SessionFactory(series=series, title="Diuretics at home")
    return series


@pytest.fixture
def french_only(hub):
    series = factories.SeriesFactory(
        hub=hub, slug="cdp-fr", language="fr", title="Communauté de pratique francophone", summary="En français."
    )
    factories.SessionFactory(series=series, title="Fin de vie de maladies neurologiques dégénératives")
    return series


def _page(client, url, language):
    return client.get(url, headers={"accept-language": language}).content.decode()


def test_factories_store_text_in_the_series_language(french_only, english_only):
    assert french_only.title_fr == "Communauté de pratique francophone"
    assert not french_only.title_en
    assert english_only.title_en == "Heart Failure Webinars"
    assert not english_only.title_fr


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("en", ["Long-Term Care Community of Practice", "Pain at the end of life"], ["La douleur en fin de vie"]),
        ("fr", ["Communauté de pratique en soins de longue durée", "La douleur en fin de vie"], ["Pain at the end"]),
    ],
)
def test_the_series_page_reads_in_the_visitors_language(client, bilingual, language, shown, hidden):
    page = _page(client, reverse("series:detail", args=["ltc-cop"]), language)
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_text_missing_in_french_falls_back_to_english(client, english_only):
    page = _page(client, reverse("series:detail", args=["heart"]), "fr")
    assert '<html lang="fr"' in page
    assert "Heart Failure Webinars" in page and "Diuretics at home" in page


def test_a_french_only_series_stays_french_on_english_pages(client, french_only):
    for url in (reverse("series:detail", args=["cdp-fr"]), reverse("series:catalog"), reverse("home")):
        page = _page(client, url, "en")
        assert '<html lang="en"' in page
        assert "Communauté de pratique francophone" in page, url
    session = french_only.sessions.get()
    page = _page(client, session.get_absolute_url(), "en")
    assert "Fin de vie de maladies neurologiques dégénératives" in page


def test_the_catalog_sorts_by_the_title_shown(client, hub, english_only, bilingual):
    # In French, "Communauté…" (the French title) comes before "Heart…" (no French title: English shown).
    page = _page(client, reverse("series:catalog"), "fr")
    assert page.index("Communauté de pratique en soins de longue durée") < page.index("Heart Failure Webinars")


@pytest.mark.parametrize(
    ("language", "series_title", "session_title"),
    [
        ("en", "Long-Term Care Community of Practice", "Pain at the end of life"),
        ("fr", "Communauté de pratique en soins de longue durée", "La douleur en fin de vie"),
    ],
)
def test_emails_are_written_in_the_learners_language(clinician, bilingual, language, series_title, session_title):
    clinician.preferred_language = language
    clinician.save()
    session = bilingual.sessions.get()

    services.enroll(user=clinician, series=bilingual, key="")
    services.register(user=clinician, sessions=[session], consent=True)
    deliver_queued()  # rendered when a worker delivers them

    confirmation = OutboundEmail.objects.get(kind=OutboundEmail.Kind.CONFIRMATION)
    registration = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REGISTRATION)
    for row in (confirmation, registration):
        assert row.language == language
        assert session_title in row.body_text
    assert series_title in confirmation.subject + confirmation.body_text
    other = "Pain at the end of life" if language == "fr" else "La douleur en fin de vie"
    assert other not in registration.body_text + registration.body_html


def test_an_english_speaker_gets_a_french_only_series_in_french(clinician, french_only):
    clinician.preferred_language = "en"
    clinician.save()
    services.enroll(user=clinician, series=french_only, key="")
    deliver_queued()
    row = OutboundEmail.objects.get(kind=OutboundEmail.Kind.CONFIRMATION)
    assert row.language == "en"
    assert "Communauté de pratique francophone" in row.body_text


# --- admin ---------------------------------------------------------------------------------------------------


def _series_form(hub, **text):
    return {
        "hub": hub.pk,
        "slug": "nouvelle-serie",
        "kind": Series.Kind.WEBINAR,
        "status": Series.Status.DRAFT,
        "registration_mode": Series.RegistrationMode.OPEN,
        "uninvited_view": Series.UninvitedView.HIDDEN,
        "sessions-TOTAL_FORMS": 0,
        "sessions-INITIAL_FORMS": 0,
        "keys-TOTAL_FORMS": 0,
        "keys-INITIAL_FORMS": 0,
        "accreditations-TOTAL_FORMS": 0,
        "accreditations-INITIAL_FORMS": 0,
        **text,
    }


def test_the_admin_form_shows_both_languages_with_clear_labels(client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    page = client.get(reverse("admin:series_series_add")).content.decode()
    assert 'name="title_en"' in page and 'name="title_fr"' in page
    assert 'name="description_en"' in page and 'name="description_fr"' in page
    assert "Title (English)" in page and "Title (français)" in page

    staff.preferred_language = "fr"
    with django_capture_on_commit_callbacks(execute=True):  # what its commit runs: their kept row is dropped
        staff.save()
    page = client.get(reverse("admin:series_series_add")).content.decode()
    assert "Titre (English)" in page and "Titre (français)" in page


def test_staff_save_a_series_in_both_languages(client, staff, hub):
    client.force_login(staff)
    response = client.post(
        reverse("admin:series_series_add"),
        _series_form(hub, language="en", title_en="Grief and bereavement", title_fr="Le deuil"),
    )
    assert response.status_code == 302, response.content.decode()
    series = Series.objects.get(slug="nouvelle-serie")
    assert (series.title_en, series.title_fr) == ("Grief and bereavement", "Le deuil")


def test_a_french_only_series_needs_no_english_title(client, staff, hub):
    client.force_login(staff)
    response = client.post(reverse("admin:series_series_add"), _series_form(hub, language="fr", title_fr="Le deuil"))
    assert response.status_code == 302, response.content.decode()
    series = Series.objects.get(slug="nouvelle-serie")
    assert series.title_fr == "Le deuil" and not series.title_en


def test_the_title_is_required_in_the_series_language(client, staff, hub):
    client.force_login(staff)
    response = client.post(reverse("admin:series_series_add"), _series_form(hub, language="fr", title_en="Grief"))
    assert response.status_code == 200
    assert "Give the title in the language of the series." in response.content.decode()
    assert not Series.objects.filter(slug="nouvelle-serie").exists()


def test_staff_give_a_session_its_french_title(client, staff, bilingual):
    client.force_login(staff)
    session = bilingual.sessions.get()
    page = client.get(reverse("admin:echo_sessions_session_change", args=[session.pk])).content.decode()
    assert 'value="La douleur en fin de vie"' in page and 'value="Pain at the end of life"' in page


# --- migration -----------------------------------------------------------------------------------------------

BEFORE = [
    ("series", "0003_accreditations"),
    ("echo_sessions", "0002_resource_file_kind"),
    ("hubs", "0002_alter_hub_options_spokeinvitation"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_todays_text_in_the_series_language():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    hub = old.get_model("hubs", "Hub").objects.create(name="Réseau Nord", slug="nord", description="Our hub.")
    OldSeries = old.get_model("series", "Series")
    english = OldSeries.objects.create(hub=hub, title="Grief", slug="grief", language="en", summary="About grief.")
    french = OldSeries.objects.create(hub=hub, title="Le deuil", slug="deuil", language="fr", summary="Le deuil.")
    OldSession = old.get_model("echo_sessions", "Session")
    times = {"starts_at": "2030-03-14T16:00Z", "ends_at": "2030-03-14T17:00Z"}
    english_session = OldSession.objects.create(series=english, title="Loss", **times)
    french_session = OldSession.objects.create(series=french, title="La perte", description="Texte.", **times)
    old.get_model("echo_sessions", "Resource").objects.create(
        session=french_session, kind="qa", title="Q et R", text="R"
    )
    OldPresenter = old.get_model("echo_sessions", "Presenter")
    francophone = OldPresenter.objects.create(name="Dre Roy", bio="Médecin.")
    francophone_sessions = OldSession.presenters.through
    francophone_sessions.objects.create(session=french_session, presenter=francophone)
    both = OldPresenter.objects.create(name="Dr Lee", bio="Physician.")
    francophone_sessions.objects.create(session=french_session, presenter=both)
    francophone_sessions.objects.create(session=english_session, presenter=both)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    english, french = Series.objects.get(slug="grief"), Series.objects.get(slug="deuil")
    assert (english.title_en, english.title_fr, english.summary_en) == ("Grief", None, "About grief.")
    assert (french.title_en, french.title_fr, french.summary_fr) == (None, "Le deuil", "Le deuil.")
    assert Session.objects.get(title_en="Loss").title_fr is None
    french_session = Session.objects.get(title_fr="La perte")
    assert (french_session.title_en, french_session.description_fr) == (None, "Texte.")
    resource = Resource.objects.get()
    assert (resource.title_en, resource.title_fr, resource.text_fr) == (None, "Q et R", "R")
    assert Presenter.objects.get(name="Dre Roy").bio_fr == "Médecin."
    assert Presenter.objects.get(name="Dr Lee").bio_en == "Physician."
    hub = Hub.objects.get(slug="nord")
    assert (hub.name_en, hub.description_en, hub.name_fr) == ("Réseau Nord", "Our hub.", None)
    with translation.override("fr"):
        assert Series.objects.get(slug="grief").title == "Grief"
    with translation.override("en"):
        assert Series.objects.get(slug="deuil").title == "Le deuil"


def test_the_hub_page_reads_in_french_when_the_hub_has_french_text(client, hub):
    hub.description_en = "A regional hub in the north."
    hub.description_fr = "Un carrefour régional du Nord."
    hub.save()
    english = client.get(hub.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    french = client.get(hub.get_absolute_url(), headers={"accept-language": "fr"}).content.decode()
    assert "A regional hub in the north." in english and "Un carrefour" not in english
    assert "Un carrefour régional du Nord." in french and "A regional hub" not in french


def test_the_admin_list_sorts_by_the_title_shown(client, staff, hub, english_only, bilingual):
    staff.preferred_language = "fr"
    staff.save()
    client.force_login(staff)
    factories.SeriesFactory(hub=hub, slug="zeta", title_en="Zeta English only")
    page = client.get(reverse("admin:series_series_changelist")).content.decode()
    shown = ["Communauté de pratique en soins de longue durée", "Heart Failure Webinars", "Zeta English only"]
    assert [page.index(title) for title in shown] == sorted(page.index(title) for title in shown)


def test_a_hub_needs_a_name_in_one_language(client, staff):
    client.force_login(staff)
    data = {"slug": "no-name", "kind": Hub.Kind.REGIONAL, "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}
    response = client.post(reverse("admin:hubs_hub_add"), data)
    assert "Give the hub&#x27;s name in English or in French." in response.content.decode()
    assert not Hub.objects.filter(slug="no-name").exists()
    response = client.post(reverse("admin:hubs_hub_add"), {**data, "name_fr": "Réseau du Nord"})
    assert Hub.objects.filter(slug="no-name", name_fr="Réseau du Nord").exists()
