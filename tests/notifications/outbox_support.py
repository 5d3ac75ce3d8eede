"""Real parts for the outbox tests: an SMTP server on loopback, Celery workers, a private Redis.

Test modules import the fixtures they use (`from … import smtp_sink_fixture`): each is registered under the
name without `_fixture`, which is the name tests ask for.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email
import email.policy
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import IN_CI, _missing

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = Path(__file__).resolve().parent / "outbox_templates"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float = 10.0, interval: float = 0.05, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


# --- SMTP --------------------------------------------------------------------------------------------------------


@dataclass
class SmtpSink:
    """An SMTP server's DATA handler: keeps what it accepted, can answer with scripted codes or hold the reply."""

    replies: list[str] = field(default_factory=list)  # answers to the next DATA commands, e.g. "451 …"; then 250
    received: list[email.message.EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)  # each message as it came off the wire, in the same order
    hold_next: bool = False
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refused_recipients: dict[str, str] = field(default_factory=dict)  # address → answer to its RCPT TO
    peers: list = field(default_factory=list)  # the client end of the connection each message came on
    envelopes: list = field(default_factory=list)  # (MAIL FROM address, its options, RCPT TO addresses) of each
    pipelining: bool = False  # offer PIPELINING (RFC 2920) in the answer to EHLO, as production relays do

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return self.refused_recipients[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            reply = self.replies.pop(0) if self.replies else None
        if reply and not reply.startswith("2"):
            return reply
        data = envelope.original_content or envelope.content
        message = email.message_from_bytes(data, policy=email.policy.default)
        with self.lock:
            self.received.append(message)
            self.raw.append(data)
            self.peers.append(session.peer)
            self.envelopes.append((envelope.mail_from, list(envelope.mail_options), list(envelope.rcpt_tos)))
            hold, self.hold_next = self.hold_next, False
        if hold:
            # The message is in; the client is left waiting for the answer to DATA, as a slow relay would.
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return reply or "250 Message accepted for delivery"

    def keys(self) -> list[str]:
        with self.lock:
            return [message["X-Echo-Idempotency-Key"].strip() for message in self.received]


@pytest.fixture(name="smtp_sink")
def smtp_sink_fixture(settings):
    """A real SMTP server on loopback; the email backend sends to it."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    sink.port = port
    try:
        yield sink
    finally:
        sink.release.set()
        controller.stop()


@pytest.fixture(name="outbox_templates")
def outbox_templates_fixture(settings):
    """Small templates of our own, so the outbox is tested without depending on the programme emails."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES_DIR]
    settings.TEMPLATES = templates


def queue_hello(key: str = "test:hello", *, to: str = "alice@example.org", language: str = "en", **extra):
    from notifications.outbox import queue_email

    return queue_email(
        to=to,
        language=language,
        kind=extra.pop("kind", "other"),
        idempotency_key=key,
        template=extra.pop("template", "testmail/hello"),
        context=extra.pop("context", {"name": "Alice"}),
        **extra,
    )


# --- Celery ------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def broker_refusing():
    """Every task publish fails as it does when Redis refuses connections: a row's own task, a drain, a batch."""
    from kombu.exceptions import OperationalError

    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch("celery.app.task.Task.apply_async", side_effect=refused):
        yield


def broker_url() -> str:
    """The Redis broker the outbox tests use: CELERY_BROKER_URL, else REDIS_URL (as tests/conftest.py checks)."""
    return os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")


def use_broker(url: str) -> None:
    """Point the app's publishers at `url`, dropping pooled connections made to another broker."""
    from echo_portal.celery import app

    app.conf.broker_url = url
    # Dropped, not closed: kombu keeps its pools in a global registry another test may still use.
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextlib.contextmanager
def own_queue(url: str):
    """Publish to a queue of this test's own on `url`, so tests in parallel never take each other's tasks."""
    from echo_portal.celery import app

    name = f"test-outbox-{uuid.uuid4().hex[:12]}"
    previous = (app.conf.task_default_queue, app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_default_queue = name
    app.conf.task_always_eager = False
    use_broker(url)
    try:
        yield name
    finally:
        with contextlib.suppress(Exception), app.connection_for_write() as conn:
            conn.default_channel.queue_delete(name)
        app.conf.task_default_queue, app.conf.task_always_eager = previous[:2]
        use_broker(previous[2])


@pytest.fixture(name="celery_queue")
def celery_queue_fixture():
    """This test's own queue on the Redis broker the environment names."""
    with own_queue(broker_url()) as name:
        yield name


def worker_env(*, database_url: str, broker: str, queue: str, smtp_port: int, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "10",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def database_url_of_test_db() -> str:
    from django.db import connection

    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return (
        f"postgres://{params.get('USER') or 'postgres'}{password}@{params.get('HOST') or '127.0.0.1'}:"
        f"{params.get('PORT') or 5432}/{params['NAME']}"
    )


class WorkerProcess:
    """`celery -A echo_portal worker` as a subprocess in its own process group (so it can be killed whole)."""

    def __init__(self, env: dict[str, str], *, queue: str, concurrency: int = 1, pool: str = "prefork"):
        self.args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "echo_portal",
            "worker",
            "-Q",
            queue,
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
            "-n",
            f"outbox-test-{uuid.uuid4().hex[:8]}@%h",
        ]
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            self.args, cwd=ROOT, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL
        )
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(name="worker_processes")
def worker_processes_fixture():
    """Start workers with `worker_processes(env, queue=…)`; every one is gone when the test ends."""
    started: list[WorkerProcess] = []

    def start(env: dict[str, str], **kwargs) -> WorkerProcess:
        worker = WorkerProcess(env, **kwargs).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


# --- a Redis of our own, to stop and start ------------------------------------------------------------------------


class PrivateRedis:
    """A throwaway redis-server on a free port: the machine's Redis is shared and must never be stopped."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        self.process = subprocess.Popen(  # noqa: S603 - a local binary with fixed arguments
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=5, message="redis-server to start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(name="private_redis")
def private_redis_fixture(tmp_path):
    if not shutil.which("redis-server"):
        if IN_CI:
            pytest.fail("needs redis-server on PATH (CI must provide it)", pytrace=False)
        _missing("needs redis-server on PATH")
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()
