#!/usr/bin/env python
"""How long issuing the documents of a 500-learner series takes, and rendering one PDF.

Run with a throwaway PostgreSQL database (only a name ending in "bench" is used), for example
BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/echo_certificates_bench, as
    .venv/bin/python tests/bench/certificates.py
Figures are printed, never asserted.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LEARNERS = int(os.environ.get("BENCH_LEARNERS", "500"))
SESSIONS = 12
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/echo_certificates_bench")


def main() -> None:
    name = URL.rsplit("/", 1)[-1]
    if not name.endswith("bench"):
        raise SystemExit("BENCH_DATABASE_URL must name a database ending in 'bench'.")
    base = URL.rsplit("/", 1)[0]
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "echo_portal.settings")
    os.environ.pop("CELERY_BROKER_URL", None)  # emails stay in the outbox; delivery is not measured here
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from accounts.models import User
    from certificates import services
    from certificates.models import Certificate
    from certificates.pdf import render_pdf
    from enrollment.models import Registration
    from hubs.models import Hub
    from series.models import Accreditation, Series
    from sessions.models import Session

    hub = Hub.objects.create(name="Bench hub", slug="bench-hub")
    series = Series.objects.create(hub=hub, title="Bench community of practice", slug="bench-cop", status="published")
    Accreditation.objects.create(series=series, credit_type_en="Certified", category_en="Group Learning", maximum=12)
    start = timezone.now() - dt.timedelta(days=7 * SESSIONS + 7)
    sessions = Session.objects.bulk_create(
        Session(
            series=series,
            title=f"Session {n + 1}",
            starts_at=start + dt.timedelta(weeks=n),
            ends_at=start + dt.timedelta(weeks=n, hours=1),
        )
        for n in range(SESSIONS)
    )
    users = User.objects.bulk_create(
        User(email=f"learner{n}@bench.example.org", first_name="Learner", last_name=f"N{n}", password="!")
        for n in range(LEARNERS)
    )
    Registration.objects.bulk_create(
        Registration(user=user, session=session, attended_minutes=(60 if (n + i) % 5 else 30))
        for n, user in enumerate(users)
        for i, session in enumerate(sessions)
    )

    began = time.perf_counter()
    result = services.issue_for_series(series=series)
    first = time.perf_counter() - began
    began = time.perf_counter()
    again = services.issue_for_series(series=series)
    second = time.perf_counter() - began

    certificate = Certificate.objects.select_related("user", "series").first()
    timings = []
    for _ in range(5):
        began = time.perf_counter()
        pdf = render_pdf(certificate, language="en")
        timings.append(time.perf_counter() - began)
    print(f"learners: {LEARNERS}, sessions: {SESSIONS}, registrations: {LEARNERS * SESSIONS}")
    print(f"issue (rows + outbox emails): {len(result.issued)} documents in {first:.2f} s")
    print(f"issue again (nothing changed): {again.unchanged} unchanged in {second:.2f} s")
    median = statistics.median(timings)
    print(f"one PDF: median {median * 1000:.0f} ms ({len(pdf) // 1024} KB); {LEARNERS} PDFs would take about")
    print(f"{median * LEARNERS:.0f} s if rendered at once (they are rendered when downloaded)")


if __name__ == "__main__":
    main()
