"""`manage.py seed_demo` loads the real programme and dated upcoming cohorts, and a second run changes nothing."""

import io
import json
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from echo_portal.management.commands.seed_demo import FACTS
from enrollment.models import EnrollmentKey
from hubs.models import Hub, Spoke
from series.models import Series
from sessions.models import Resource, Session
from sessions.queries import past_sessions


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=out)
    return out.getvalue()


def _snapshot():
    return {
        "hubs": sorted(Hub.objects.values_list("slug", flat=True)),
        "spokes": Spoke.objects.count(),
        "series": sorted(Series.objects.values_list("slug", flat=True)),
        "sessions": sorted(Session.objects.values_list("series__slug", "title", "starts_at")),
        "resources": Resource.objects.count(),
        "keys": sorted(EnrollmentKey.objects.values_list("code", "is_active", "series__slug")),
    }


@pytest.fixture
def seeded(db):
    _seed()


def test_seed_is_idempotent(seeded):
    # How long seeding takes is not asserted here (a timed unit test fails on a busy machine); make run prints it.
    first = _snapshot()

    _seed()

    assert _snapshot() == first


def test_national_hub_and_clearly_fictional_demo_hubs_with_spokes(seeded):
    national = Hub.objects.get(slug="pallium-canada")
    assert national.name == "Pallium Canada" and national.kind == Hub.Kind.NATIONAL
    demo = Hub.objects.exclude(pk=national.pk)
    assert demo.count() >= 2
    assert all("(demo)" in hub.name for hub in demo)
    assert all(hub.spokes.exists() for hub in demo)


def test_ltc_archive_has_its_13_real_sessions_and_an_upcoming_cohort_with_the_key(seeded):
    archive = Series.objects.get(slug="long-term-care-community-of-practice")
    sessions = list(archive.sessions.order_by("starts_at"))
    assert len(sessions) == 13
    assert sessions[0].title == "Introductory Session"
    assert sessions[3].title == "Individuals and their Families as Members of the Team"
    assert str(sessions[4].starts_at.astimezone(zoneinfo.ZoneInfo("America/Toronto"))) == ("2022-04-14 12:30:00-04:00")
    assert all(s.resources.filter(kind="recording", published_at__isnull=False).exists() for s in sessions)

    cohort = Series.objects.get(slug="long-term-care-community-of-practice-new-cohort")
    assert cohort.status == "published" and cohort.registration_mode == "key"
    assert cohort.sessions.count() == 13
    assert EnrollmentKey.objects.get(code="LTC2122", is_active=True).series == cohort
    assert EnrollmentKey.objects.filter(code="LTC2122", is_active=False, series=archive).exists()


def test_each_key_community_has_one_active_key_on_its_upcoming_cohort(seeded):
    for code in ("LTC2122", "HEART22", "CBPP2122", "SPMI"):
        active = EnrollmentKey.objects.get(code=code, is_active=True)
        assert active.series.slug.endswith("-new-cohort")
        assert active.series.sessions.filter(starts_at__gt=active.created_at).exists()


def test_psw_french_series_and_single_webinars(seeded):
    psw = Series.objects.get(short_name="PSW")
    titles = list(psw.sessions.order_by("starts_at").values_list("title", flat=True))
    assert psw.registration_mode == "open"
    assert len(titles) == 14 and titles[:2] == ["Introductory Session", "Essential Communication Skills Part 1"]

    french = Series.objects.get(slug="communaute-de-pratique-francophone-soins-palliatifs")
    assert set(french.sessions.values_list("title", flat=True)) == {
        "Fin de vie de maladies neurologiques dégénératives",
        "Pour une approche palliative intégrée : Optimiser la communication entre les intervenants de première "
        "ligne et les équipes hospitalières",
    }

    webinars = Series.objects.filter(kind="webinar", sessions__status="scheduled").distinct()
    upcoming_singles = [s for s in webinars if s.sessions.count() == 1 and s.sessions.get().starts_at > psw.created_at]
    assert len(upcoming_singles) == 2
    assert all(s.join_url.startswith("https://zoom.example.org/j/") for s in Session.objects.all())


def test_a_newcomer_finds_the_ltc_community_from_the_home_page(seeded, client):
    home = client.get("/").content.decode()
    assert "Long-Term Care Community of Practice: new cohort" in home

    archive = client.get("/sessions/past/?series=long-term-care-community-of-practice").content.decode()
    assert "13 sessions" in archive


def test_if_empty_does_nothing_when_series_exist(seeded):
    before = _snapshot()
    Session.objects.all().delete()

    output = _seed("--if-empty")

    assert "not loaded again" in output
    assert Session.objects.count() == 0
    assert _snapshot()["series"] == before["series"]


RERUN_TITLES = (
    "Fin de vie de maladies neurologiques dégénératives",
    "Practical Cannabis for Patients with Palliative Needs",
)


def _past_titles_of_the_programme() -> set[str]:
    facts = json.loads(FACTS.read_text(encoding="utf-8"))
    dated = {item["title"] for spec in facts["series"] for item in spec.get("sessions", [])}
    return dated | {item["title"] for item in facts["past_sessions_without_dates"]}


def test_every_past_session_of_the_programme_is_in_the_archive_with_its_recording(seeded, client):
    archived = list(past_sessions())
    titles = {session.title for session in archived}

    missing = _past_titles_of_the_programme() - titles
    assert not missing, missing
    for title in RERUN_TITLES:
        session = next(s for s in archived if s.title == title)
        assert any(r.kind == "recording" for r in session.public_resources), title
    french_only = next(s for s in archived if s.title.startswith("Fin de vie de maladies"))
    assert french_only.series.language == "fr"

    page = client.get("/sessions/past/?q=Fin+de+vie", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Fin de vie de maladies neurologiques dégénératives" in page


def test_upcoming_reruns_are_rows_of_their_own(seeded):
    now = timezone.now()
    for title in RERUN_TITLES:
        rows = [s for s in Session.objects.all() if title in (s.title_en, s.title_fr)]
        past = [s for s in rows if s.ends_at <= now]
        upcoming = [s for s in rows if s.ends_at > now]
        assert (len(past), len(upcoming)) == (1, 1), title
        assert past[0].series_id != upcoming[0].series_id
