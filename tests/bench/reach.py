#!/usr/bin/env python
"""`make bench-reach`: how long the national reach dashboard takes, and how many queries, over 100,000 registrations.

1. creates a fresh PostgreSQL database (REACH_BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/echo_reach_bench; only a database whose name ends in "bench" is
   ever dropped) and migrates it;
2. bulk-creates a programme: 20 hubs with 10 spokes each, 200 series of 10 sessions (2,000 sessions over
   two fiscal years), 12,000 clinicians with varied profiles (a third in spokes), and REGISTRATIONS
   registrations (default 100,000), 85 % of them attended;
3. renders /staff/reach/ for a fiscal year and for a half-year through Django's test client as a staff
   member, five times each, and prints the best and median time and the number of queries; then the
   figures alone (reports.reach.reach) and the PDF of the semi-annual report.

Figures are printed, never asserted: they depend on the machine.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("REACH_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/echo_reach_bench")
REGISTRATIONS = int(os.environ.get("REACH_BENCH_REGISTRATIONS", "100000"))
USERS = 12_000
RUNS = 5


def fresh_database() -> None:
    import psycopg2

    parsed = urlparse(DATABASE_URL)
    name = parsed.path.lstrip("/")
    if not name.endswith("bench"):
        sys.exit(f"refusing to drop {name!r}: the bench database's name must end in 'bench'")
    admin = psycopg2.connect(
        host=parsed.hostname, port=parsed.port or 5432, user=parsed.username or "postgres", dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "echo_portal.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_programme() -> None:
    from accounts.choices import Language, PracticeSetting, Profession, Province
    from accounts.models import User
    from enrollment.models import Registration
    from hubs.models import Hub, Spoke, SpokeMembership
    from series.models import Series
    from sessions.models import Session

    randomness = random.Random(15)
    hubs = Hub.objects.bulk_create([Hub(name=f"Hub {n}", slug=f"hub-{n}") for n in range(20)])
    spokes = Spoke.objects.bulk_create(
        [Spoke(hub=hub, name=f"{hub.name} spoke {n}", kind="long_term_care") for hub in hubs for n in range(10)]
    )
    series = Series.objects.bulk_create(
        [
            Series(
                hub=hubs[n % 20],
                title=f"Series {n}",
                title_en=f"Series {n}",
                slug=f"series-{n}",
                language=Language.FRENCH if n % 5 == 0 else Language.ENGLISH,
                status=Series.Status.PUBLISHED,
            )
            for n in range(200)
        ]
    )
    first_day = dt.datetime(2025, 4, 7, 16, 0, tzinfo=dt.UTC)
    sessions = Session.objects.bulk_create(
        [
            Session(
                series=item,
                title=f"{item.title} session {n}",
                title_en=f"{item.title} session {n}",
                starts_at=first_day + dt.timedelta(days=(index * 10 + n * 36) % 720),
                ends_at=first_day + dt.timedelta(days=(index * 10 + n * 36) % 720, hours=1),
            )
            for index, item in enumerate(series)
            for n in range(10)
        ]
    )
    professions = list(Profession.values)
    provinces = list(Province.values)
    settings = list(PracticeSetting.values)
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench{n}@example.org",
                first_name="Bench",
                last_name=str(n),
                profession=professions[n % len(professions)],
                province=provinces[n % len(provinces)],
                practice_settings=[settings[n % len(settings)]],
                rural_remote=n % 3 == 0,
                password="!",
            )
            for n in range(USERS)
        ],
        batch_size=2000,
    )
    SpokeMembership.objects.bulk_create(
        [SpokeMembership(spoke=spokes[n % len(spokes)], user=user) for n, user in enumerate(users) if n % 3 == 0],
        batch_size=2000,
    )
    pairs = set()
    while len(pairs) < REGISTRATIONS:
        pairs.add((randomness.randrange(USERS), randomness.randrange(len(sessions))))
    Registration.objects.bulk_create(
        [
            Registration(
                user=users[user_index],
                session=sessions[session_index],
                attended_minutes=randomness.choice([60, 55, 45, 30]) if randomness.random() < 0.85 else None,
            )
            for user_index, session_index in pairs
        ],
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(label: str, action) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(RUNS):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action()
            timings.append(time.perf_counter() - started)
        queries = len(captured)
    print(
        f"{label:<52} best {min(timings) * 1000:7.0f} ms   median {statistics.median(timings) * 1000:7.0f} ms"
        f"   {queries:3d} queries"
    )


def main() -> None:
    fresh_database()
    setup_django()
    started = time.perf_counter()
    build_programme()
    from django.test import Client

    from accounts.models import User
    from enrollment.models import Registration
    from reports import periods
    from reports.reach import reach

    print(f"Built {Registration.objects.count():,} registrations in {time.perf_counter() - started:.0f} s")
    staff = User.objects.create_superuser(email="bench-staff@example.org", password="bench")
    client = Client()
    client.force_login(staff)
    year = periods.preset("fy2025")
    half = periods.preset("fy2025-h2")

    def page(query):
        response = client.get("/staff/reach/", query)
        assert response.status_code == 200, response.status_code

    measure("GET /staff/reach/ (fiscal year 2025–2026)", lambda: page({"period": year.key}))
    measure("GET /staff/reach/ (October 2025 – March 2026)", lambda: page({"period": half.key}))
    measure("reports.reach.reach(), fiscal year (figures only)", lambda: reach(period=year.period))
    measure(
        "GET /staff/reach/report.pdf (half-year)",
        lambda: client.get("/staff/reach/report.pdf", {"period": half.key}).content,
    )


if __name__ == "__main__":
    main()
