#!/usr/bin/env python
"""Profile the registration POST in-process with cProfile, as a burst's learners send it, and time the seat lock.

Run after `make bench` or `tests/bench/burst.py` (their database stays for inspection):

    .venv/bin/python tests/bench/profile_register.py
    .venv/bin/python tests/bench/profile_register.py --learners 200 --seats 20

Makes an open series with one session of `--seats` seats and `--learners` learners signed in as burst.py signs
them in (a session made directly), each of whom opens the picker first (not measured, as in burst.py), then each
learner POSTs the session picker once, one after another, through
the whole WSGI handler and middleware (Django's test client with the learner's cookies): the first `--seats`
take a seat, the rest the waitlist, as in a burst. Prints the queries of one seated and one waitlisted POST,
the time the session row is locked (from the SELECT … FOR UPDATE to the end of COMMIT), the CPU each POST costs
(in Python and in its PostgreSQL backend) and the functions by cumulative and by own CPU time. The database is
the bench's (tests/bench/run.py's database_url(), or BENCH_DATABASE_URL); the cache is PROFILE_CACHE_URL
(default: a local-memory one; give a Redis URL to count its round trips too).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def backend_cpu_seconds(connection) -> float:
    """CPU time the PostgreSQL backend serving `connection` has used (it runs on this machine: /proc)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class LockClock:
    """How long each transaction holds the session lock: from sending the statement that takes it (SELECT … FOR
    UPDATE, alone or with the seats it guards; in this run nobody else holds it, so it is granted at once) to
    COMMIT returning, or to that statement returning when it was sent outside a transaction (one round trip that
    PostgreSQL commits by itself, `locks.register_at_once`)."""

    def __init__(self, connection):
        self.connection = connection
        self.locked_at: float | None = None
        self.held: list[float] = []
        commit = connection.commit

        def timed_commit():
            commit()
            if self.locked_at is not None:
                self.held.append(time.perf_counter() - self.locked_at)
                self.locked_at = None

        connection.commit = timed_commit

    def __call__(self, execute, sql, params, many, context):
        sent = time.perf_counter()
        result = execute(sql, params, many, context)
        # A statement planned once per connection is sent by name (core.prepared_sql): read it as written.
        written = {name: text for text, name in getattr(self.connection, "prepared_statements", {}).items()}
        statements = [
            written.get(part.split()[1].split("(")[0], part) if part.startswith("EXECUTE ") else part
            for part in sql.split("; ")
        ]
        locks_session = any(
            part.startswith('SELECT * FROM "echo_sessions_session"') and part.endswith("FOR UPDATE")
            for part in statements
        )
        if locks_session and self.locked_at is None:
            if not self.connection.in_atomic_block:
                self.held.append(time.perf_counter() - sent)
            else:
                self.locked_at = sent
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=120)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--lines", type=int, default=45, help="functions listed by cumulative time")
    parser.add_argument("--dump", help="also write the profile to this file (for pstats or snakeviz)")
    options = parser.parse_args()
    from tests.bench.profiling import setup_django

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from enrollment.models import Registration
    from tests.bench.burst import prepare_burst

    name = f"profile-{os.getpid()}-{int(time.time())}"
    burst = prepare_burst(name=name, label="profile", users=options.learners + 2, seats=options.seats)
    path = f"/series/{burst.slug}/register/"
    body = {"sessions": str(burst.session_id), "consent": "on", "csrfmiddlewaretoken": burst.csrf_secret}
    cookies = iter(burst.cookies)

    browser = Client(headers={"accept-language": "en"}, enforce_csrf_checks=True)  # its middleware loaded once

    def sign_in(cookie: str):
        browser.cookies.clear()
        for part in cookie.split("; "):
            key, value = part.split("=", 1)
            browser.cookies[key] = value

    # Each learner has the picker open before posting it, as in burst.py (a browser must, to post its form).
    for cookie in burst.cookies:
        sign_in(cookie)
        if (status := browser.get(path).status_code) != 200:
            sys.exit(f"the picker answered {status}")

    def post():
        sign_in(next(cookies))
        response = browser.post(path, urllib.parse.urlencode(body), content_type="application/x-www-form-urlencoded")
        if response.status_code != 302 or "/register/done/" not in response["Location"]:
            sys.exit(f"POST answered {response.status_code} {response.get('Location', '')}")
        return response

    post()  # warm: URLconf, templates, translations; takes the first seat
    clock = LockClock(connection)
    with connection.execute_wrapper(clock):
        with CaptureQueriesContext(connection) as seated:
            post()
        # Half timed without the profiler (its overhead would lengthen the lock), half profiled.
        timed = (options.learners - 1) // 2
        started, cpu, backend = time.perf_counter(), time.process_time(), backend_cpu_seconds(connection)
        for _ in range(timed):
            post()
        took = time.perf_counter() - started
        cpu, backend = time.process_time() - cpu, backend_cpu_seconds(connection) - backend
        held = sorted(clock.held)
        # Timed in CPU time, not wall-clock: what the POST costs the worker, whatever the load on the machine (waits
        # on PostgreSQL and Redis show in the backend's CPU above, and in the lock's hold time).
        profile = cProfile.Profile(time.thread_time)
        profile.enable()
        for _ in range(options.learners - 1 - timed):
            post()
        profile.disable()
        with CaptureQueriesContext(connection) as waitlisted:
            post()
    statuses = Registration.objects.filter(session_id=burst.session_id)
    print(
        f"cache {settings.CACHES['default']['BACKEND']}; "
        f"{statuses.filter(status=Registration.Status.REGISTERED).count()} seated, "
        f"{statuses.filter(status=Registration.Status.WAITLISTED).count()} waitlisted"
    )
    for label, queries in (("seated", seated), ("waitlisted", waitlisted)):
        print(f"{label}: {len(queries)} queries")
        for query in queries.captured_queries:
            print(f"  {query['time']} s  {query['sql'][:150]}")
    print(
        f"session lock held ({len(held)} transactions): median {statistics.median(held) * 1000:.2f} ms, "
        f"max {held[-1] * 1000:.2f} ms"
    )
    print(
        f"{timed} POSTs unprofiled in {took:.2f} s ({took / timed * 1000:.1f} ms each): CPU per POST "
        f"{cpu / timed * 1000:.1f} ms in Python, {backend / timed * 1000:.1f} ms in its PostgreSQL backend"
    )
    if options.dump:
        profile.dump_stats(options.dump)
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(options.lines)
    stats.sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
