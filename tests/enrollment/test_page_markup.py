"""The enrollment pages keep to the site's rules: one h1, headings in order, labelled controls, no inline code."""

import re

import pytest
from django.urls import reverse

from enrollment import services
from enrollment.models import Registration
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(client, clinician):
    key_series = factories.SeriesFactory(slug="ltc", registration_mode=Series.RegistrationMode.KEY, key_distributor="x")
    factories.SessionFactory(series=key_series)
    open_series = factories.SeriesFactory(slug="psw")
    session = factories.SessionFactory(series=open_series, capacity=5)
    services.register(user=clinician, sessions=[session], consent=True)
    registration = Registration.objects.get(user=clinician)
    client.force_login(clinician)
    return [
        reverse("enrollment:enroll", args=["ltc"]),
        reverse("enrollment:enroll_by_key"),
        reverse("enrollment:register", args=["psw"]),
        reverse("enrollment:registered", args=["psw"]),
        reverse("enrollment:my_learning"),
        reverse("enrollment:cancel_registration", args=[registration.pk]),
        reverse("enrollment:leave_series", args=["psw"]),
    ]


def test_every_page_has_one_h1_ordered_headings_labelled_controls_and_no_inline_code(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]
        assert levels.count(1) == 1 and levels[0] == 1, (url, levels)
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (url, levels)
        assert "style=" not in html and "<style" not in html, url
        assert len(re.findall(r"<script", html)) == 1, url  # the site's one deferred script file
        for control_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', main):
            assert f'for="{control_id}"' in main, (url, control_id)
