#!/usr/bin/env python
"""Registration bursts: many signed-in learners POST the real register endpoint for one session at once.

`make bench` (tests/bench/run.py) fires two, each against a fresh open series with one session:

* 500 learners on 50 seats, on the portal served as the pages are (sync workers);
* 120 learners on 20 seats, on gunicorn with 4 workers of 4 threads each (`THREADED`).

Every learner is signed in beforehand (a session made directly, as signing in makes it) and
fires at the same instant (a barrier), each on a connection of its own; the clock starts when
the barrier releases them. What is counted: seats filled, waitlist places, overbooking, errors
(anything but the redirect to the summary page), p50/p95/p99 and the time until the last answer.

Run alone, against the bench's database as `make bench` leaves it or a fresh one
(`python tests/bench/burst.py`, BENCH_DATABASE_URL as for run.py): it loads the data,
serves the portal and fires both bursts, so the burst can be profiled without the pages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import os
import secrets
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

REQUEST_TIMEOUT = 60
# gunicorn arguments of the threaded server the smaller burst is measured on.
THREADED = ["--worker-class=gthread", "--workers=4", "--threads=4"]


@dataclass(frozen=True)
class Burst:
    label: str
    slug: str
    session_id: int
    seats: int
    cookies: list[str]
    csrf_secret: str


@dataclass
class BurstFigures:
    label: str
    users: int
    seats: int
    registered: int
    waitlisted: int
    errors: int
    error_samples: list[str]
    latencies: list[float]
    elapsed: float

    @property
    def overbooked(self) -> int:
        return max(0, self.registered - self.seats)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000 if ordered else 0.0


def signed_in_cookie(user, csrf_secret: str) -> str:
    """The Cookie header of a browser signed in as `user` (the session made directly, as a sign-in makes it)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf_secret}"


def prepare_burst(*, name: str, label: str, users: int, seats: int) -> Burst:
    """An open series with one session of `seats` seats, and `users` learners already signed in."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from hubs.models import Hub
    from series.models import Series
    from sessions.models import Session

    series = Series.objects.create(
        hub=Hub.objects.order_by("pk").first(),
        title=f"Registration burst (bench, {name})",
        slug=f"bench-{name}",
        status=Series.Status.PUBLISHED,
        registration_mode=Series.RegistrationMode.OPEN,
        summary="Bench only.",
    )
    starts = timezone.now() + dt.timedelta(days=30)
    session = Session.objects.create(
        series=series,
        title=f"{seats} seats",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=seats,
        join_url="https://zoom.example.org/j/1",
    )
    password = make_password("bench password not used to sign in")
    learners = User.objects.bulk_create(
        [
            User(email=f"{name}{n}@bench.example.org", first_name="Burst", last_name=str(n), password=password)
            for n in range(users)
        ]
    )
    csrf_secret = secrets.token_hex(16)  # 32 characters, the form Django's CSRF cookie takes
    cookies = [signed_in_cookie(user, csrf_secret) for user in learners]
    return Burst(
        label=label, slug=series.slug, session_id=session.pk, seats=seats, cookies=cookies, csrf_secret=csrf_secret
    )


def fire(burst: Burst, *, port: int) -> BurstFigures:
    """Every learner POSTs at the same instant (a barrier), as after a newsletter goes out."""
    from enrollment.models import Registration

    path = f"/series/{burst.slug}/register/"
    body = urllib.parse.urlencode(
        {"sessions": str(burst.session_id), "consent": "on", "csrfmiddlewaretoken": burst.csrf_secret}
    ).encode()
    released = [0.0]
    barrier = threading.Barrier(
        len(burst.cookies), timeout=120, action=lambda: released.__setitem__(0, time.perf_counter())
    )
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def learner(cookie: str):
        headers = {
            "Host": f"127.0.0.1:{port}",
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept-Language": "en",
        }
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        with contextlib.suppress(OSError):
            connection.connect()  # the connection is open before the barrier: the POSTs, not the handshakes, race
        with contextlib.suppress(threading.BrokenBarrierError):  # a straggler still fires, just later
            barrier.wait()
        started = time.perf_counter()
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                failures.append(exc.__class__.__name__)
            return
        finally:
            connection.close()
        took = time.perf_counter() - started
        location = response.getheader("Location") or ""
        with lock:
            latencies.append(took)
            if response.status != 302 or "/register/done/" not in location:
                failures.append(f"HTTP {response.status} {location or content[:80]!r}")

    threads = [threading.Thread(target=learner, args=(cookie,)) for cookie in burst.cookies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    elapsed = time.perf_counter() - (released[0] or time.perf_counter())
    statuses = Registration.objects.filter(session_id=burst.session_id)
    return BurstFigures(
        label=burst.label,
        users=len(burst.cookies),
        seats=burst.seats,
        registered=statuses.filter(status=Registration.Status.REGISTERED).count(),
        waitlisted=statuses.filter(status=Registration.Status.WAITLISTED).count(),
        errors=len(failures),
        error_samples=sorted(set(failures))[:5],
        latencies=latencies,
        elapsed=elapsed,
    )


def summary_row(figures: BurstFigures) -> str:
    """The burst's line in the summary table of docs/benchmarks.md."""
    return (
        f"| burst: {figures.users} signed-in learners POST one {figures.seats}-seat session at once "
        f"({figures.label}) | register | all answered in {figures.elapsed:.2f} s, p95 "
        f"{figures.percentile(95) / 1000:.2f} s; {figures.registered} seated, {figures.overbooked} overbooked, "
        f"{figures.errors} errors | |"
    )


def report(bursts: list[BurstFigures]) -> list[str]:
    """The "Registration burst" section of docs/benchmarks.md."""
    lines = [
        "## Registration burst",
        "",
        "Signed-in learners POST to the real register endpoint for one session at the same instant (a barrier),",
        "each on its own connection, opened beforehand; the time runs from the barrier to the last answer.",
        "No worker runs: the requests only write the outbox and publish to the broker.",
        "",
        "| server | learners | seats | registered | waitlisted | overbooked | errors | p50 ms | p95 ms | p99 ms "
        "| all done in |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for figures in bursts:
        lines.append(
            f"| {figures.label} | {figures.users} | {figures.seats} | {figures.registered} | {figures.waitlisted} "
            f"| {figures.overbooked} | {figures.errors} | {figures.percentile(50):.0f} | {figures.percentile(95):.0f} "
            f"| {figures.percentile(99):.0f} | {figures.elapsed:.2f} s |"
        )
    lines.append("")
    for figures in bursts:
        if figures.error_samples:
            lines += [f"Errors seen ({figures.label}): " + "; ".join(figures.error_samples), ""]
    met = all(not figures.overbooked and not figures.errors for figures in bursts)
    lines += ["Target: zero overbooking and zero errors" + (" — met." if met else " — NOT met."), ""]
    return lines


def main() -> int:
    """Load the bench's data, serve the portal, fire both bursts and print their section of the report."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.bench import run

    os.environ.update(run.ENV)
    run.create_database()
    import django

    django.setup()
    from django.db import connections

    run.load_data()
    bursts = run.prepare_bursts()
    connections.close_all()
    figures = run.fire_bursts(bursts)
    print("\n".join([*map(summary_row, figures), "", *report(figures)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
