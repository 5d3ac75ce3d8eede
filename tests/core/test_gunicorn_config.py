"""gunicorn.conf.py: each web worker does before its first page what that page would have done once (templates
compiled, translations read), without the database, then freezes what it loaded, so full garbage collections skip
it."""

import gc
import logging
import runpy
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.template.loaders import filesystem
from django.urls import get_resolver
from gunicorn.config import Config

from core import warm_start
from tests.factories import RegistrationFactory, SeriesFactory, SessionFactory

ROOT = Path(__file__).resolve().parents[2]


def _config() -> Config:
    """The file as gunicorn reads it: each name it defines that is a gunicorn setting, validated by gunicorn."""
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_a_worker_freezes_the_app_and_its_url_configuration_once_loaded():
    gc.unfreeze()
    try:
        _config().post_worker_init(None)
        # Everything alive is frozen (Django, the apps, this test run), the URL patterns among it.
        assert gc.get_freeze_count() > 10_000
        assert "url_patterns" in get_resolver().__dict__
    finally:
        gc.unfreeze()


def _cold_templates() -> None:
    """As a new worker has them: nothing compiled yet."""
    for engine in warm_start._django_engines():
        for loader in engine.template_loaders:
            loader.reset()


def _template_reads(monkeypatch) -> list[str]:
    """The names of the template files read from disk from now on (the app directories' loader is a filesystem
    one)."""
    reads = []
    read = filesystem.Loader.get_contents

    def get_contents(self, origin):
        reads.append(origin.template_name)
        return read(self, origin)

    monkeypatch.setattr(filesystem.Loader, "get_contents", get_contents)
    return reads


@pytest.mark.django_db
def test_a_workers_first_pages_read_no_template_from_disk(client, clinician, monkeypatch):
    series = SeriesFactory(slug="ltc", title="Palliative Care in Long-Term Care")
    RegistrationFactory(session=SessionFactory(series=series, title="Delirium", days_from_now=3), user=clinician)
    SessionFactory(series=series, title="Grief", days_from_now=10, capacity=4)
    client.force_login(clinician)
    _cold_templates()
    gc.unfreeze()
    try:
        _config().post_worker_init(None)
    finally:
        gc.unfreeze()
    reads = _template_reads(monkeypatch)

    home, catalog, detail, my_learning, picker = (
        client.get(url) for url in ("/", "/series/", "/series/ltc/", "/me/", "/series/ltc/register/")
    )

    assert "Palliative Care in Long-Term Care" in catalog.content.decode()
    assert "Delirium" in home.content.decode() and "Delirium" in my_learning.content.decode()
    assert "Grief" in detail.content.decode()
    page = picker.content.decode()
    assert "you are registered" in page and "4 seats left" in page
    assert reads == []


def test_a_worker_warms_up_without_the_database(monkeypatch, caplog):
    # No django_db mark: a query would raise, and the warm-up would log it.
    _cold_templates()

    with caplog.at_level(logging.WARNING, logger="core.warm_start"):
        warm_start.warm()

    reads = _template_reads(monkeypatch)
    for name in ("base.html", "enrollment/email/enrollment_confirmed.txt", "django/forms/widgets/checkbox.html"):
        get_template(name)
    assert caplog.records == [] and reads == []


def test_what_fails_to_warm_up_is_logged_and_the_worker_starts(monkeypatch, caplog):
    monkeypatch.setattr(warm_start, "template_names", lambda: ["base.html", "no/such/template.html"])
    monkeypatch.setattr(warm_start, "warm_languages", lambda: 1 / 0)

    with caplog.at_level(logging.WARNING, logger="core.warm_start"):
        warm_start.warm()

    assert [record.getMessage() for record in caplog.records] == [
        "warm start: template no/such/template.html does not compile",
        "warm start: left to the first request",
    ]


def test_every_deployment_starts_gunicorn_with_it():
    assert '"--config", "gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()
    assert "--config gunicorn.conf.py" in (ROOT / "docker-compose.yml").read_text()
    assert "gunicorn.conf.py" in (ROOT / "tests" / "bench" / "run.py").read_text()
