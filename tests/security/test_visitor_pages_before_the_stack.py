"""A visitor who is not signed in gets a stored public page before sessions, authentication and messages run
(core.page_cache.VisitorPageMiddleware), and it is the page, headers, token and language they would have got."""

import re
from email.utils import parsedate_to_datetime

import pytest
from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHARED_HEADERS = ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "Vary", "Content-Language")


def served_early(response) -> bool:
    """The stack below the early middleware never ran: no session was opened, no user looked up."""
    return not hasattr(response.wsgi_request, "session") and not hasattr(response.wsgi_request, "user")


def test_the_second_visitor_gets_the_stored_page_with_the_headers_the_whole_stack_gave_it(programme):
    rendered = Client().get(reverse("series:catalog"))
    early = Client().get(reverse("series:catalog"))

    assert not served_early(rendered) and served_early(early)
    assert TOKEN.sub("", rendered.content.decode()) == TOKEN.sub("", early.content.decode())
    assert "Palliative Care in Long-Term Care" in early.content.decode()
    for header in SHARED_HEADERS:
        assert early[header] == rendered[header], header
    assert early["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware, outside it, still runs
    assert int(early["Content-Length"]) == len(early.content)


@pytest.mark.parametrize("secure", [False, True], ids=["development", "production"])
def test_a_stored_page_sets_the_csrf_cookie_a_rendered_page_sets(programme, settings, secure):
    settings.CSRF_COOKIE_SECURE = secure
    rendered = Client().get(reverse("home"))
    early = Client().get(reverse("home"))

    assert not served_early(rendered) and served_early(early)
    mine, djangos = early.cookies[settings.CSRF_COOKIE_NAME], rendered.cookies[settings.CSRF_COOKIE_NAME]
    assert {name: mine[name] for name in mine if name != "expires"} == {
        name: djangos[name] for name in djangos if name != "expires"
    }
    assert mine["max-age"] == settings.CSRF_COOKIE_AGE and mine["httponly"] and mine["samesite"] == "Lax"
    assert bool(mine["secure"]) is secure
    assert abs(parsedate_to_datetime(mine["expires"]) - parsedate_to_datetime(djangos["expires"])).total_seconds() <= 61
    assert mine.value != djangos.value  # each visitor's own secret
    assert "Cookie" in early["Vary"]


def test_a_visitor_from_a_stored_page_can_submit_its_key_form(programme):
    Client().get(reverse("home"))
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get(reverse("home"))
    token = TOKEN.search(page.content.decode()).group(1)
    submitted = visitor.post(reverse("enrollment:enroll_by_key"), {"key": "ABCD-1234", "csrfmiddlewaretoken": token})

    assert served_early(page)
    assert _unmask_cipher_token(token) == page.cookies[settings.CSRF_COOKIE_NAME].value  # the visitor's own
    assert submitted.status_code == 302 and submitted["Location"].startswith(reverse("account_login"))


def test_a_visitor_from_a_stored_page_can_sign_in(programme, clinician, password):
    Client().get(reverse("home"))
    visitor = Client(enforce_csrf_checks=True)
    assert served_early(visitor.get(reverse("home")))  # the CSRF cookie comes from here

    login = visitor.get(reverse("account_login"))
    token = TOKEN.search(login.content.decode()).group(1)
    signed_in = visitor.post(
        reverse("account_login"), {"login": clinician.email, "password": password, "csrfmiddlewaretoken": token}
    )

    assert signed_in.status_code == 302
    assert "Sign out" in visitor.get(reverse("home")).content.decode()


def test_a_returning_visitor_keeps_their_csrf_secret(programme):
    Client().get(reverse("home"))
    visitor = Client(enforce_csrf_checks=True)
    first = visitor.get(reverse("home"))
    secret = first.cookies[settings.CSRF_COOKIE_NAME].value

    again = visitor.get(reverse("series:catalog"))  # rendered for them, then stored
    again = visitor.get(reverse("series:catalog"))

    assert served_early(again)
    assert _unmask_cipher_token(TOKEN.search(again.content.decode()).group(1)) == secret
    assert again.cookies[settings.CSRF_COOKIE_NAME].value == secret
    switched = visitor.post(
        reverse("set_language"),
        {"language": "fr", "next": "/", "csrfmiddlewaretoken": TOKEN.search(again.content.decode()).group(1)},
    )
    assert switched.status_code == 302


@pytest.mark.parametrize(
    ("headers", "cookies", "language"),
    [
        ({"accept-language": "fr-CA,fr;q=0.9,en;q=0.5"}, {}, "fr"),
        ({"accept-language": "en-CA,en;q=0.9"}, {}, "en"),
        ({"accept-language": "de-DE"}, {}, "en"),  # a language the site lacks: the default
        ({"accept-language": "en"}, {settings.LANGUAGE_COOKIE_NAME: "fr"}, "fr"),  # the switch wins
        ({"accept-language": "fr"}, {settings.LANGUAGE_COOKIE_NAME: "en"}, "en"),
    ],
)
def test_the_stored_page_is_in_the_language_the_site_negotiates(programme, headers, cookies, language):
    for warm in ("en", "fr"):
        Client(headers={"accept-language": warm}).get(reverse("home"))
    visitor = Client(headers=headers)
    visitor.cookies.load(cookies)

    page = visitor.get(reverse("home"))

    assert served_early(page)
    assert f'<html lang="{language}"' in page.content.decode()
    assert page["Content-Language"] == language


def test_a_language_switched_on_a_stored_page_shows_on_the_next_one(programme):
    Client(headers={"accept-language": "en"}).get(reverse("home"))
    Client(headers={"accept-language": "fr"}).get(reverse("home"))
    visitor = Client(headers={"accept-language": "en"})
    token = TOKEN.search(visitor.get(reverse("home")).content.decode()).group(1)

    visitor.post(reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": token})
    page = visitor.get(reverse("home"))

    assert served_early(page)
    assert '<html lang="fr"' in page.content.decode()


def test_a_signed_in_clinician_who_reads_french_is_never_given_the_stored_english_page(programme, clinician):
    clinician.preferred_language = "fr"
    clinician.save()
    Client(headers={"accept-language": "en"}).get(reverse("home"))
    learner = Client(headers={"accept-language": "en"})
    learner.force_login(clinician)

    page = learner.get(reverse("home"))

    assert not served_early(page)
    assert '<html lang="fr"' in page.content.decode()
    assert "Se déconnecter" in page.content.decode()


def test_a_host_the_site_does_not_serve_is_refused_even_for_a_stored_page(programme):
    Client().get(reverse("home"))

    assert Client().get(reverse("home"), HTTP_HOST="attacker.example").status_code == 400


class SetsACookie:
    """Stands for any part of the stack that gives a visitor something of their own (a session, a message)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.set_cookie("something-personal", "1")
        return response


def test_a_page_that_came_with_a_cookie_of_its_own_is_not_stored(programme, settings):
    stack = list(settings.MIDDLEWARE)
    stack.insert(stack.index("core.page_cache.VisitorPageMiddleware") + 1, f"{__name__}.SetsACookie")
    settings.MIDDLEWARE = stack

    Client().get(reverse("home"))
    second = Client().get(reverse("home"))

    assert not served_early(second)
    assert second.cookies["something-personal"].value == "1"


def test_a_visitor_with_a_broken_csrf_cookie_gets_a_new_working_one(programme):
    Client().get(reverse("home"))
    visitor = Client(enforce_csrf_checks=True)
    visitor.cookies.load({settings.CSRF_COOKIE_NAME: "not-a-secret!"})

    page = visitor.get(reverse("home"))
    token = TOKEN.search(page.content.decode()).group(1)
    secret = page.cookies[settings.CSRF_COOKIE_NAME].value
    switched = visitor.post(reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": token})

    assert served_early(page)
    assert secret != "not-a-secret!" and len(secret) == 32 and secret.isalnum()
    assert _unmask_cipher_token(token) == secret
    assert switched.status_code == 302


def test_every_visitor_gets_a_different_secret_and_mask(programme):
    Client().get(reverse("home"))

    pages = [Client().get(reverse("home")) for _ in range(20)]
    tokens = [TOKEN.search(page.content.decode()).group(1) for page in pages]
    secrets = {page.cookies[settings.CSRF_COOKIE_NAME].value for page in pages}

    assert len(secrets) == 20 and len({token[:32] for token in tokens}) == 20
    assert all(len(token) == 64 and token.isascii() and token.isalnum() for token in tokens)


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def worker_clock(monkeypatch, settings):
    from core import page_cache

    settings.PUBLIC_PAGE_WORKER_SECONDS = 1.0
    clock = _Clock()
    monkeypatch.setattr(page_cache, "clock", clock)
    return clock


def _another_process_changed_the_programme(series, title):
    """What a Celery worker or the other web workers do: the rows and the shared version, not this process."""
    from django.core.cache import cache

    from core.page_cache import VERSION_KEY

    series.sessions.update(title=title)
    cache.incr(VERSION_KEY)


def test_a_change_made_in_another_process_reaches_visitors_within_the_worker_seconds(programme, worker_clock):
    Client().get(reverse("home"))  # rendered and stored, and kept by this process
    _another_process_changed_the_programme(programme, "Renamed elsewhere")

    soon = Client().get(reverse("home"))
    worker_clock.now += 1.01
    later = Client().get(reverse("home"))

    assert served_early(soon) and "Pain at the end of life" in soon.content.decode()
    assert "Renamed elsewhere" in later.content.decode()


def test_a_change_made_in_this_process_reaches_visitors_at_once(programme, worker_clock):
    Client().get(reverse("home"))
    session = programme.sessions.get()
    session.title = "Renamed here"
    session.save()

    assert "Renamed here" in Client().get(reverse("home")).content.decode()


def test_without_worker_seconds_every_visit_asks_the_shared_cache(programme, settings):
    settings.PUBLIC_PAGE_WORKER_SECONDS = 0
    Client().get(reverse("home"))
    _another_process_changed_the_programme(programme, "Renamed elsewhere")

    assert "Renamed elsewhere" in Client().get(reverse("home")).content.decode()


def test_a_process_keeps_a_bounded_number_of_pages(programme, worker_clock):
    from core import page_cache

    for page in range(page_cache._RECENT_PAGES_KEPT + 10):
        Client().get(reverse("series:catalog"), {"page": page})

    assert len(page_cache._recent_pages) == page_cache._RECENT_PAGES_KEPT
