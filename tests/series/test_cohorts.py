"""Cohorts of one community of practice lead to each other: the archive and the new run are one click apart."""

import pytest
from django.urls import reverse

from enrollment.services.cohorts import duplicate_as_cohort
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohorts():
    earlier = factories.SeriesFactory(title="Long-Term Care Community of Practice", slug="ltc")
    factories.SessionFactory(series=earlier, title="Advance Care Planning", days_from_now=-400)
    newer = factories.SeriesFactory(title="Long-Term Care CoP: new cohort", slug="ltc-new", previous_cohort=earlier)
    return earlier, newer


def test_the_earlier_cohort_points_to_the_newer_one(client, cohorts):
    earlier, newer = cohorts
    page = client.get(reverse("series:detail", args=[earlier.slug])).content.decode()
    assert "A newer cohort of this program is running" in page
    assert f'href="{newer.get_absolute_url()}"' in page


def test_the_newer_cohort_points_to_the_earlier_archive_in_french_too(client, cohorts):
    earlier, newer = cohorts
    page = client.get(reverse("series:detail", args=[newer.slug]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Les séances de la cohorte précédente" in page
    assert f'href="{earlier.get_absolute_url()}"' in page


def test_a_draft_cohort_is_never_announced(client, cohorts):
    earlier, newer = cohorts
    Series.objects.filter(pk=newer.pk).update(status=Series.Status.DRAFT)
    page = client.get(reverse("series:detail", args=[earlier.slug])).content.decode()
    assert newer.get_absolute_url() not in page
    Series.objects.filter(pk=newer.pk).update(status=Series.Status.PUBLISHED)
    Series.objects.filter(pk=earlier.pk).update(status=Series.Status.DRAFT)
    page = client.get(reverse("series:detail", args=[newer.slug])).content.decode()
    assert earlier.get_absolute_url() not in page


def test_duplicating_a_series_as_a_cohort_links_it_to_its_source(cohorts):
    earlier, _newer = cohorts
    copy = duplicate_as_cohort(series=earlier, title="LTC 2027", slug="ltc-2027", weeks=104)
    assert copy.previous_cohort == earlier


def test_the_demo_cohorts_are_linked(db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    newer = Series.objects.get(slug__endswith="new-cohort", keys__code="LTC2122")
    assert newer.previous_cohort.title == "Long-Term Care Community of Practice"
    assert len(newer.previous_cohort.sessions.all()) == 13
