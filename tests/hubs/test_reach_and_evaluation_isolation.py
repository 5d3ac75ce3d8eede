"""The hub portal's reach, report and evaluation screens show a hub only its own members and series.

Bob manages Northern Lakes; Dana manages Prairie Coast; Fay facilitates Northern Lakes; Alice is a clinician.
Every pattern of reports.hub_urls and evaluation.hub_urls is walked here (a new one without a case fails
`test_every_new_hub_url_is_covered`): with another hub's slug, another hub's series or session, or by
someone without a role in the hub, it is a 404; Bob and Fay read their own hub's.

URLs covered (under /hubs/<slug>/manage/):
    reach/                      reports_hub:dashboard
    reach/report/               reports_hub:report
    reach/report.pdf            reports_hub:report_pdf
    reach/<key>.csv             reports_hub:table_csv
    evaluations/                evaluation_hub:index
    evaluations/series/<id>/    evaluation_hub:series (and its responses.csv: series_csv)
    evaluations/sessions/<id>/  evaluation_hub:session (and its responses.csv: session_csv)
"""

import csv
import io

import pytest
from django.urls import URLPattern, reverse

from evaluation import hub_urls as evaluation_hub_urls
from reports import hub_urls as reports_hub_urls
from tests import factories
from tests.reports.support import at, attend, session_at

COVERED = {
    "reports_hub": {"dashboard": None, "report": None, "report_pdf": None, "table_csv": "key"},
    "evaluation_hub": {
        "index": None,
        "series": "series",
        "series_csv": "series",
        "session": "session",
        "session_csv": "session",
    },
}


def test_every_new_hub_url_is_covered():
    for module in (reports_hub_urls, evaluation_hub_urls):
        names = {entry.name for entry in module.urlpatterns if isinstance(entry, URLPattern)}
        assert names == set(COVERED[module.app_name]), module.__name__


@pytest.fixture
def world(hub, other_hub, member, other_member):
    """Alice (a Northern Lakes member) and Erin (a Prairie Coast member) each attended their hub's session, with five
    colleagues each so no cell is suppressed."""
    ours = session_at(factories.SeriesFactory(hub=hub, title="Northern series"), at(2026, 5, 5, 12))
    theirs = session_at(factories.SeriesFactory(hub=other_hub, title="Prairie series"), at(2026, 5, 6, 12))
    our_spoke = member.spoke_memberships.get().spoke
    their_spoke = other_member.spoke_memberships.get().spoke
    for spoke, session, person in ((our_spoke, ours, member), (their_spoke, theirs, other_member)):
        colleagues = [factories.UserFactory() for _ in range(5)]
        for colleague in colleagues:
            factories.SpokeMembershipFactory(spoke=spoke, user=colleague)
        attend(session, person, *colleagues)
    return ours, theirs


def _urls(slug, *, series_id, session_id):
    ids = {"series": series_id, "session": session_id, "key": "spoke"}
    for namespace, names in COVERED.items():
        for name, argument in names.items():
            args = [slug] + ([ids[argument]] if argument else [])
            yield reverse(f"{namespace}:{name}", args=args)


@pytest.mark.django_db
def test_another_hub_s_slug_or_objects_are_404_for_every_screen(client, hub, other_hub, hub_manager, world):
    ours, theirs = world
    client.force_login(hub_manager)

    for url in _urls(other_hub.slug, series_id=theirs.series_id, session_id=theirs.pk):
        assert client.get(url).status_code == 404, url
    for url in _urls(hub.slug, series_id=theirs.series_id, session_id=theirs.pk):
        if "evaluations/series/" in url or "evaluations/sessions/" in url:
            assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_people_without_a_role_in_the_hub_get_nothing(client, hub, other_hub_manager, clinician, world):
    ours, _ = world
    for user in (other_hub_manager, clinician):
        client.force_login(user)
        for url in _urls(hub.slug, series_id=ours.series_id, session_id=ours.pk):
            assert client.get(url).status_code == 404, (user.email, url)
    client.logout()
    assert client.get(f"/hubs/{hub.slug}/manage/reach/")["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_manager_and_the_facilitator_read_their_own_members_only(client, hub, hub_manager, facilitator, world):
    ours, _ = world
    for user in (hub_manager, facilitator):
        client.force_login(user)
        for url in _urls(hub.slug, series_id=ours.series_id, session_id=ours.pk):
            assert client.get(url).status_code == 200, (user.email, url)

    html = client.get(f"/hubs/{hub.slug}/manage/reach/", {"period": "fy2026-h1"}).content.decode()
    assert "6 participations across 1 session" in html
    assert "Prairie series" not in html and "Coastal Paramedic Service" not in html
    download = client.get(f"/hubs/{hub.slug}/manage/reach/spoke.csv", {"period": "fy2026-h1"})
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows == [["Spoke", "Participations", "Unique participants"], ["Lakeside Long-Term Care Home", "6", "6"]]


@pytest.mark.django_db
def test_the_hub_dashboard_offers_the_reporting_periods(client, hub, hub_manager):
    client.force_login(hub_manager)
    html = client.get(f"/hubs/{hub.slug}/manage/").content.decode()
    from reports.periods import current_fiscal_year

    year = current_fiscal_year().period.start.year
    assert f'href="?from={year}-04-01&amp;to={year}-09-30">April–September {year}</a>' in html
    assert f'href="/hubs/{hub.slug}/manage/reach/"' in html
