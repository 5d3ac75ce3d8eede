#!/usr/bin/env python
"""`make bench`: how fast the portal's pages are against the least Django can do, and whether a burst overbooks.

What it does, start to finish (about four minutes on 2 cores):

1. creates a fresh PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/echo_bench; only a database whose name ends in
   "bench" is ever dropped), migrates it, loads `seed_demo` and grows its programme
   tenfold with synthetic copies (bulk_create), 3,000 learners with ~12,000
   registrations, the users of the burst and one signed-in clinician with a dozen
   registrations;
2. serves the site with gunicorn (BENCH_WORKERS=2 sync workers, DEBUG off, Redis as the cache and the
   broker, as in production) on a free loopback port, with the bench settings, which
   add one bare Django view (/bench/bare/) going through the whole middleware; and beside
   it, with the same gunicorn settings, the minimal Django view (tests/bench/minimal.py:
   a constant response through SecurityMiddleware and CommonMiddleware only), the limit;
3. measures with wrk (Debian's package; BENCH_SECONDS per page, default 10) requests per
   second and p50/p95/p99 latency at BENCH_CONCURRENCY (16) keep-alive connections of
   the minimal view, the bare view, /, /series/, a series page and /sessions/past/ as
   visitors get them, and /, /series/, a series page, /me/ and the session picker as
   the clinician gets them, in short turns taken in rotation, so each
   page is given as a share of the minimal view measured in the same conditions, with
   the CPU the load generator itself took, and each gunicorn worker's peak resident memory;
4. fires the registration bursts of tests/bench/burst.py: 500 signed-in users POST to the
   real register endpoint for one 50-seat session at once, then 120 on 20 seats on a
   threaded gunicorn (4 workers × 4 threads), each just after a warm-up burst of 48 on 12 seats on the same
   server (reported beside it); counts seats filled, waitlisted, errors and p95;
5. runs tests/bench/fanout.py's main() when it exists (the outbox fan-out);
6. prints a table (audience, pages, share of the minimal view, p99) and writes
   docs/benchmarks.md with the machine it ran on.

Figures are printed, never asserted: they depend on the machine. Traffic goes to
127.0.0.1 only, and every loop is bounded in count and time.
"""

from __future__ import annotations

import collections
import datetime as dt
import http.client
import math
import os
import platform
import random
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import burst as bursts  # noqa: E402  (after the project is on the path)
from tests.bench.burst import signed_in_cookie  # noqa: E402

RUN_ID = secrets.token_hex(4)
# Two sync workers, as in issue 13's measurement, for the portal and the minimal view alike.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = 5  # each page's SECONDS are split into this many turns, taken in rotation with the other pages
WARMUP_SECONDS = 2
WRK = shutil.which("wrk") or "wrk"  # Debian's package `wrk`: the load generator
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "1"))
WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
BURST_USERS = int(os.environ.get("BENCH_BURST_USERS", "500"))
BURST_SEATS = 50
SMALL_BURST_USERS, SMALL_BURST_SEATS = 120, 20
# Learners and seats of the burst fired just before each, on the same server (tests/bench/burst.py `fire`): three
# POSTs for each of the threaded server's 16 threads, some seated and some waitlisted.
WARM_UP_BURST = (48, 12)
# The demo programme grown tenfold (it and nine synthetic copies: ~210 series, ~1,000 sessions), with a few
# thousand learners holding about 12,000 registrations, as issue 13 measures.
SYNTHETIC_COPIES = 9
SYNTHETIC_USERS = 3000
REGISTRATIONS_PER_LEARNER = 4
REQUEST_TIMEOUT = 60
RESULTS = ROOT / "docs" / "benchmarks.md"
LOAD_BEFORE = [0.0]  # set when the run starts, before the bench's own work adds to it


def database_url() -> str:
    """The bench's own database: BENCH_DATABASE_URL, else DATABASE_URL's server and name with `_bench` added
    (two checkouts on one server never drop each other's), echo_bench without a PostgreSQL DATABASE_URL."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        base = urllib.parse.urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/echo")
        if not base.scheme.startswith("postgres"):
            base = urllib.parse.urlsplit("postgres://postgres@127.0.0.1:5432/echo")
        url = urllib.parse.urlunsplit(base._replace(path=f"/{base.path.strip('/') or 'echo'}_bench"))
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = _free_port()
MINIMAL_PORT = _free_port()  # tests/bench/minimal.py, the least Django can do, served beside the portal
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
CACHE_PREFIX = f"echo-bench-{RUN_ID}"
QUEUE = f"echo-bench-{RUN_ID}"
ENV = {
    "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
    "DEBUG": "off",
    "SECRET_KEY": f"bench-only-{secrets.token_urlsafe(40)}",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    # Plain HTTP on loopback: production terminates TLS in front of gunicorn.
    "SECURE_SSL_REDIRECT": "off",
    "DATABASE_URL": database_url(),
    "CACHE_URL": f"{REDIS}/14?key_prefix={CACHE_PREFIX}",
    # Requests only publish to the broker (no worker runs): web throughput is what is measured.
    "CELERY_BROKER_URL": f"{REDIS}/15",
    "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
    "EMAIL_URL": "dummymail://",
    "LOG_LEVEL": "WARNING",
}


# ---------------------------------------------------------------- data


def create_database() -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urllib.parse.urlsplit(ENV["DATABASE_URL"])
    name = parts.path.lstrip("/")
    if not name.endswith("bench"):
        sys.exit(f"refusing to drop database {name!r}: the bench only recreates databases named *bench")
    admin = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def load_data() -> dict:
    """seed_demo, grown tenfold with nine copies of its programme, and thousands of learners with registrations."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from enrollment.models import Registration
    from hubs.models import Hub
    from series.models import Series
    from sessions.models import Resource, Session

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", verbosity=0)
    demo = {"hubs": Hub.objects.count(), "series": Series.objects.count(), "sessions": Session.objects.count()}

    hubs = list(Hub.objects.all())
    base_series = list(Series.objects.all())
    base_sessions = list(Session.objects.all())
    base_resources = list(Resource.objects.all())
    for copy in range(1, SYNTHETIC_COPIES + 1):
        clones = []
        for series in base_series:
            clone = Series(**{f.attname: getattr(series, f.attname) for f in Series._meta.concrete_fields})
            clone.pk = None
            clone.slug = f"{series.slug}-c{copy}"[:120]
            clone.title = f"{series.title} (cohort {copy})"
            clone.hub = hubs[copy % len(hubs)]
            clones.append(clone)
        Series.objects.bulk_create(clones)
        series_map = {old.pk: new for old, new in zip(base_series, clones, strict=True)}
        session_clones = []
        for session in base_sessions:
            clone = Session(**{f.attname: getattr(session, f.attname) for f in Session._meta.concrete_fields})
            clone.pk = None
            clone.series = series_map[session.series_id]
            shift = dt.timedelta(days=7 * copy)
            clone.starts_at, clone.ends_at = session.starts_at + shift, session.ends_at + shift
            session_clones.append(clone)
        Session.objects.bulk_create(session_clones)
        session_map = {old.pk: new for old, new in zip(base_sessions, session_clones, strict=True)}
        resource_clones = []
        for resource in base_resources:
            clone = Resource(**{f.attname: getattr(resource, f.attname) for f in Resource._meta.concrete_fields})
            clone.pk = None
            clone.session = session_map[resource.session_id]
            resource_clones.append(clone)
        Resource.objects.bulk_create(resource_clones)

    password = make_password("bench password not used to sign in")
    User.objects.bulk_create(
        [
            User(email=f"learner{n}@bench.example.org", first_name="Bench", last_name=f"Learner {n}", password=password)
            for n in range(SYNTHETIC_USERS)
        ],
        batch_size=1000,
    )
    rng = random.Random(7)
    learners = list(User.objects.filter(email__endswith="@bench.example.org").values_list("pk", flat=True))
    sessions = list(Session.objects.values_list("pk", flat=True))
    pairs = {(rng.choice(learners), rng.choice(sessions)) for _ in range(SYNTHETIC_USERS * REGISTRATIONS_PER_LEARNER)}
    Registration.objects.bulk_create(
        [Registration(user_id=u, session_id=s, status=Registration.Status.REGISTERED) for u, s in pairs],
        batch_size=2000,
        ignore_conflicts=True,
    )
    # Settle the database as a long-running one is: fresh planner statistics, no pending checkpoint mid-measurement.
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError as exc:  # needs a superuser (or pg_checkpoint); the figures are only a little noisier
            print(f"bench: no CHECKPOINT ({exc})", flush=True)
    now = timezone.now()
    return {
        "demo": demo,
        "hubs": Hub.objects.count(),
        "series": Series.objects.count(),
        "sessions": Session.objects.count(),
        "upcoming sessions": Session.objects.filter(starts_at__gte=now).count(),
        "past sessions": Session.objects.filter(starts_at__lt=now).count(),
        "users": User.objects.count(),
        "registrations": Registration.objects.count(),
    }


def prepare_bursts(suffix: str = "") -> list[bursts.Burst]:
    """The two bursts: 500 learners on 50 seats (sync workers), 120 on 20 (threaded workers), each after a warm-up
    on the same server (`bursts.fire`); `suffix` names their series and learners apart from an earlier run's in
    the same database."""

    def warm_up(name: str, label: str, users: int, seats: int) -> bursts.Burst:
        return bursts.prepare_burst(name=f"{name}-warm-up", label=f"{label}, warm-up", users=users, seats=seats)

    sync_label, threaded_label = f"{WORKERS} sync workers", "4 workers × 4 threads"
    return [
        bursts.prepare_burst(
            name=f"burst{suffix}",
            label=sync_label,
            users=BURST_USERS,
            seats=BURST_SEATS,
            warm_up=warm_up(f"burst{suffix}", sync_label, *WARM_UP_BURST),
        ),
        bursts.prepare_burst(
            name=f"small-burst{suffix}",
            label=threaded_label,
            users=SMALL_BURST_USERS,
            seats=SMALL_BURST_SEATS,
            warm_up=warm_up(f"small-burst{suffix}", threaded_label, *WARM_UP_BURST),
        ),
    ]


def fire_bursts(prepared: list[bursts.Burst]) -> list[bursts.BurstFigures]:
    """Each burst on a portal of its own: the sync workers the pages are measured on, then the threaded one."""
    figures = []
    for burst, workers in zip(
        prepared, [(f"--workers={WORKERS}", "--worker-class=sync"), bursts.THREADED], strict=True
    ):
        print(f"bench: registration burst, {burst.label}", flush=True)
        server = start_gunicorn(workers=workers)
        try:
            figures.append(bursts.fire(burst, port=PORT, server_pid=server.pid))
        finally:
            stop(server)
    return figures


@dataclass
class Clinician:
    cookie: str
    series_slugs: list[str]  # open series with upcoming sessions, the first the one most registered in
    registrations: int


def prepare_clinician(exclude_slugs: list[str]) -> Clinician:
    """A signed-in clinician with a dozen upcoming registrations, three of them in one open series."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count, Q
    from django.utils import timezone

    from accounts.models import User
    from enrollment.models import Registration
    from series.models import Series
    from sessions.models import Session

    now = timezone.now()
    open_series = list(
        Series.objects.filter(status=Series.Status.PUBLISHED, registration_mode=Series.RegistrationMode.OPEN)
        .exclude(slug__in=exclude_slugs)
        .annotate(upcoming=Count("sessions", filter=Q(sessions__starts_at__gte=now)))
        .filter(upcoming__gte=3)
        .order_by("-upcoming", "pk")
        .values_list("slug", flat=True)[:10]
    )
    user = User.objects.create(
        email="clinician@bench.example.org",
        first_name="Bench",
        last_name="Clinician",
        password=make_password("bench password not used to sign in"),
    )
    upcoming = Session.objects.filter(starts_at__gte=now, series__status=Series.Status.PUBLISHED).order_by("starts_at")
    chosen = list(upcoming.filter(series__slug=open_series[0]).values_list("pk", flat=True)[:3]) if open_series else []
    chosen += list(
        upcoming.exclude(pk__in=chosen)
        .exclude(series__slug__in=exclude_slugs)
        .values_list("pk", flat=True)[::7][: 12 - len(chosen)]
    )
    Registration.objects.bulk_create(
        [Registration(user=user, session_id=pk, status=Registration.Status.REGISTERED) for pk in chosen]
    )
    return Clinician(
        cookie=signed_in_cookie(user, secrets.token_hex(16)), series_slugs=open_series, registrations=len(chosen)
    )


# ---------------------------------------------------------------- serving


def start_gunicorn(
    app: str = "echo_portal.wsgi:application",
    port: int = PORT,
    workers: tuple[str, ...] = (f"--workers={WORKERS}", "--worker-class=sync"),
    **settings_env: str,
) -> subprocess.Popen:
    """The portal (or the minimal view), always with the same gunicorn settings (unless `workers` says otherwise)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            f"--config={ROOT / 'gunicorn.conf.py'}",  # the deployments' own settings (the garbage collector's)
            *workers,
            f"--bind=127.0.0.1:{port}",
            "--backlog=2048",
            "--timeout=60",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV, **settings_env},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}")
        try:
            status, _, _ = request("GET", "/healthz", port=port)
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s")


def peak_worker_rss(server: subprocess.Popen) -> list[float]:
    """Each of the server's workers' peak resident memory (VmHWM), in MiB (none when /proc says nothing)."""
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        peaks = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return sorted(peaks)
    except OSError:
        return []


def _mib(peaks: list[float]) -> str:
    return " and ".join(f"{peak:.0f}" for peak in peaks) + " MiB" if peaks else "not available"


def _wrk_version() -> str:
    banner = subprocess.run([WRK, "--version"], capture_output=True, text=True).stdout.split()
    return banner[1] if len(banner) > 1 else "?"


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)


def request(
    method: str, path: str, *, body: bytes | None = None, headers: dict | None = None, connection=None, port: int = PORT
):
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers={"Host": f"127.0.0.1:{port}", **(headers or {})})
        response = connection.getresponse()
        content = response.read()
        return response.status, response.getheader("Location"), content
    finally:
        if own:
            connection.close()


# ---------------------------------------------------------------- load


@dataclass
class Target:
    """A page as one audience gets it: the address, the server (port) and the session cookie, if signed in."""

    label: str
    path: str
    port: int = PORT
    cookie: str = ""


@dataclass
class Figures:
    label: str
    path: str
    histogram: collections.Counter = field(default_factory=collections.Counter)  # latency in µs -> requests
    errors: int = 0
    elapsed: float = 0.0
    client_cpu: float = 0.0  # CPU seconds the load generator (wrk) spent

    @property
    def client_share(self) -> float:
        """The load generator's CPU use while it measured this page, in cores."""
        return self.client_cpu / self.elapsed if self.elapsed else 0.0

    @property
    def count(self) -> int:
        return sum(self.histogram.values())

    @property
    def rps(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """The latency (ms) below which p % of the requests were answered, from wrk's exact histogram."""
        total = self.count
        if not total:
            return float("nan")
        rank, seen = max(1, math.ceil(p / 100 * total)), 0
        for micros in sorted(self.histogram):
            seen += self.histogram[micros]
            if seen >= rank:
                return micros / 1000
        return max(self.histogram) / 1000

    def add(self, other: Figures) -> None:
        self.histogram.update(other.histogram)
        self.errors += other.errors
        self.elapsed += other.elapsed
        self.client_cpu += other.client_cpu


def hammer(target: Target, *, seconds: float, concurrency: int) -> Figures:
    """wrk: `concurrency` keep-alive connections, each sending the next request as soon as the last is answered.

    wrk (Debian's package) is a C program on one thread, so it takes far less of the two cores than the
    servers; the CPU it took is measured (its own rusage) and printed beside every page. Sync gunicorn
    workers close the connection after each answer, portal and minimal view alike: wrk reconnects.
    """
    figures = Figures(target.label, target.path)
    headers = ["-H", "Accept-Language: en"] + (["-H", f"Cookie: {target.cookie}"] if target.cookie else [])
    command = [
        WRK,
        f"--threads={WRK_THREADS}",
        f"--connections={concurrency}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={REQUEST_TIMEOUT}s",
        f"--script={WRK_SCRIPT}",
        *headers,
        f"http://127.0.0.1:{target.port}{target.path}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"wrk exited with {process.returncode} on {target.path}")
    for line in output.splitlines():
        kind, *values = line.split()
        if kind == "summary":
            _, duration, *errors = (int(value) for value in values)
            figures.elapsed = duration / 1_000_000
            figures.errors = sum(errors)  # connect, read, write, HTTP status >= 400, timeout
        elif kind == "latency":
            figures.histogram[int(values[0])] += int(values[1])
    figures.client_cpu = usage.ru_utime + usage.ru_stime
    drain(target.port)
    return figures


def drain(port: int) -> None:
    """Wait until the server has answered what wrk left in its queue when it stopped.

    A sync worker finishes every connection it accepts, even one whose client has gone: without this, the
    next page's turn would begin behind up to BENCH_CONCURRENCY abandoned requests of this one. A request
    sent now is accepted after them (the listen queue is first in, first out), so its answer means idle.
    """
    request("GET", "/healthz", port=port)


def warm_up(targets: list[Target]) -> None:
    for target in targets:
        hammer(target, seconds=WARMUP_SECONDS, concurrency=CONCURRENCY)


def interleaved(targets: list[Target], *, rounds: int = ROUNDS) -> list[Figures]:
    """Each target measured in `rounds` short turns, in rotation, so load from elsewhere on the machine
    (a test suite, autovacuum) falls on every target alike instead of on whichever ran at that moment."""
    totals = [Figures(target.label, target.path) for target in targets]
    for _ in range(rounds):
        for total, target in zip(totals, targets, strict=True):
            total.add(hammer(target, seconds=SECONDS / rounds, concurrency=CONCURRENCY))
    return totals


# ---------------------------------------------------------------- report


def machine() -> dict:
    from django import get_version
    from django.db import connection

    memory = "?"
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import gunicorn

    return {
        "CPU": f"{os.cpu_count()} × {cpu}",
        "memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "Django": get_version(),
        "gunicorn": f"{gunicorn.__version__}, {WORKERS} sync workers",
        "load": (
            f"wrk {_wrk_version()}, {WRK_THREADS} thread, {CONCURRENCY} keep-alive connections (same machine), "
            f"{SECONDS:g} s per page in {ROUNDS} turns taken in rotation"
        ),
        # Other work on the machine skews every figure: the 1-minute load average before the run says how busy it was.
        "load average before the run": f"{LOAD_BEFORE[0]:.1f} on {os.cpu_count()} cores",
    }


def share(row: Figures, limit: Figures) -> str:
    return f"{row.rps / limit.rps:.3f}" if limit.rps else "?"


def table(rows: list[Figures], minimal: Figures, bare: Figures) -> list[str]:
    lines = [
        "| page | path | req/s | p50 ms | p95 ms | p99 ms | errors | share of the minimal view "
        "| share of the bare view | load generator CPU |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in [minimal, bare, *rows]:
        lines.append(
            f"| {row.label} | `{row.path}` | {row.rps:.0f} | {row.percentile(50):.1f} | {row.percentile(95):.1f} "
            f"| {row.percentile(99):.1f} | {row.errors} | {'limit' if row is minimal else share(row, minimal)} "
            f"| {'limit' if row is bare else share(row, bare)} | {row.client_share:.2f} cores |"
        )
    return lines


def _span(values: list[float], fmt: str) -> str:
    low, high = min(values), max(values)
    return format(low, fmt) if format(low, fmt) == format(high, fmt) else f"{format(low, fmt)}–{format(high, fmt)}"


def audience_row(audience: str, rows: list[Figures], minimal: Figures) -> str:
    shares = [row.rps / minimal.rps for row in rows] if minimal.rps else [0.0]
    return (
        f"| {audience} | {', '.join(f'`{row.path}`' for row in rows)} | {_span(shares, '.3f')} "
        f"| {_span([row.percentile(99) for row in rows], '.0f')} ms |"
    )


def fanout_row(fanout) -> str:
    if not isinstance(fanout, dict):
        return f"| fan-out | delivery | {fanout} | |"
    return (
        f"| fan-out: {fanout.get('rows queued', '?')} emails, one worker | delivery "
        f"| {fanout.get('all delivered after (s, from the start of queueing)', '?')} s "
        f"({fanout.get('emails delivered per second', '?')}/s), "
        f"{fanout.get('duplicates (keys received more than once)', '?')} duplicates, "
        f"{fanout.get('losses (keys never received)', '?')} lost | |"
    )


def target_rows(
    *, cached: list[Figures], signed_in: list[Figures], minimal: Figures, burst: list[bursts.BurstFigures], fanout
) -> list[str]:
    """Issue 13's targets, each with what this run measured and whether it is met (every figure from this run)."""

    def lowest_share(rows: list[Figures]) -> float:
        return min(row.rps / minimal.rps for row in rows) if minimal.rps and rows else 0.0

    rows = [
        (
            "visitor pages: each at least 0.6 of the minimal view",
            f"{lowest_share(cached):.3f} (lowest)",
            lowest_share(cached) >= 0.6,
        ),
        (
            "signed-in pages: each at least 0.10 of the minimal view",
            f"{lowest_share(signed_in):.3f} (lowest)",
            lowest_share(signed_in) >= 0.10,
        ),
    ]
    worst_p99 = max((row.percentile(99) for row in signed_in), default=math.inf)
    rows.append(("signed-in pages: p99 under 50 ms", f"{worst_p99:.0f} ms (highest)", worst_p99 < 50))
    for figures in burst:
        clean = not figures.overbooked and not figures.errors and figures.registered == figures.seats
        if (figures.users, figures.seats) == (500, 50):
            rows.append(
                (
                    "burst 500 on 50: all answered within 3 s, 50 seated, none overbooked, no errors",
                    f"{figures.elapsed:.2f} s",
                    clean and figures.elapsed <= 3,
                )
            )
        elif (figures.users, figures.seats) == (120, 20):
            p95 = figures.percentile(95) / 1000
            rows.append(
                (
                    "burst 120 on 20: p95 under 0.5 s, 20 seated, none overbooked, no errors",
                    f"p95 {p95:.2f} s",
                    clean and p95 < 0.5,
                )
            )
    if isinstance(fanout, dict):
        seconds = fanout.get("all delivered after (s, from the start of queueing)", math.inf)
        whole = not fanout.get("duplicates (keys received more than once)") and not fanout.get(
            "losses (keys never received)"
        )
        rows.append(
            (
                "fan-out: 10,000 emails in under 15 s by one worker, no duplicates, none lost",
                f"{seconds} s",
                whole and seconds < 15,
            )
        )
    lines = ["| target (issue 13) | this run | met |", "| --- | --- | --- |"]
    lines += [f"| {target} | {measured} | {'yes' if met else '**no**'} |" for target, measured, met in rows]
    return lines


def write_report(
    *,
    host: dict,
    data: dict,
    rendered: list[Figures],
    cached: list[Figures],
    signed_in: list[Figures],
    signed_in_bare: Figures,
    limits: dict,
    burst: list[bursts.BurstFigures],
    fanout,
    rss: dict,
) -> str:
    minimal, bare = limits["cached"]
    minimal_rendered, bare_rendered = limits["rendered"]
    generator = [row.client_share for row in [*rendered, *cached, *signed_in, signed_in_bare, minimal, bare]]
    summary = [
        f"| audience | pages | share of the minimal view | p99 at {CONCURRENCY} connections |",
        "| --- | --- | ---: | ---: |",
        audience_row("visitor, not signed in (page cache)", cached, minimal),
        audience_row(
            f"signed-in clinician with {data['clinician registrations']} registrations, rendered for them",
            signed_in,
            minimal,
        ),
        audience_row("visitor with the page cache off (what each view and template costs)", rendered, minimal_rendered),
        *map(bursts.summary_row, burst),
    ]
    if fanout is not None:
        summary.append(fanout_row(fanout))
    lines = [
        "# Benchmarks",
        "",
        "Produced by `make bench` (tests/bench/run.py); the figures below are from its last run. They are",
        "printed, never asserted: they depend on the machine. Re-run to refresh this file. The load comes",
        "from wrk (Debian's package `wrk`: `apt-get install wrk`), which the test suite does not need.",
        "",
        f"Run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "## Summary",
        "",
        "The limit is the **minimal Django view** (tests/bench/minimal.py): a constant response through",
        "SecurityMiddleware and CommonMiddleware only, in its own WSGI app, served by the same gunicorn",
        "settings on the same machine and measured in turns interleaved with the portal's pages, so the",
        "share of it is a ratio taken in the same conditions (absolute times drift on a shared machine).",
        "",
        *summary,
        "",
        *target_rows(cached=cached, signed_in=signed_in, minimal=minimal, burst=burst, fanout=fanout),
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in host.items()],
        f"- load generator: wrk took {_span(generator, '.2f')} cores of CPU while it measured (its own rusage;"
        " on the same machine, what it takes is not available to the servers)",
        f"- peak resident memory per gunicorn worker: portal {_mib(rss['portal'])}, "
        f"minimal view {_mib(rss['minimal'])}",
        "",
        "## Data",
        "",
        f"`seed_demo` ({data['demo']['hubs']} hubs, {data['demo']['series']} series, "
        f"{data['demo']['sessions']} sessions) grown tenfold with {SYNTHETIC_COPIES} synthetic copies of its "
        "programme: "
        f"{data['series']} series, {data['sessions']} sessions ({data['upcoming sessions']} upcoming, "
        f"{data['past sessions']} past), {data['users']} users, {data['registrations']} registrations.",
        "",
        "## Pages",
        "",
        "Each page against the minimal view and against the bare view (tests/bench/urls.py: a constant",
        "response through the portal's whole middleware stack, served by the portal itself).",
        "",
        "### As visitors who are not signed in get them",
        "",
        "With the public page cache (core/page_cache.py, PUBLIC_PAGE_CACHE_SECONDS=30): a page is",
        "rendered once per language and reused; each visitor still gets their own CSRF token.",
        "",
        *table(cached, minimal, bare),
        "",
        "### As a signed-in clinician gets them",
        "",
        "Rendered for the clinician on every request (the page cache serves anonymous visitors only), on the",
        "same server as the table above. The signed-in bare view is what every signed-in page pays before its",
        "view runs (session, user, middleware), with the clinician's cookie.",
        "",
        *table([signed_in_bare, *signed_in], minimal, bare),
        "",
        "### Rendered on every request",
        "",
        "PUBLIC_PAGE_CACHE_SECONDS=0: what each view and template costs.",
        "",
        *table(rendered, minimal_rendered, bare_rendered),
        "",
        *bursts.report(burst),
    ]
    if fanout is not None:
        lines += ["## Email fan-out", "", fanout if isinstance(fanout, str) else _format_mapping(fanout), ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    return "\n".join(lines)


def _format_mapping(value) -> str:
    if isinstance(value, dict):
        return "\n".join(f"- {key}: {item}" for key, item in value.items())
    return str(value)


def run_fanout():
    """The outbox engineer's fan-out benchmark, when it exists: its own figures, reported as it returns them."""
    fanout_file = Path(__file__).with_name("fanout.py")
    if not fanout_file.exists():
        return None
    from tests.bench import fanout

    try:
        return fanout.main()
    except SystemExit as exit_:
        return f"fanout.py exited with {exit_.code}"
    except Exception as exc:  # its failure must not lose the figures above
        print(f"bench: fanout.py failed: {exc}", file=sys.stderr, flush=True)
        last_line = next((line for line in reversed(str(exc).splitlines()) if line.strip()), "")
        return f"fanout.py failed ({exc.__class__.__name__}): {last_line.strip()}"


def cleanup() -> None:
    """Remove what this run left in Redis (its cache prefix and its queue); the database stays for inspection."""
    try:
        import redis

        cache = redis.Redis.from_url(f"{REDIS}/14")
        for key in cache.scan_iter(match=f"{CACHE_PREFIX}*", count=1000):
            cache.delete(key)
        redis.Redis.from_url(f"{REDIS}/15").delete(QUEUE)
    except Exception as exc:
        print(f"could not clean Redis: {exc}", file=sys.stderr)


def main() -> int:
    started = time.monotonic()
    if not shutil.which(WRK):
        sys.exit("bench: wrk is the load generator and is not installed (Debian: apt-get install wrk)")
    LOAD_BEFORE[0] = os.getloadavg()[0]
    os.environ.update(ENV)
    print(f"bench: database {urllib.parse.urlsplit(ENV['DATABASE_URL']).path.lstrip('/')}, port {PORT}", flush=True)
    create_database()
    import django

    django.setup()
    from django.db import connections

    from series.models import Series

    data = load_data()
    burst = prepare_bursts()
    clinician = prepare_clinician(exclude_slugs=[each.slug for each in burst])
    data["clinician registrations"] = clinician.registrations
    series_page = (
        Series.objects.filter(status=Series.Status.PUBLISHED)
        .exclude(slug__in=[each.slug for each in burst])
        .order_by("-sessions__starts_at")
        .values_list("slug", flat=True)
        .first()
    )
    host = machine()
    connections.close_all()
    print(f"bench: data loaded in {time.monotonic() - started:.0f} s: {data}", flush=True)

    minimal = Target("minimal Django view", "/bench/minimal/", port=MINIMAL_PORT)
    bare = Target("bare view, whole middleware", "/bench/bare/")
    pages = [
        Target("upcoming (home)", "/"),
        Target("catalog", "/series/"),
        Target("a series", f"/series/{series_page}/"),
        Target("past sessions", "/sessions/past/"),
    ]
    minimal_server = start_gunicorn("tests.bench.minimal:application", port=MINIMAL_PORT)
    try:
        # First every request renders its page (the views' own cost), then as anonymous visitors get them.
        server = start_gunicorn(PUBLIC_PAGE_CACHE_SECONDS="0")
        try:
            warm_up([minimal, bare, *pages])
            minimal_rendered, bare_rendered, *rendered = interleaved([minimal, bare, *pages])
        finally:
            stop(server)
        burst_figures = fire_bursts(burst)
        server = start_gunicorn()
        try:
            # What every signed-in page pays before its view runs: the bare view, with the clinician's session.
            signed_in_bare = Target("bare view, whole middleware, signed in", "/bench/bare/", cookie=clinician.cookie)
            signed_in = signed_in_targets(clinician, series_page)
            warm_up([minimal, bare, *pages, signed_in_bare, *signed_in])
            # The limits again on this server: each table compares with limits measured in the same conditions.
            measured = interleaved([minimal, bare, *pages, signed_in_bare, *signed_in])
            minimal_cached, bare_cached = measured[:2]
            cached = measured[2 : 2 + len(pages)]
            signed_in_bare_figures, *signed_in_figures = measured[2 + len(pages) :]
            rss = {"portal": peak_worker_rss(server)}
        finally:
            stop(server)
        rss["minimal"] = peak_worker_rss(minimal_server)
    finally:
        stop(minimal_server)
    fanout = run_fanout()
    report = write_report(
        host=host,
        data=data,
        rendered=rendered,
        cached=cached,
        signed_in=signed_in_figures,
        signed_in_bare=signed_in_bare_figures,
        limits={"cached": (minimal_cached, bare_cached), "rendered": (minimal_rendered, bare_rendered)},
        burst=burst_figures,
        fanout=fanout,
        rss=rss,
    )
    cleanup()
    print()
    print(report)
    print(f"bench: done in {time.monotonic() - started:.0f} s; written to {RESULTS.relative_to(ROOT)}")
    return 0


def signed_in_targets(clinician: Clinician, series_page: str) -> list[Target]:
    """The clinician's pages; the session picker of the first open series whose picker they can open."""
    picker = next(
        (
            f"/series/{slug}/register/"
            for slug in clinician.series_slugs
            if request("GET", f"/series/{slug}/register/", headers={"Cookie": clinician.cookie})[0] == 200
        ),
        None,
    )
    targets = [
        Target("upcoming (home)", "/", cookie=clinician.cookie),
        Target("catalog", "/series/", cookie=clinician.cookie),
        Target(
            "a series",
            f"/series/{clinician.series_slugs[0] if clinician.series_slugs else series_page}/",
            cookie=clinician.cookie,
        ),
        Target("My learning", "/me/", cookie=clinician.cookie),
    ]
    if picker:
        targets.append(Target("session picker", picker, cookie=clinician.cookie))
    else:
        print("bench: no open series whose session picker answers 200; the picker is not measured", flush=True)
    return targets


if __name__ == "__main__":
    sys.exit(main())
