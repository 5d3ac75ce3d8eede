"""Every kind of response carries the protective headers: pages, forms, the admin, errors."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls():
    series = factories.SeriesFactory(slug="ltc-cop")
    session = factories.SessionFactory(series=series)
    return [
        reverse("home"),
        reverse("series:catalog"),
        series.get_absolute_url(),
        session.get_absolute_url(),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("admin:login"),
        "/this-page-does-not-exist/",
    ]


def test_every_response_forbids_inline_code_framing_and_sniffing(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert "frame-ancestors 'none'" in policy, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url


def test_pages_never_contain_inline_script_or_style(client, urls):
    for url in urls:
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        for tag in html.split("<script")[1:]:
            assert tag.split(">", 1)[0].strip().startswith("src=") or " src=" in tag.split(">", 1)[0], url
