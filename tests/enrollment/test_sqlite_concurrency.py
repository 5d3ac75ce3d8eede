"""The embedded default (`make run` on an SQLite file) never answers simultaneous POSTs with a 500, and emails
each learner once, at once.

Five POSTs of one register form (a double click, two tabs) and three people racing for the
last seat, each request in its own thread with its own connection, against a real SQLite
file: without WAL, a busy timeout and IMMEDIATE transactions most of them fail with
"database is locked".
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_simultaneous_register_posts_on_sqlite_never_fail(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL", "SITE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="echo_portal.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        EMAIL_URL="memorymail://",
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.enrollment.sqlite_burst_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])

    assert outcome["double_click"] == [302] * 5, result.stderr[-3000:]
    assert outcome["alice_registrations"] == 1
    assert outcome["alice_emails"] == 1
    assert outcome["race"] == [302] * 3, result.stderr[-3000:]
    assert outcome["last_seat"] == ["registered", "waitlisted", "waitlisted"]
    # Alice's one email and each racer's, sent once each by the time the last answer came back.
    assert len(outcome["email_keys"]) == 4
    assert outcome["delivered_keys"] == outcome["email_keys"]
    assert outcome["email_statuses"] == ["sent"]
