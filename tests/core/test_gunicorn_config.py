"""gunicorn.conf.py: each web worker freezes what it loaded at start-up, so full garbage collections skip it."""

import gc
import runpy
from pathlib import Path

from django.urls import get_resolver
from gunicorn.config import Config

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


def test_every_deployment_starts_gunicorn_with_it():
    assert '"--config", "gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()
    assert "--config gunicorn.conf.py" in (ROOT / "docker-compose.yml").read_text()
    assert "gunicorn.conf.py" in (ROOT / "tests" / "bench" / "run.py").read_text()
