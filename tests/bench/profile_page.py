#!/usr/bin/env python
"""Profile one page in-process with cProfile, as the bench's signed-in clinician or as a visitor gets it.

Run after `make bench` (its database stays for inspection):

    .venv/bin/python tests/bench/profile_page.py /me/
    .venv/bin/python tests/bench/profile_page.py --visitor /series/

A visitor is not signed in and sends no cookie (a newsletter reader's first page), so with the public page
cache on (PUBLIC_PAGE_CACHE_SECONDS, default 30) what is profiled is a cached page being served; set it to 0
to profile the rendering. Requests go through the whole WSGI handler and middleware (Django's test client).
Prints the page's queries, then the functions by cumulative and by own time. The database is the bench's
(tests/bench/run.py's database_url(), or BENCH_DATABASE_URL); nothing is written to it but the
clinician's session.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="/")
    parser.add_argument("--visitor", action="store_true", help="not signed in, no cookie (the page cache serves)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--lines", type=int, default=40, help="functions listed by cumulative time")
    parser.add_argument(
        "--time",
        action="store_true",
        help="no profiler: this process's CPU time per request (load-independent, unlike wall time), then exit",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="profile with this process's CPU time as the clock, so time spent waiting (another process on the "
        "core, a round trip) is not charged to whatever was waiting",
    )
    options = parser.parse_args()
    from tests.bench.profiling import setup_django

    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    browser = Client(headers={"accept-language": "en"})  # one handler: its middleware is loaded once
    if not options.visitor:
        browser.force_login(User.objects.get(email="clinician@bench.example.org"))

    def get():
        if options.visitor:
            browser.cookies.clear()  # every request a new visitor's first
        return browser.get(options.path)

    for _ in range(5):  # warm: templates compiled, fragments and pages cached
        if get().status_code != 200:
            sys.exit(f"{options.path} does not answer 200")
    with CaptureQueriesContext(connection) as queries:
        get()
    print(f"{len(queries)} queries")
    for query in queries.captured_queries:
        print(f"  {query['time']} s  {query['sql'][:140]}")
    if options.time:
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(options.requests):
            get()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{options.requests} requests: {1000 * cpu / options.requests:.2f} ms CPU in this process per request")
        print(f"  ({1000 * wall / options.requests:.2f} ms wall, load {os.getloadavg()[0]:.1f})")
        return 0
    profile = cProfile.Profile(time.process_time) if options.cpu else cProfile.Profile()
    profile.enable()
    for _ in range(options.requests):
        get()
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"{options.requests} requests")
    stats.sort_stats("cumulative").print_stats(options.lines)
    stats.sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
