"""docker-compose.yml is a file Compose accepts, so `docker compose up` starts what the README promises."""

import shutil
import subprocess
from pathlib import Path

from tests.conftest import _missing

ROOT = Path(__file__).resolve().parent.parent.parent


def test_compose_file_is_valid():
    binary = shutil.which("docker-compose")
    if binary is None:
        _missing("needs docker-compose (apt-get install docker-compose)")
    result = subprocess.run(
        [binary, "-f", "docker-compose.yml", "config", "-q"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_compose_file_runs_every_service_the_design_names():
    binary = shutil.which("docker-compose")
    if binary is None:
        _missing("needs docker-compose (apt-get install docker-compose)")
    result = subprocess.run(
        [binary, "-f", "docker-compose.yml", "config", "--services"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert {"db", "redis", "web", "worker", "beat", "mailpit"} <= set(result.stdout.split())
