"""The production settings plus one bare view, for the benchmark only (never deployed)."""

from echo_portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
