"""Programme staff open /staff/reach/, pick a reporting period, read the tables and charts, and download each
table; nobody else gets in; the page costs the same number of queries over ten times the data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.reports.support import at, attend, session_at
from tests.reports.test_reach_figures import programme  # noqa: F401  (the hand-built data set)


@pytest.mark.django_db
def test_staff_see_the_headline_tables_and_chart_for_a_preset(client, staff, programme):  # noqa: F811
    client.force_login(staff)

    page = client.get("/staff/reach/", {"period": "fy2026-h1"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "12 participations across 2 sessions; 50 % of participants practise in rural or remote communities." in html
    assert '<option value="fy2026-h1" selected>April–September 2026</option>' in html
    assert '<svg class="chart"' in html and '<title id="trend-title">Participations per month' in html
    assert '<th scope="row">April 2026</th><td>10</td><td>10</td>' in html
    assert '<th scope="row">Physician</th>' in html and "fewer than 5" in html
    assert 'href="/staff/reach/profession.csv?period=fy2026-h1"' in html


@pytest.mark.django_db
def test_two_dates_instead_of_a_preset(client, staff, programme):  # noqa: F811
    client.force_login(staff)

    html = client.get("/staff/reach/", {"period": "", "from": "2026-09-01", "to": "2026-09-30"}).content.decode()

    assert "2 participations across 1 session;" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{"period": "fy2026-h9"}, {"period": "", "from": "2026-09-30", "to": "2026-09-01"}, {"period": "", "from": "nope"}],
    ids=["unknown-preset", "reversed-dates", "unreadable-date"],
)
def test_bad_periods_say_why_and_show_the_default(client, staff, query):
    client.force_login(staff)

    page = client.get("/staff/reach/", query)

    assert page.status_code == 200
    assert 'class="errorlist' in page.content.decode()


@pytest.mark.django_db
def test_each_table_downloads_as_csv_with_small_cells_suppressed(client, staff, programme):  # noqa: F811
    client.force_login(staff)

    def table(key):
        response = client.get(f"/staff/reach/{key}.csv", {"period": "fy2026-h1"})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert table("profession") == [
        ["Profession", "Participations", "Unique participants"],
        ["Registered nurse", "11", "9"],
        ["Physician", "fewer than 5", "fewer than 5"],
    ]
    assert table("summary")[1] == ["Participations", "12"]
    assert table("trend")[1] == ["2026-04", "10", "10"]
    assert client.get("/staff/reach/nothing.csv").status_code == 404


@pytest.mark.django_db
def test_only_programme_staff_get_in(client, clinician, hub_manager):
    for user in (clinician, hub_manager):
        client.force_login(user)
        assert client.get("/staff/reach/").status_code == 403
        assert client.get("/staff/reach/report/").status_code == 403
        assert client.get("/staff/reach/series.csv").status_code == 403
    client.logout()
    assert client.get("/staff/reach/")["Location"].startswith("/accounts/login/")


def _programme_of_size(factor: int, hub) -> None:
    spoke = factories.SpokeFactory(hub=hub)
    for _ in range(factor):
        series = factories.SeriesFactory(hub=hub)
        sessions = [session_at(series, at(2026, 4 + month, 10, 12)) for month in range(3)]
        for person_index in range(10):
            person = factories.UserFactory(rural_remote=person_index % 3 == 0, practice_settings=["hospice"])
            factories.SpokeMembershipFactory(spoke=spoke, user=person)
            attend(sessions[person_index % 3], person)


def _queries_for_the_dashboard(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/staff/reach/", {"period": "fy2026-h1"}).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_dashboard_makes_the_same_queries_at_one_and_ten_times_the_data(client, staff, hub):
    client.force_login(staff)
    _programme_of_size(1, hub)
    _queries_for_the_dashboard(client)  # the user and the header's hub links are read once, then come from the cache
    once = _queries_for_the_dashboard(client)
    _programme_of_size(9, hub)
    _queries_for_the_dashboard(client)
    tenfold = _queries_for_the_dashboard(client)

    # The session, the user and the header's hub links come from the cache; the first and last
    # participation, for the presets (1); then the figures: totals, newcomers, eight breakdowns, the monthly
    # trend (11).
    assert once == tenfold == 12


@pytest.mark.django_db
def test_the_printable_report_defaults_to_the_last_half_year_and_sums_up_evaluations(client, staff, programme):  # noqa: F811
    import datetime as dt
    from unittest import mock

    from evaluation.models import Answer, EvaluationForm, Response
    from tests.evaluation.support import ensure_default_form

    ensure_default_form()
    form = EvaluationForm.objects.get(series__isnull=True)
    first_item = form.questions.get(position=1)
    session = programme[0].registrations.order_by("session__starts_at").last().session
    for rating in (5, 4):
        response = Response.objects.create(form=form, session=session, submitted_on=dt.date(2026, 10, 2), language="en")
        Answer.objects.create(response=response, question=first_item, rating=rating)
    client.force_login(staff)

    with mock.patch("reports.periods.timezone.localdate", return_value=dt.date(2026, 11, 15)):
        html = client.get("/staff/reach/report/").content.decode()

    assert "<h1>Semi-annual report: April–September 2026</h1>" in html
    assert "12 participations across 2 sessions" in html
    assert "What attendees said" in html and "mean 4.50 out of 5" in html


def _pdf_text(content: bytes, tmp_path) -> str:
    import subprocess

    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


@pytest.mark.django_db
def test_the_report_downloads_as_a_pdf_whose_text_has_the_headline_and_the_tables(client, staff, programme, tmp_path):  # noqa: F811
    client.force_login(staff)

    response = client.get("/staff/reach/report.pdf", {"period": "fy2026-h1"})

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="reach-report-2026-04-01-2026-09-30.pdf"'
    text = _pdf_text(response.content, tmp_path)
    assert "Semi-annual report: April–September 2026" in text
    assert "12 participations across 2 sessions; 50 % of participants practise in rural or remote communities." in text
    assert "Registered nurse 11 9" in text and "Physician fewer than 5 fewer than 5" in text
    assert "April 2026 10 10" in text
    assert ".csv" not in text


@pytest.mark.django_db
def test_the_pdf_is_in_french_for_a_french_speaking_staff_member(client, staff, programme, tmp_path):  # noqa: F811
    staff.preferred_language = "fr"
    staff.save()
    client.force_login(staff)

    text = _pdf_text(client.get("/staff/reach/report.pdf", {"period": "fy2026-h1"}).content, tmp_path)

    assert "Rapport semestriel : avril à septembre 2026" in text
    assert (
        "12 participations dans 2 séances; 50 % des participants pratiquent dans des communautés rurales ou éloignées."
        in text
    )
    assert "Médecin moins de 5 moins de 5" in text
