"""gunicorn settings every deployment of the portal shares: the Dockerfile, docker compose and `make bench` name this
file (gunicorn also reads it by itself from the directory it starts in). Workers, address and logging stay on the
command line, where each deployment chooses them.

Python's garbage collector and tail latency. A worker that has loaded the portal holds ~140,000 objects that live as
long as it does (modules, models, URL patterns, forms), and ~35,000 more once its first pages have compiled their
templates. A full collection walks all of them: measured in a worker serving signed-in pages, one came every ~1,000
requests and took ~100 ms of CPU (~300 ms wall on a loaded machine), a stall of that worker that every request queued
behind it waits out: most of a page's p99 at 16 connections on 2 workers. `gc.freeze()` moves the objects alive after
start-up to a generation the collector never walks, so full collections look only at what was made since (what
requests keep); the young generations, which reclaim a request's cycles, are collected as before. The templates are
compiled before the freeze (core/warm_start.py), so they are frozen too and the first page is not slowed by them.
Memory: nothing frozen is ever collected, so a leftover cycle alive at start-up would be kept; `gc.collect()` first
frees those, and what is frozen is what the worker keeps for its whole life anyway.
"""

import gc


def post_worker_init(worker) -> None:
    """After the worker has loaded the app: load the URL configuration too (the views, forms and template tags it
    imports, which the first request would load) and do the rest of what a first request would (core/warm_start.py:
    templates compiled, translations read), then freeze everything alive."""
    from django.urls import get_resolver

    from core import warm_start

    get_resolver().url_patterns  # noqa: B018 (imports every URL module: what a first request would do)
    warm_start.warm()
    gc.collect()
    gc.freeze()
