"""Shared values kept in the process (core/versioned_cache.py) are never staler than the shared cache says.

The other process is played by writing to the shared cache directly, as another web process or a worker would.
"""

import time

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started

from core import versioned_cache
from core.page_cache import SEATS_VERSION_KEY, VERSION_KEY, invalidate_public_pages, programme_value

# A request's end closes old database connections (Django's own receiver), as in production.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kept_for_a_while(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    versioned_cache.clear_local()
    yield
    versioned_cache.clear_local()


class Renders:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return f"rendering {self.count}"


def _request(read):
    request_started.send(sender=None)
    try:
        return read()
    finally:
        request_finished.send(sender=None)


def test_a_value_is_computed_once_and_then_costs_one_round_trip_per_request():
    render = Renders()
    assert _request(lambda: programme_value("part", render)) == "rendering 1"
    reads = []
    real_get_many = cache.get_many
    cache.get_many = lambda keys: reads.append(keys) or real_get_many(keys)
    try:
        values = _request(lambda: [programme_value("part", render), programme_value("part", render, shows_seats=True)])
    finally:
        del cache.get_many
    assert values[0] == "rendering 1" and render.count == 2  # the second name was computed once
    assert len(reads) == 1 and {VERSION_KEY, SEATS_VERSION_KEY} <= set(reads[0])


def test_another_process_changing_the_programme_is_seen_on_the_next_request():
    render = Renders()
    _request(lambda: programme_value("part", render))
    cache.incr(VERSION_KEY)  # an edit in another process: only the shared version moved

    assert _request(lambda: programme_value("part", render)) == "rendering 2"


def test_another_process_taking_a_seat_is_seen_on_the_next_request():
    render = Renders()
    _request(lambda: programme_value("seats", render, shows_seats=True))
    cache.incr(SEATS_VERSION_KEY)

    assert _request(lambda: programme_value("seats", render, shows_seats=True)) == "rendering 2"


def test_a_change_this_request_makes_is_seen_by_the_rest_of_it():
    render = Renders()
    _request(lambda: programme_value("part", render))

    def edit_then_read():
        before = programme_value("part", render)
        invalidate_public_pages()
        return before, programme_value("part", render)

    assert _request(edit_then_read) == ("rendering 1", "rendering 2")


def test_an_emptied_cache_never_revives_what_the_process_kept():
    render = Renders()
    _request(lambda: programme_value("part", render))
    cache.clear()  # Redis restarted: every version starts again at 1, as the first time

    assert _request(lambda: programme_value("part", render)) == "rendering 2"


def test_a_value_kept_in_the_process_expires_with_the_shared_one(monkeypatch):
    render = Renders()
    _request(lambda: programme_value("part", render))
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 31)

    assert _request(lambda: programme_value("part", render)) == "rendering 2"


def test_each_caller_gets_a_copy_of_its_own():
    first = _request(lambda: programme_value("rows", lambda: {"seats": 3}))
    first["seats"] = 0

    assert _request(lambda: programme_value("rows", lambda: {"seats": 99})) == {"seats": 3}


FAMILY = versioned_cache.Family("test-family")


def test_a_family_value_read_from_the_process_is_not_stored_again(monkeypatch):
    render = Renders()
    _request(lambda: FAMILY.get_or_compute("family:part", render, timeout=60))
    stored = []
    monkeypatch.setattr(versioned_cache, "local_set", lambda *args, **kwargs: stored.append(args))

    assert _request(lambda: FAMILY.get_or_compute("family:part", render, timeout=60)) == "rendering 1"
    assert stored == []


def test_a_family_value_kept_in_the_process_is_not_kept_past_its_timeout_however_often_it_is_read(monkeypatch):
    render = Renders()
    _request(lambda: FAMILY.get_or_compute("family:part", render, timeout=60))
    version, _ = FAMILY.get("family:part")
    cache.set("family:part", (version, "stored by another process"))  # the shared entry, rewritten
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 40)
    assert _request(lambda: FAMILY.get_or_compute("family:part", render, timeout=60)) == "rendering 1"
    monkeypatch.setattr(time, "time", lambda: now + 70)

    assert _request(lambda: FAMILY.get_or_compute("family:part", render, timeout=60)) != "rendering 1"


def test_each_reader_of_a_family_value_gets_a_copy_of_its_own():
    first = _request(lambda: FAMILY.get_or_compute("family:rows", lambda: ["hub"], timeout=60))
    first.append("another hub")
    second = _request(lambda: FAMILY.get_or_compute("family:rows", lambda: ["other"], timeout=60))
    second.append("yet another")

    assert _request(lambda: FAMILY.get_or_compute("family:rows", lambda: ["other"], timeout=60)) == ["hub"]
