"""`make bench` says for each of issue 13's targets whether this run met it, from this run's own figures."""

import collections

from tests.bench.burst import BurstFigures
from tests.bench.run import Figures, target_rows


def _page(requests: int, latency_ms: float) -> Figures:
    return Figures("page", "/", histogram=collections.Counter({int(latency_ms * 1000): requests}), elapsed=1.0)


def _burst(users: int, seats: int, *, registered: int, latency_s: float) -> BurstFigures:
    return BurstFigures(
        label="burst",
        users=users,
        seats=seats,
        registered=registered,
        waitlisted=users - registered,
        errors=0,
        error_samples=[],
        latencies=[latency_s] * users,
        elapsed=latency_s,
    )


FANOUT = {
    "all delivered after (s, from the start of queueing)": 3.0,
    "duplicates (keys received more than once)": 0,
    "losses (keys never received)": 0,
}


def test_a_run_that_meets_every_target_says_so_row_by_row():
    rows = target_rows(
        cached=[_page(7000, 3), _page(6300, 4)],
        signed_in=[_page(1000, 20)],
        minimal=_page(10000, 2),
        burst=[_burst(500, 50, registered=50, latency_s=1.2), _burst(120, 20, registered=20, latency_s=0.4)],
        fanout=FANOUT,
    )

    assert len(rows) == 2 + 6 and all(row.endswith("| yes |") for row in rows[2:])
    assert "0.630 (lowest)" in rows[2]


def test_a_target_missed_by_one_page_or_one_overbooked_seat_is_marked_not_met():
    rows = target_rows(
        cached=[_page(7000, 3), _page(5900, 4)],  # one visitor page at 0.59
        signed_in=[_page(1000, 60)],  # p99 60 ms
        minimal=_page(10000, 2),
        burst=[_burst(500, 50, registered=51, latency_s=1.2), _burst(120, 20, registered=20, latency_s=0.6)],
        fanout={**FANOUT, "losses (keys never received)": 1},
    )

    met = {row.split(" | ")[0].lstrip("| "): row.endswith("| yes |") for row in rows[2:]}
    assert [target for target, yes in met.items() if yes] == ["signed-in pages: each at least 0.10 of the minimal view"]
