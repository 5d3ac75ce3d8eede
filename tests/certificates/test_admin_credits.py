"""Staff see per series who qualifies and why not, issue from there, and download the credits of every learner."""

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from tests import factories

from .conftest import attend

pytestmark = pytest.mark.django_db


def test_the_series_credits_page_says_who_qualifies_and_why_not(client, staff, ltc, clinician, outsider):
    attend(ltc, clinician)
    attend(ltc, outsider, minutes=(30, 20, None))
    late = factories.UserFactory(first_name="Zoe", last_name="Zed")
    attend(ltc, late, minutes=(None, None, None))
    services.issue_for_series(series=ltc)
    client.force_login(staff)
    url = reverse("admin:series_series_credits", args=[ltc.pk])

    page = " ".join(client.get(url).content.decode().split())

    assert "1 learner qualifies." in page
    assert "Qualifies" in page
    assert "Does not qualify: no session reached the threshold (at least 75% of a session)" in page
    assert "Does not qualify yet: no attendance recorded" in page
    assert Certificate.objects.get().number in page


def test_issuing_from_the_credits_page_and_the_csv_of_credits(client, staff, ltc, clinician, outsider):
    attend(ltc, clinician)
    attend(ltc, outsider, minutes=(60, None, None))
    client.force_login(staff)
    url = reverse("admin:series_series_credits", args=[ltc.pk])

    response = client.post(url, follow=True)
    csv = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig").splitlines()

    assert "2 documents issued" in response.content.decode()
    assert csv[0].startswith("last name,first name,email,licence or CFPC number,profession,sessions attended")
    assert "Mainpro+ credits" in csv[0]
    rows = {line.split(",")[2]: line for line in csv[1:]}
    assert ",3,3.00,3.00,Qualifies," in rows["alice@example.org"]
    assert ",1,1.00,1.00,Qualifies," in rows["charlie@example.org"]


def test_a_hub_manager_sees_their_hubs_series_only_and_cannot_issue(client, hub_manager, ltc, clinician, other_hub):
    from hubs import services as hub_services

    hub_services.grant_hub_manager_admin(user=hub_manager)
    attend(ltc, clinician)
    theirs = factories.SeriesFactory(hub=other_hub)
    client.force_login(hub_manager)

    own = client.get(reverse("admin:series_series_credits", args=[ltc.pk]))
    other = client.get(reverse("admin:series_series_credits", args=[theirs.pk]))
    client.post(reverse("admin:series_series_credits", args=[ltc.pk]))

    assert own.status_code == 200 and "Alice Tremblay" in own.content.decode()
    assert other.status_code == 404
    assert not Certificate.objects.exists()
