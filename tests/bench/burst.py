#!/usr/bin/env python
"""Registration bursts: many signed-in learners POST the real register endpoint for one session at once.

`make bench` (tests/bench/run.py) fires two, each against a fresh open series with one session:

* 500 learners on 50 seats, on the portal served as the pages are (sync workers);
* 120 learners on 20 seats, on gunicorn with 4 workers of 4 threads each (`THREADED`).

Every learner is signed in beforehand (a session made directly, as signing in makes it) and has
the session picker open, as a browser must to post its form (`open_pickers`, not timed: the
token each POST carries is its form's). Then every learner fires at the same instant, each on a
connection of its own opened beforehand: one thread writes the prebuilt requests one after the
other and reads the answers with a selector (`_exchange_all`), so the load generator takes
little of the cores it shares with the servers (a thread per learner with http.client took
about 1.4 ms of CPU per POST, this about 0.3). What is counted: seats filled, waitlist places,
overbooking, errors (anything but the redirect to the summary page), p50/p95/p99, the time until
the last answer, and the CPU each POST cost the load generator, the gunicorn workers, the
PostgreSQL backends and Redis (`CpuMeter`).

Run alone (`python tests/bench/burst.py`, BENCH_DATABASE_URL as for run.py): it loads the data
into a fresh database, serves the portal and fires both bursts, so the burst can be profiled
without the pages; `--reuse` keeps the database an earlier run loaded and adds new bursts to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import resource
import secrets
import selectors
import socket
import sys
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
    # A smaller burst on a session of its own, fired (not counted) just before this one on the same server.
    warm_up: Burst | None = None


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
    cpu: CpuTaken | None = None
    warm_up: BurstFigures | None = None  # the warm-up burst's own figures: the first POSTs the server served
    connections_after_warm_up: int = 0  # PostgreSQL connections open once the warm-up was answered

    @property
    def overbooked(self) -> int:
        return max(0, self.registered - self.seats)

    def cpu_per_post(self) -> tuple[float, ...]:
        """Milliseconds of CPU per learner: load generator, gunicorn, PostgreSQL, Redis, and their sum."""
        cpu = self.cpu
        parts = (cpu.load_generator, cpu.gunicorn, cpu.postgresql, cpu.redis, cpu.total)
        return tuple(seconds / self.users * 1000 for seconds in parts)

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


def prepare_burst(*, name: str, label: str, users: int, seats: int, warm_up: Burst | None = None) -> Burst:
    """An open series with one session of `seats` seats, and `users` learners already signed in (`warm_up`: the
    burst `fire` fires first on the same server)."""
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
        label=label,
        slug=series.slug,
        session_id=session.pk,
        seats=seats,
        cookies=cookies,
        csrf_secret=csrf_secret,
        warm_up=warm_up,
    )


@dataclass
class Answer:
    """One learner's HTTP exchange as the load generator saw it."""

    status: int = 0
    headers: dict[str, str] | None = None
    body: bytes = b""
    failure: str = ""
    took: float = 0.0


def _request_bytes(method: str, path: str, *, port: int, cookie: str, body: bytes = b"") -> bytes:
    """The request a browser sends, as bytes: built once per learner before the clock starts."""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Cookie: {cookie}",
        "Accept-Language: en",
        "Accept-Encoding: identity",
    ]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Exchange:
    """One request on its own connection, read by `_exchange_all`'s selector: done once the whole answer is in
    (its Content-Length read, or the connection closed by the server)."""

    def __init__(self, sock: socket.socket, request: bytes):
        self.sock, self.request, self.buffer, self.answer = sock, request, bytearray(), Answer()
        self.sent_at = 0.0
        self.length: int | None = None
        self.head_end = -1

    def feed(self, data: bytes) -> bool:
        """Take what arrived; True when the answer is complete."""
        if not data:  # closed by the server
            if self.head_end < 0:
                self.answer.failure = "connection closed before an answer"
            return True
        self.buffer += data
        if self.head_end < 0:
            self.head_end = self.buffer.find(b"\r\n\r\n")
            if self.head_end < 0:
                return False
            status_line, *header_lines = bytes(self.buffer[: self.head_end]).decode("latin-1").split("\r\n")
            self.answer.status = int(status_line.split()[1])
            self.answer.headers = {}
            for line in header_lines:
                name, _, value = line.partition(":")
                self.answer.headers[name.strip().lower()] = value.strip()
            if "content-length" in self.answer.headers:
                self.length = int(self.answer.headers["content-length"])
        body = self.buffer[self.head_end + 4 :]
        if self.length is not None and len(body) >= self.length:
            self.answer.body = bytes(body[: self.length])
            return True
        if self.answer.headers.get("transfer-encoding", "").lower() == "chunked" and body.endswith(b"0\r\n\r\n"):
            self.answer.body = bytes(body)
            return True
        return False


def _connect_all(count: int, *, port: int) -> list[socket.socket]:
    """`count` connections to the server, each opened (accepted by the kernel) before anything is sent."""
    socks = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        socks.append(sock)
    return socks


def _exchange_all(socks: list[socket.socket], requests: list[bytes]) -> tuple[list[Answer], float]:
    """Send every request at once, each on its own open connection, then read every answer as it comes.

    One thread and a selector: the requests are prebuilt bytes, written one after the other in a tight loop
    (a few microseconds each, into empty socket buffers), so they leave together as a barrier would release
    them, and the load generator takes next to no CPU from the servers it measures. Each answer's time runs
    from its own request's send to its last byte. Returns the answers and the time from the first send to the
    last answer."""
    exchanges = [_Exchange(sock, request) for sock, request in zip(socks, requests, strict=True)]
    selector = selectors.DefaultSelector()
    first = time.perf_counter()
    for exchange in exchanges:
        exchange.sent_at = time.perf_counter()
        try:
            exchange.sock.sendall(exchange.request)
        except OSError as exc:
            exchange.answer.failure = exc.__class__.__name__
            exchange.sock.close()
            continue
        exchange.sock.setblocking(False)
        selector.register(exchange.sock, selectors.EVENT_READ, exchange)
    last = first
    deadline = time.monotonic() + REQUEST_TIMEOUT * 3
    while selector.get_map() and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1.0):
            exchange = key.data
            try:
                data = exchange.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError as exc:
                exchange.answer.failure, data = exc.__class__.__name__, None
            if data is None or exchange.feed(data):
                last = time.perf_counter()
                exchange.answer.took = last - exchange.sent_at
                selector.unregister(exchange.sock)
                exchange.sock.close()
    for key in list(selector.get_map().values()):
        key.data.answer.failure = "timeout"
        selector.unregister(key.fileobj)
        key.fileobj.close()
    selector.close()
    return [exchange.answer for exchange in exchanges], last - first


def _csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1).decode() if match else ""


def open_pickers(burst: Burst, *, port: int, at_once: int = 8) -> list[str]:
    """Each learner opens the session picker first, as a browser must to post its form (and, having signed in,
    has opened pages since): the token each POST carries is the one its form holds, and the portal has seen
    each learner as it has every signed-in visitor. Not timed; `at_once` learners at a time."""
    path = f"/series/{burst.slug}/register/"
    tokens: list[str] = []
    for start in range(0, len(burst.cookies), at_once):
        cookies = burst.cookies[start : start + at_once]
        answers, _ = _exchange_all(
            _connect_all(len(cookies), port=port),
            [_request_bytes("GET", path, port=port, cookie=cookie) for cookie in cookies],
        )
        for answer in answers:
            token = _csrf_token(answer.body)
            if answer.failure or answer.status != 200 or not token:
                sys.exit(f"bench: the picker answered {answer.status} {answer.failure} before the burst")
            tokens.append(token)
    return tokens


def _cpu_seconds(pid: int | str) -> float:
    """User and system CPU a process (all its threads) has used, from /proc; 0 once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def _backend_pids() -> list[int]:
    """The PostgreSQL backends serving the bench's database (the portal's workers' connections)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _redis_cpu() -> float:
    """CPU the bench's Redis server (cache and broker) has used, from its INFO."""
    import redis

    info = redis.Redis.from_url(os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


@dataclass
class CpuTaken:
    """CPU seconds each side took while a burst ran, per process kind."""

    load_generator: float
    gunicorn: float
    postgresql: float
    redis: float

    @property
    def total(self) -> float:
        return self.load_generator + self.gunicorn + self.postgresql + self.redis


class CpuMeter:
    """Reads the CPU used so far by the load generator (this process), the server's workers, the PostgreSQL
    backends of the bench's database and the bench's Redis; `taken()` gives what each used since `start()`."""

    def __init__(self, server_pid: int | None):
        self.server_pid = server_pid

    def _now(self) -> dict:
        from django.db import connections

        usage = resource.getrusage(resource.RUSAGE_SELF)
        readings = {
            "load_generator": usage.ru_utime + usage.ru_stime,
            "gunicorn": {pid: _cpu_seconds(pid) for pid in _children(self.server_pid)} if self.server_pid else {},
            "postgresql": {pid: _cpu_seconds(pid) for pid in _backend_pids()},
            "redis": _redis_cpu(),
        }
        connections.close_all()
        return readings

    def start(self) -> None:
        self.before = self._now()

    def taken(self) -> CpuTaken:
        after = self._now()

        def grown(kind):
            return sum(value - self.before[kind].get(pid, 0.0) for pid, value in after[kind].items())

        return CpuTaken(
            load_generator=after["load_generator"] - self.before["load_generator"],
            gunicorn=grown("gunicorn"),
            postgresql=grown("postgresql"),
            redis=after["redis"] - self.before["redis"],
        )


def fire(burst: Burst, *, port: int, server_pid: int | None = None) -> BurstFigures:
    """Every learner POSTs at the same instant, each on a connection of its own, as after a newsletter goes out;
    every answer is checked (the redirect to the summary page, or an error).

    A burst with a `warm_up` fires that one first, on the same server, and counts only its own: a portal taking
    registrations has served registrations before. The first POST each worker thread serves pays once what a
    running server has long paid (its PostgreSQL connection and backend, the statements prepared on it, the code
    it runs for the first time): on 2 sync workers the 500 POSTs share that among 2 connections, but on 4 workers
    × 4 threads the 120 share it among 16, about 30 ms each, and it was a quarter of the burst's CPU. The
    warm-up's own figures are reported beside: what the first POSTs of a just-started server cost."""
    warm_up = connections_open = None
    if burst.warm_up is not None:
        from django.db import connections

        warm_up = _race(burst.warm_up, port=port, meter=CpuMeter(server_pid))
        connections_open = len(_backend_pids())
        connections.close_all()
    figures = _race(burst, port=port, meter=CpuMeter(server_pid))
    figures.warm_up, figures.connections_after_warm_up = warm_up, connections_open or 0
    return figures


def _race(burst: Burst, *, port: int, meter: CpuMeter) -> BurstFigures:
    """`fire`'s burst: the pickers opened (not timed), then every POST at once, timed and metered."""
    from enrollment.models import Registration

    tokens = open_pickers(burst, port=port)
    path = f"/series/{burst.slug}/register/"
    requests = []
    for cookie, token in zip(burst.cookies, tokens, strict=True):
        body = urllib.parse.urlencode(
            {"sessions": str(burst.session_id), "consent": "on", "csrfmiddlewaretoken": token}
        ).encode()
        requests.append(_request_bytes("POST", path, port=port, cookie=cookie, body=body))
    meter.start()
    socks = _connect_all(len(requests), port=port)  # open before the clock: the POSTs, not the handshakes, race
    answers, elapsed = _exchange_all(socks, requests)
    cpu = meter.taken()
    failures = []
    for answer in answers:
        location = (answer.headers or {}).get("location", "")
        if answer.failure:
            failures.append(answer.failure)
        elif answer.status != 302 or "/register/done/" not in location:
            failures.append(f"HTTP {answer.status} {location or answer.body[:80]!r}")
    statuses = Registration.objects.filter(session_id=burst.session_id)
    return BurstFigures(
        label=burst.label,
        users=len(burst.cookies),
        seats=burst.seats,
        registered=statuses.filter(status=Registration.Status.REGISTERED).count(),
        waitlisted=statuses.filter(status=Registration.Status.WAITLISTED).count(),
        errors=len(failures),
        error_samples=sorted(set(failures))[:5],
        latencies=[answer.took for answer in answers if not answer.failure],
        elapsed=elapsed,
        cpu=cpu,
    )


def summary_row(figures: BurstFigures) -> str:
    """The burst's line in the summary table of docs/benchmarks.md."""
    return (
        f"| burst: {figures.users} signed-in learners POST one {figures.seats}-seat session at once "
        f"({figures.label}) | register | all answered in {figures.elapsed:.2f} s, p95 "
        f"{figures.percentile(95) / 1000:.2f} s; {figures.registered} seated, {figures.overbooked} overbooked, "
        f"{figures.errors} errors | |"
    )


def _burst_row(label: str, figures: BurstFigures) -> str:
    return (
        f"| {label} | {figures.users} | {figures.seats} | {figures.registered} | {figures.waitlisted} "
        f"| {figures.overbooked} | {figures.errors} | {figures.percentile(50):.0f} | {figures.percentile(95):.0f} "
        f"| {figures.percentile(99):.0f} | {figures.elapsed:.2f} s |"
    )


def report(bursts: list[BurstFigures]) -> list[str]:
    """The "Registration burst" section of docs/benchmarks.md."""
    lines = [
        "## Registration burst",
        "",
        "Signed-in learners, each with the session picker open, POST it for one session at the same instant,",
        "each on its own connection, opened beforehand; the time runs from the first request sent to the last answer.",
        "No worker runs: the requests only write the outbox and publish to the broker.",
        "",
        "| server | learners | seats | registered | waitlisted | overbooked | errors | p50 ms | p95 ms | p99 ms "
        "| all done in |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for figures in bursts:
        lines.append(_burst_row(figures.label, figures))
    for figures in bursts:
        if figures.warm_up is not None:
            lines.append(_burst_row(figures.warm_up.label, figures.warm_up))
    lines.append("")
    warmed = [figures for figures in bursts if figures.warm_up is not None]
    if warmed:
        lines += [
            "Each burst is fired on a server that has just answered its warm-up, a smaller burst on a session of its",
            "own (its row above): a portal taking registrations has served registrations before, and the first POST",
            "each worker thread serves pays what a running server has long paid (its PostgreSQL connection, the",
            "statements prepared on it, code run for the first time). PostgreSQL connections open after the warm-up: "
            + ", ".join(f"{figures.connections_after_warm_up} ({figures.label})" for figures in warmed)
            + ".",
            "",
        ]
    lines += [
        "CPU each POST cost while the burst ran, by process (from /proc, the load generator's own rusage and Redis'",
        "INFO): all of it shares the same cores, so the sum is what the machine spends per learner.",
        "",
        "| server | load generator ms | gunicorn workers ms | PostgreSQL backends ms | Redis ms | total ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    every = [*bursts, *(figures.warm_up for figures in warmed)]
    for figures in every:
        if figures.cpu is not None:
            lines.append(f"| {figures.label} | " + " | ".join(f"{ms:.2f}" for ms in figures.cpu_per_post()) + " |")
    lines.append("")
    for figures in every:
        if figures.error_samples:
            lines += [f"Errors seen ({figures.label}): " + "; ".join(figures.error_samples), ""]
    met = all(not figures.overbooked and not figures.errors for figures in every)
    lines += ["Target: zero overbooking and zero errors" + (" — met." if met else " — NOT met."), ""]
    return lines


def main() -> int:
    """Load the bench's data (or, with --reuse, keep what an earlier run loaded), serve the portal, fire both
    bursts and print their section of the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reuse", action="store_true", help="keep the bench database an earlier run loaded (new bursts are added)"
    )
    options = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.bench import run

    os.environ.update(run.ENV)
    if not options.reuse:
        run.create_database()
    import django

    django.setup()
    from django.db import connections

    if not options.reuse:
        run.load_data()
    bursts = run.prepare_bursts(suffix=f"-{run.RUN_ID}" if options.reuse else "")
    connections.close_all()
    figures = run.fire_bursts(bursts)
    print("\n".join([*map(summary_row, figures), "", *report(figures)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
