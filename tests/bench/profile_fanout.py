#!/usr/bin/env python
"""Profile the recording fan-out in-process with cProfile: the producer, then one worker's delivery of batches.

    .venv/bin/python tests/bench/profile_fanout.py [--registrants 2000] [--lines 30] [--time]

Creates its own database on DATABASE_URL's server (as tests/bench/fanout.py does, and drops it at the end),
bulk-creates one ended session with FANOUT_REGISTRANTS registrants (--registrants), then profiles:

1. `enrollment.recordings.queue_recording_followups()` (publishing disabled: no worker runs);
2. `notifications.delivery.deliver_many()` over the queued rows in the batches `publish_deliveries` would
   make, sending to the bench's SMTP sink (tests/bench/smtp_sink.py) on loopback in a thread of this process.

Prints the queries each step ran, the wall time (noisy on a shared machine: say the load) and the
functions by own time and by cumulative time. Call counts and shares are what to compare between runs.

With --time, nothing is profiled and the sink runs in a process of its own: what is
printed is this process's CPU time for each step, per row queued and per email delivered, a figure the
machine's other load hardly moves (the worker's share of the fan-out, without Celery's start-up).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _report(profile: cProfile.Profile, *, title: str, lines: int) -> None:
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(lines)
        print(f"--- {title}, by {order}")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:12000])
    if os.environ.get("PROFILE_CALLERS"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_callers(os.environ["PROFILE_CALLERS"])
        print(out.getvalue()[:8000])


class _Measured:
    """A step measured as --time asks (process CPU time) or profiled (cProfile), with the same interface."""

    def __init__(self, *, timed: bool):
        self.timed = timed
        self.profile = cProfile.Profile()
        self.cpu = 0.0

    def __enter__(self):
        self.cpu = time.process_time()
        if not self.timed:
            self.profile.enable()
        return self

    def __exit__(self, *exc):
        if not self.timed:
            self.profile.disable()
        self.cpu = time.process_time() - self.cpu

    def report(self, *, title: str, lines: int, count: int) -> None:
        print(f"    {title}: {self.cpu:.2f} s of CPU, {self.cpu / max(count, 1) * 1000:.3f} ms each")
        if not self.timed:
            _report(self.profile, title=title, lines=lines)


def _sink_process(port: int):
    import subprocess

    sink = subprocess.Popen(  # noqa: S603 - our own interpreter and file
        [sys.executable, str(Path(__file__).with_name("smtp_sink.py")), str(port)]
    )
    from tests.notifications.outbox_support import wait_until

    def answers() -> bool:
        import socket

        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            return False
        return True

    wait_until(answers, message="the SMTP sink answers")
    return sink


def child(*, registrants: int, lines: int, timed: bool = False) -> None:
    import django

    django.setup()
    from unittest import mock

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from enrollment.recordings import queue_recording_followups
    from notifications import tasks
    from notifications.delivery import deliver_many
    from notifications.models import OutboundEmail
    from tests.bench import fanout
    from tests.bench.smtp_sink import SinkServer
    from tests.notifications.outbox_support import free_port

    call_command("migrate", verbosity=0)
    fanout.REGISTRANTS = registrants
    now = timezone.now()
    fanout._setup_data(now)

    published: list[list[int]] = []
    publishing = mock.patch.object(tasks, "publish_deliveries", side_effect=lambda ids: published.append(list(ids)))
    with publishing, CaptureQueriesContext(connection) as queries, _Measured(timed=timed) as producer:
        started = time.perf_counter()
        queued = queue_recording_followups(now=now)
        elapsed = time.perf_counter() - started
    print(f"=== producer: {queued} rows in {elapsed:.2f} s, {len(queries)} queries, load {os.getloadavg()[0]:.1f}")
    producer.report(title="producer", lines=lines, count=queued)

    port = free_port()
    if timed:
        sink_process = _sink_process(port)
    else:
        sink = SinkServer(port=port).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    ids = [pk for batch in published for pk in batch]
    batches = [ids[start : start + tasks.BATCH_SIZE] for start in range(0, len(ids), tasks.BATCH_SIZE)]
    # What a worker process pays once, before its first batch (the URL configuration, the templates' loading).
    deliver_many(outbound_ids=batches.pop(0))
    try:
        with CaptureQueriesContext(connection) as queries, _Measured(timed=timed) as delivered:
            started = time.perf_counter()
            for batch in batches:
                deliver_many(outbound_ids=batch)
            elapsed = time.perf_counter() - started
    finally:
        if timed:
            sink_process.terminate()
            sink_process.wait()
        else:
            sink.stop()
    sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()
    measured = sum(len(batch) for batch in batches)
    print(
        f"=== delivery: {sent} of {len(ids)} sent, {measured} in {len(batches)} batches measured (the first batch "
        f"warms up), {elapsed:.2f} s ({elapsed / max(measured, 1) * 1000:.2f} ms each), {len(queries)} queries, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    delivered.report(title="delivery", lines=lines, count=measured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=30)
    parser.add_argument("--time", action="store_true", help="CPU time per row and email, nothing profiled")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(registrants=options.registrants, lines=options.lines, timed=options.time)
        return
    import subprocess

    from tests.bench import fanout

    url = fanout._database_url()
    fanout._recreate(url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "echo_portal.settings",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    try:
        subprocess.run(  # noqa: S603 - our own interpreter and this file
            [
                sys.executable,
                __file__,
                "--child",
                f"--registrants={options.registrants}",
                f"--lines={options.lines}",
                *(["--time"] if options.time else []),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
    finally:
        fanout._recreate(url, drop_only=True)


if __name__ == "__main__":
    main()
