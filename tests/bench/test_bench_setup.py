"""The bench's bare view exists only in the bench's own URLconf, never on the production site."""

from django.test import override_settings


def test_the_bare_view_is_not_part_of_the_site(client, db):
    assert client.get("/bench/bare/").status_code == 404


@override_settings(ROOT_URLCONF="tests.bench.urls")
def test_the_bench_urlconf_serves_it_beside_the_whole_site(client, db):
    bare = client.get("/bench/bare/")

    assert bare.status_code == 200 and bare.content == b"ok"
    assert bare["Content-Security-Policy"]  # through the same middleware as every page
    assert client.get("/about/").status_code == 200


def test_the_minimal_view_is_a_constant_response_through_two_middleware():
    from django.test import Client, override_settings

    from tests.bench import minimal

    with override_settings(
        ROOT_URLCONF=minimal.__name__,
        MIDDLEWARE=["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"],
    ):
        response = Client().get("/bench/minimal/")

    assert response.status_code == 200 and response.content == b"ok"
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware ran
