#!/usr/bin/env python
"""How long hub staff wait to check and queue a list of 2,000 invitations to a series by invitation only.

Run by `make bench` (or alone: .venv/bin/python tests/bench/invitations.py) against a throwaway PostgreSQL
database whose name ends in "bench" (BENCH_INVITATIONS_DATABASE_URL, default echo_invitations_bench on
DATABASE_URL's server). It measures, through the same functions the hub portal's two buttons call:

1. "Check the list": reading 2,000 pasted lines (a tenth of them with a name and a language) and sorting
   them against the series' invitations and members (`enrollment.invitation_lists.preview`);
2. "Send": `enrollment.services.invitations.invite`, which writes the 2,000 invitations and their 2,000
   rendered emails to the outbox in one transaction (delivery is not measured here, tests/bench/fanout.py
   does that: publishing after commit is replaced by nothing, so the rows stay queued);
3. "Send again" to the same 2,000.

Figures are printed, never asserted. The database is dropped at the end.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PEOPLE = int(os.environ.get("BENCH_INVITATIONS", "2000"))
ROUNDS = int(os.environ.get("BENCH_INVITATION_ROUNDS", "3"))


def _database_url() -> str:
    url = os.environ.get("BENCH_INVITATIONS_DATABASE_URL")
    if not url:
        base = urllib.parse.urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/echo")
        if not base.scheme.startswith("postgres"):
            base = urllib.parse.urlsplit("postgres://postgres@127.0.0.1:5432/echo")
        url = urllib.parse.urlunsplit(base._replace(path="/echo_invitations_bench"))
    if not url.rsplit("/", 1)[-1].endswith("bench"):
        raise SystemExit("BENCH_INVITATIONS_DATABASE_URL must name a database ending in 'bench'.")
    return url


def _psql(url: str, statement: str) -> None:
    base = url.rsplit("/", 1)[0]
    subprocess.run(["psql", f"{base}/postgres", "-qc", statement], check=True)


def _list_text(round_number: int) -> str:
    lines = []
    for n in range(PEOPLE):
        address = f"invitee{round_number}-{n}@example.org"
        lines.append(f"{address}, Person {n}, {'fr' if n % 3 == 0 else 'en'}" if n % 10 == 0 else address)
    return "\n".join(lines)


def main() -> None:
    url = _database_url()
    name = url.rsplit("/", 1)[-1]
    _psql(url, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "echo_portal.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from accounts.models import User
        from enrollment.invitation_lists import preview
        from enrollment.models import SeriesInvitation
        from enrollment.services import invitations
        from hubs.models import Hub
        from notifications.models import OutboundEmail
        from series.models import Series

        hub = Hub.objects.create(name="Bench hub", slug="bench-hub")
        manager = User.objects.create_user(email="manager@bench.example.org", first_name="Bench", last_name="Manager")
        # Some of the invited already have an account (their language is looked up): every fifth address.
        User.objects.bulk_create(
            User(email=f"invitee{r}-{n}@example.org", preferred_language="fr")
            for r in range(ROUNDS)
            for n in range(0, PEOPLE, 5)
        )
        # The rows stay in the outbox: what is measured is the hub staff's wait, not the delivery after it.
        quiet = mock.patch("notifications.tasks.publish_deliveries")
        quiet.start()
        checks, sends, resends = [], [], []
        for round_number in range(ROUNDS):
            series = Series.objects.create(
                hub=hub,
                title=f"Bench private circle {round_number}",
                title_fr=f"Cercle privé d'essai {round_number}",
                slug=f"bench-private-{round_number}",
                status=Series.Status.PUBLISHED,
                registration_mode=Series.RegistrationMode.INVITATION,
            )
            text = _list_text(round_number)
            started = time.perf_counter()
            checked = preview(series=series, text=text)
            checks.append(time.perf_counter() - started)
            assert len(checked.to_invite) == PEOPLE, len(checked.to_invite)
            started = time.perf_counter()
            created = invitations.invite(series=series, people=checked.to_invite, invited_by=manager)
            sends.append(time.perf_counter() - started)
            assert len(created) == PEOPLE
            started = time.perf_counter()
            invitations.send_again(series=series, sent_by=manager)
            resends.append(time.perf_counter() - started)
        emails = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.INVITATION).count()
        invited = SeriesInvitation.objects.count()
        quiet.stop()
        connection.close()
    finally:
        _psql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print()
    print(f"## Invitations: a list of {PEOPLE} addresses, {ROUNDS} rounds (median, best)")
    print(f"check the list (preview)       {statistics.median(checks):6.2f} s  {min(checks):6.2f} s")
    print(
        f"send: queue {PEOPLE} invitations   {statistics.median(sends):6.2f} s  {min(sends):6.2f} s"
        f"  ({PEOPLE / statistics.median(sends):.0f} invitations/s)"
    )
    print(f"send again to {PEOPLE}            {statistics.median(resends):6.2f} s  {min(resends):6.2f} s")
    print(f"rows written: {invited} invitations, {emails} emails in the outbox")


if __name__ == "__main__":
    main()
