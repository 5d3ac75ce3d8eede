#!/usr/bin/env python
"""The recording email fanned out to 10,000 registrants, through a real worker, to an SMTP sink on loopback.

FANOUT_KIND=mailing measures a staff mailing to 10,000 mailing-list subscribers instead (a third of them in
French): `outreach.mailings.fan_out()`, the task's production path, in batches of 1,000 subscribers.

`main()` (called by `make bench`, or run this file alone) recreates the PostgreSQL database
`echo_bench_fanout_<random>` on DATABASE_URL's server, then, in a child process set up against it:

1. bulk-creates one ended session with a published recording and FANOUT_REGISTRANTS (10,000) registrants;
2. starts an SMTP sink on a free loopback port (tests/bench/smtp_sink.py, which offers PIPELINING as relays do
   and checks every message; FANOUT_SINK=aiosmtpd for the sink the tests use, which costs the machine ~1 ms
   of CPU a message, more than the worker's delivery) and `celery -A echo_portal worker` (prefork,
   FANOUT_CONCURRENCY=4) on a Redis queue of its own (FANOUT_BROKER_URL, default redis://127.0.0.1:6379/3);
3. runs the production path, `enrollment.recordings.queue_recording_followups()` (one INSERT … SELECT,
   `queue_deferred_select`, per 1,000 rows, each batch published after its commit), timing the rows queued per second;
4. waits until every row is sent (or FANOUT_TIMEOUT seconds) and counts, by the X-Echo-Idempotency-Key
   header, messages the sink received more than once (duplicates) and never (losses); prints the CPU time the
   worker's processes used, which depends far less on the machine's other load than the wall-clock figures, and
   the CPU each part used from the start of queueing to the last email sent (`tests/bench/cpu_meter.py`): the
   worker, the producer, the sink, PostgreSQL's backends and background processes, the broker's Redis.

Figures are printed and returned, never asserted. The database is dropped at the end.
"""

from __future__ import annotations

import json
import os
import re
import resource
import secrets
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGISTRANTS = int(os.environ.get("FANOUT_REGISTRANTS", "10000"))
KIND = os.environ.get("FANOUT_KIND", "recording")
CONCURRENCY = int(os.environ.get("FANOUT_CONCURRENCY", "4"))
TIMEOUT = float(os.environ.get("FANOUT_TIMEOUT", "600"))
# The relay's stand-in: "fast" (tests/bench/smtp_sink.py) or "aiosmtpd" (what the tests use; ~1 ms of CPU a message).
SINK = os.environ.get("FANOUT_SINK", "fast")
BROKER_URL = os.environ.get("FANOUT_BROKER_URL", "redis://127.0.0.1:6379/3")
# A name of this run's own: two runs at once (make bench and this file alone) must not drop each other's data.
DATABASE_NAME = f"echo_bench_fanout_{secrets.token_hex(4)}"


def _database_url() -> str:
    base = urllib.parse.urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/echo")
    if not base.scheme.startswith("postgres"):
        base = urllib.parse.urlsplit("postgres://postgres@127.0.0.1:5432/echo")
    return urllib.parse.urlunsplit(base._replace(path=f"/{DATABASE_NAME}"))


def _admin_connection(url: str):
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def _recreate(url: str, *, drop_only: bool = False) -> None:
    connection = _admin_connection(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
            if not drop_only:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        connection.close()


def main() -> dict[str, object]:
    """Run the fan-out in a child process (Django may already be set up for another database here)."""
    url = _database_url()
    _recreate(url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "echo_portal.settings",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER_URL,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    try:
        child = subprocess.run(  # noqa: S603 - our own interpreter and this file
            [sys.executable, __file__, "--child"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT + 300,
            check=False,
        )
    finally:
        _recreate(url, drop_only=True)
    if child.returncode != 0:
        raise RuntimeError(f"the fan-out child failed ({child.returncode}):\n{child.stderr[-3000:]}")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    for key, value in figures.items():
        print(f"fanout: {key}: {value}", flush=True)
    return figures


# --- the child: everything below runs against echo_bench_fanout --------------------------------------------------


def _setup_data(now):
    import datetime as dt

    from accounts.models import User
    from enrollment.models import Registration
    from hubs.models import Hub
    from series.models import Series
    from sessions.models import Resource, Session

    hub = Hub.objects.create(name="Bench Hub", slug="bench-hub", kind=Hub.Kind.REGIONAL, province="ON")
    series = Series.objects.create(
        hub=hub,
        title="Bench Community of Practice",
        slug="bench-cop",
        kind=Series.Kind.COMMUNITY_OF_PRACTICE,
        language="en",
        status=Series.Status.PUBLISHED,
        registration_mode=Series.RegistrationMode.OPEN,
        summary="Fan-out benchmark.",
    )
    session = Session.objects.create(
        series=series,
        title="Pain and symptom management",
        starts_at=now - dt.timedelta(hours=3),
        ends_at=now - dt.timedelta(hours=2),
        join_url="https://zoom.example.org/j/900001",
    )
    Resource.objects.create(
        session=session, kind=Resource.Kind.RECORDING, url="https://video.example.org/rec", published_at=now
    )
    users = User.objects.bulk_create(
        [
            User(
                email=f"learner{n:05d}@example.org",
                first_name=f"Learner{n}",
                last_name="Bench",
                preferred_language="fr" if n % 3 == 0 else "en",
                password="!",  # unusable: nobody signs in during the bench
            )
            for n in range(REGISTRANTS)
        ],
        batch_size=2000,
    )
    Registration.objects.bulk_create(
        [Registration(user=user, session=session, attended_minutes=55 if n % 2 else 0) for n, user in enumerate(users)],
        batch_size=2000,
    )
    return session


def _setup_mailing():
    from outreach.models import Mailing, Subscriber

    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"subscriber{n:05d}@example.org",
                name=f"Subscriber {n}",
                language="fr" if n % 3 == 0 else "en",
                province="QC" if n % 3 == 0 else "ON",
                profession="registered_nurse",
                status=Subscriber.Status.SUBSCRIBED,
                consent_text="Yes",
                consent_version="bench",
                consent_language="en",
                consent_given_at="2026-11-01T12:00:00Z",
                consent_source="/stay-connected/",
            )
            for n in range(REGISTRANTS)
        ],
        batch_size=2000,
    )
    body = "<p>Registration is open for the new community of practice.</p>" * 5
    return Mailing.objects.create(
        subject_en="New community of practice",
        subject_fr="Nouvelle communauté de pratique",
        body_en=body,
        body_fr=body,
        status=Mailing.Status.SENDING,
    )


class CountingSink:
    """An SMTP sink that only notes each message's idempotency key: parsing 10,000 messages in full would make
    the sink, not the outbox, the thing measured."""

    KEY = re.compile(rb"X-Echo-Idempotency-Key:\s*(\S+)", re.IGNORECASE)

    def __init__(self):
        self.received: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        match = self.KEY.search(envelope.original_content or envelope.content)
        self.received.append(match.group(1).decode() if match else "")
        return "250 Message accepted for delivery"


def _cpu_meter(*, worker_pid: int, sink_thread):
    """What each part of the run costs between `start()` and `spent()`: the worker's processes, this process's
    threads (the producer and the sink), PostgreSQL's backends on this database and its own background processes,
    the broker's Redis server (all of it: it may serve others too) and how many commands it ran."""
    import threading

    import redis
    from django.db import connection

    from tests.bench import cpu_meter

    def backends(where: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pid FROM pg_stat_activity WHERE {where}")  # noqa: S608 - fixed text below
            return [pid for (pid,) in cursor.fetchall()]

    broker = redis.Redis.from_url(BROKER_URL)
    meter = cpu_meter.CpuMeter()
    meter.tree("worker (celery and its pool)", worker_pid)
    meter.threads("producer and polling (this process's main thread)", lambda: [threading.main_thread().native_id])
    meter.threads("SMTP sink (this process's sink thread)", lambda: [sink_thread.native_id])
    meter.processes(
        "PostgreSQL backends of this database",
        lambda: backends("datname = current_database() AND backend_type = 'client backend'"),
    )
    meter.processes(
        "PostgreSQL background processes (WAL, checkpoints, autovacuum: shared)",
        lambda: backends("backend_type <> 'client backend'"),
    )
    meter.counter(
        "broker Redis server (all its clients)",
        lambda: sum(
            float(value) for key, value in broker.info("cpu").items() if key in {"used_cpu_sys", "used_cpu_user"}
        ),
    )
    meter.counter("broker Redis commands (count)", lambda: broker.info("stats")["total_commands_processed"])
    return meter


def _child() -> None:
    import django

    django.setup()
    import uuid

    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from echo_portal.celery import app
    from enrollment.recordings import queue_recording_followups
    from notifications.models import OutboundEmail
    from tests.bench.smtp_sink import SinkServer
    from tests.notifications.outbox_support import WorkerProcess, free_port, worker_env

    call_command("migrate", verbosity=0)
    now = timezone.now()
    if KIND == "mailing":
        from outreach.mailings import fan_out

        mailing = _setup_mailing()

        def produce() -> int:
            return fan_out(mailing_id=mailing.pk)
    else:
        _setup_data(now)

        def produce() -> int:
            return queue_recording_followups(now=now)

    queue = f"echo-bench-fanout-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    port = free_port()
    if SINK == "aiosmtpd":
        sink = CountingSink()
        controller = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=5)
        controller.start()
        sink_thread, stop_sink = controller._thread, controller.stop
    else:
        server = SinkServer(port=port).start()
        sink, sink_thread, stop_sink = server.received, server.thread, server.stop
    worker = WorkerProcess(
        worker_env(database_url=os.environ["DATABASE_URL"], broker=BROKER_URL, queue=queue, smtp_port=port),
        queue=queue,
        concurrency=CONCURRENCY,
    ).start()
    try:
        # Let the worker connect before the clock starts.
        with app.connection_for_write() as connection:
            connection.default_channel.queue_declare(queue=queue, durable=True, auto_delete=False)
        time.sleep(3)

        meter = _cpu_meter(worker_pid=worker.process.pid, sink_thread=sink_thread)
        meter.start()
        started = time.monotonic()
        queued = produce()
        queued_at = time.monotonic()

        deadline = queued_at + TIMEOUT
        sent = 0
        while time.monotonic() < deadline:
            sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()
            if sent >= queued:
                break
            time.sleep(0.2)
        finished = time.monotonic()
        machine_cpu = meter.spent()
        time.sleep(1)  # anything late (a duplicate) would show now
    finally:
        worker.stop()
        stop_sink()
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)

    # Reaped by now (worker.stop() waits for it, and it waits for its pool): what the worker's processes used, and
    # what this process used (the producer, the sink's thread). Unlike wall-clock times, these hardly depend on what
    # else the machine runs.
    worker_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_usage = resource.getrusage(resource.RUSAGE_SELF)
    worker_cpu = worker_usage.ru_utime + worker_usage.ru_stime
    expected = set(OutboundEmail.objects.values_list("idempotency_key", flat=True))
    received = Counter(sink.keys if SINK != "aiosmtpd" else sink.received)
    statuses = dict(OutboundEmail.objects.values_list("status").annotate(n=Count("pk")).order_by("status"))
    figures = {
        "fan-out": KIND,
        ("subscribers" if KIND == "mailing" else "registrants"): REGISTRANTS,
        "worker concurrency": CONCURRENCY,
        "rows queued": queued,
        "queueing (s)": round(queued_at - started, 2),
        "rows queued per second": round(queued / (queued_at - started)),
        "all delivered after (s, from the start of queueing)": round(finished - started, 2),
        "emails delivered per second": round(sent / (finished - started)),
        "rows by status": statuses,
        "worker CPU (s, all its processes, start-up included)": round(worker_cpu, 2),
        "worker CPU per email (ms)": round(worker_cpu / max(sent, 1) * 1000, 2),
        "producer and sink CPU (s, this process, set-up included)": round(own_usage.ru_utime + own_usage.ru_stime, 2),
        "SMTP sink": SINK,
        "messages received by the sink": sum(received.values()),
        **({} if SINK == "aiosmtpd" else {"messages failing the sink's checks": len(sink.malformed)}),
        "duplicates (keys received more than once)": sum(1 for count in received.values() if count > 1),
        "losses (keys never received)": len(expected - received.keys()),
        "CPU from the start of queueing to the last email sent (s), by process": machine_cpu,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if "--child" in sys.argv:
        _child()
    else:
        main()
