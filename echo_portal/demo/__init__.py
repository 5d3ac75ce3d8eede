"""The demo data `manage.py seed_demo` loads after the programme, one step per feature.

Each step is a function `seed(*, today, stdout)` in its own module of this package, listed
in STEPS in the order they run: `today` is the date in Eastern Time the demo is dated from,
`stdout` the command's output (write one line saying what the step made, or nothing).
A step must be idempotent (find each row by its natural key before creating it), go through
the services users go through (enrollment, registration, hub membership) rather than writing
raw rows, and tolerate a database where what it needs is missing (skip, say why). Steps that
need the demo people get them with `people.demo_person(...)`, which is None when DEBUG is off:
the people exist only on development sites.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TextIO

from django.utils.module_loading import import_string

# Dotted paths to each step's seed function, in the order they run (the programme itself runs first).
STEPS: list[str] = [
    "echo_portal.demo.people.seed",
    "echo_portal.demo.hub_requests.seed",
    "echo_portal.demo.moderated.seed",
    "echo_portal.demo.private_series.seed",
    "echo_portal.demo.credits.seed",
    "echo_portal.demo.reach.seed",
    "echo_portal.demo.cases.seed",
    "echo_portal.demo.public.seed",
]


def steps() -> list[Callable[..., None]]:
    return [import_string(path) for path in STEPS]


def run_steps(*, today: dt.date, stdout: TextIO) -> None:
    """Run every step after the programme is loaded; each is idempotent, so a second run changes nothing."""
    for step in steps():
        step(today=today, stdout=stdout)
