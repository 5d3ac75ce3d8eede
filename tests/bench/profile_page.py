#!/usr/bin/env python
"""Profile one page as the bench's signed-in clinician gets it, in-process, with cProfile.

Run after `make bench` (its database stays for inspection):

    .venv/bin/python tests/bench/profile_page.py /me/

Prints the page's queries, then the functions by cumulative and by own time. BENCH_DATABASE_URL
names the database (default postgres://postgres@127.0.0.1:5432/echo_bench); nothing is written to it
but the clinician's session.
"""

import cProfile
import os
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
REQUESTS = 30


def main(path: str) -> int:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.bench.settings",
        DEBUG="off",
        SECRET_KEY="profile-only-" + "x" * 40,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="off",
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/echo_bench"),
        CACHE_URL="locmemcache://bench-profile",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.get(email="clinician@bench.example.org"))
    for _ in range(5):  # warm: templates compiled, fragments cached
        if client.get(path).status_code != 200:
            sys.exit(f"{path} does not answer 200 for the clinician")
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    print(f"{len(queries)} queries")
    for query in queries.captured_queries:
        print(f"  {query['time']} s  {query['sql'][:140]}")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(REQUESTS):
        client.get(path)
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"{REQUESTS} requests")
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/"))
