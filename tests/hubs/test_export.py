"""The participation export: one CSV row per registration of the hub's members, UTF-8 with a BOM for Excel."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.hubs.conftest import manage_url


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_has_one_row_per_registration_with_everything_a_report_needs(manager_client, hub, spoke, member):
    member.first_name, member.last_name = "Amélie", "Bérubé"
    member.save()
    series = factories.SeriesFactory(hub=hub, title="Long-Term Care Community of Practice")
    key = factories.EnrollmentKeyFactory(series=series, code="LTC2122")
    factories.EnrollmentFactory(user=member, series=series, key=key)
    held = factories.SessionFactory(series=series, title="Advance Care Planning", days_from_now=-30)
    factories.RegistrationFactory(user=member, session=held, attended_minutes=52)
    national = factories.SeriesFactory(title="Journal Watch Program")
    factories.RegistrationFactory(user=member, session=factories.SessionFactory(series=national, title="Webinar"))
    second_spoke = factories.SpokeFactory(hub=hub, name="Alpha Home Care Team", kind="home_care")
    factories.SpokeMembershipFactory(spoke=second_spoke, user=member)

    response = manager_client.get(manage_url(hub, "export"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="northern-lakes-participation-' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == [
        "Member",
        "Email",
        "Profession",
        "Province or territory",
        "Spoke",
        "Series",
        "Session",
        "Date",
        "Status",
        "Minutes attended",
        "Key used",
    ]
    assert len(rows) == 3
    held_row = rows[1]
    assert held_row[:7] == [
        "Amélie Bérubé",
        "alice@example.org",
        "Registered nurse",
        "Ontario",
        "Alpha Home Care Team; Lakeside Long-Term Care Home",
        "Long-Term Care Community of Practice",
        "Advance Care Planning",
    ]
    assert held_row[7].endswith("12:00")
    assert held_row[8:] == ["Registered", "52", "LTC2122"]
    assert rows[2][5:7] == ["Journal Watch Program", "Webinar"]
    assert rows[2][9:] == ["", ""]


def test_spreadsheet_formulas_in_names_are_neutralised(manager_client, hub, member):
    member.first_name = '=HYPERLINK("http://evil")'
    member.save()
    factories.RegistrationFactory(user=member)
    rows = _csv(manager_client.get(manage_url(hub, "export")))
    assert rows[1][0].startswith("'=HYPERLINK")


def test_export_in_french_translates_the_headings_and_labels(manager_client, hub, hub_manager, member):
    hub_manager.preferred_language = "fr"
    hub_manager.save()
    factories.RegistrationFactory(user=member)
    rows = _csv(manager_client.get(manage_url(hub, "export")))
    assert rows[0][0] == "Membre"
    assert rows[1][2] == "Infirmière ou infirmier autorisé"


def test_export_reads_a_fixed_number_of_queries(manager_client, hub, spoke, member):
    for _n in range(3):
        factories.RegistrationFactory(user=member)

    def count():
        with CaptureQueriesContext(connection) as queries:
            b"".join(manager_client.get(manage_url(hub, "export")).streaming_content)
        return len(queries)

    count()  # the first export reads the signed-in manager into the cache
    # 1 hub with the viewer's role, 2 spoke names of the members, 3 the registrations with their
    # member, session, series and key used (streamed with a server-side cursor where the database has one),
    # 4 the access-log row saying who exported (accounts.privacy).
    assert count() == 4
    for _n in range(5):
        person = factories.UserFactory()
        factories.SpokeMembershipFactory(spoke=spoke, user=person)
        factories.RegistrationFactory(user=person)
    assert count() == 4


def test_export_can_take_the_dashboard_period(manager_client, hub, member):
    factories.RegistrationFactory(user=member)
    rows = _csv(manager_client.get(manage_url(hub, "export"), {"from": "2000-01-01", "to": "2000-12-31"}))
    assert len(rows) == 1  # the header only
