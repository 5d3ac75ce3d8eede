"""CPU time by process over a stretch of a benchmark, read from /proc (Linux): what each part of a run cost.

On a shared machine the wall-clock time of a run says little; the CPU each process used hardly depends on what
else runs. `CpuMeter` snapshots the processes it is told about (by pid, with their descendants, or this process's
threads one by one) and the whole machine's busy time, and `.spent()` gives the seconds each used in between.
A process that started in between counts from zero; one that ended in between is missing (say so when reading).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def available() -> bool:
    return (PROC / "self" / "stat").exists()


def _stat(path: Path) -> tuple[int, float] | None:
    """(parent pid, user + system seconds) of /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat."""
    try:
        text = path.read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def process_seconds(pid: int) -> float:
    stat = _stat(PROC / str(pid) / "stat")
    return stat[1] if stat else 0.0


def descendants(pid: int) -> set[int]:
    """`pid` and every process below it."""
    parents: dict[int, int] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(entry / "stat")) is not None:
            parents[int(entry.name)] = stat[0]
    found, frontier = {pid}, {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def thread_seconds(tid: int) -> float:
    stat = _stat(PROC / "self" / "task" / str(tid) / "stat")
    return stat[1] if stat else 0.0


def machine_busy_seconds() -> float:
    """All cores' non-idle time since boot (user, nice, system, irq, softirq, steal)."""
    fields = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICK


class CpuMeter:
    """Named parts, each a function giving {id: cumulative CPU seconds} of its processes or threads right now."""

    def __init__(self):
        self.parts: dict[str, Callable[[], dict[int, float]]] = {}
        self.extra: dict[str, Callable[[], float]] = {}
        self._start: dict[str, dict[int, float]] = {}
        self._start_extra: dict[str, float] = {}

    def processes(self, name: str, pids: Callable[[], Iterable[int]]) -> None:
        """A part made of the processes `pids()` names when asked (asked again at each snapshot)."""
        self.parts[name] = lambda: {pid: process_seconds(pid) for pid in pids()}

    def tree(self, name: str, pid: int) -> None:
        self.processes(name, lambda: descendants(pid))

    def threads(self, name: str, tids: Callable[[], Iterable[int]]) -> None:
        """Threads of this process, by native id."""
        self.parts[name] = lambda: {tid: thread_seconds(tid) for tid in tids()}

    def counter(self, name: str, read: Callable[[], float]) -> None:
        """A cumulative figure read some other way (a server's own CPU counter, a count of commands)."""
        self.extra[name] = read

    def start(self) -> None:
        self._start = {name: read() for name, read in self.parts.items()}
        self._start_extra = {name: read() for name, read in self.extra.items()}
        self._start_extra["machine, every process (busy time of all cores)"] = machine_busy_seconds()

    def spent(self) -> dict[str, float]:
        result: dict[str, float] = {}
        for name, read in self.parts.items():
            now, before = read(), self._start.get(name, {})
            result[name] = round(sum(seconds - before.get(key, 0.0) for key, seconds in now.items()), 2)
        for name, read in self.extra.items():
            result[name] = round(read() - self._start_extra[name], 2)
        machine = "machine, every process (busy time of all cores)"
        result[machine] = round(machine_busy_seconds() - self._start_extra[machine], 2)
        return result
