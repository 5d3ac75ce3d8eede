"""What a web worker's first request would do once and every later request finds done, done before it takes any.

Django leaves some work to the first request that needs it: making the template engine (which imports every
template tag library and, at its first rendering, the context processors), compiling each template into the cached
loader, reading each language's translation catalogues and format modules, the static files' manifest. Each
gunicorn worker paid it on its first page (about 120 ms in `make bench`, the biggest single stall in the p99 tail).
gunicorn.conf.py's post_worker_init calls `warm` once the app is loaded and before it freezes what is alive, so what
this makes is frozen with the rest (the garbage collector's full passes skip it).

Measured on the bench database: a worker's first signed-in picker page went from 34,209 Python calls to 6,160 (a
later one makes 4,220; what is left is reading the programme's shared parts into the worker and preparing its
statements on the new connection), its first home page from 33,870 to 6,057 (4,135 later). The cost is at
start-up: 291 templates, 0.2-0.24 s of CPU per worker, and a worker's peak memory after the five signed-in pages
110 -> 118 MiB.

Files only: nothing here reads the database or the cache, which may not answer while workers start; a failure is
logged and the worker starts anyway, its first request doing what was left.
"""

from __future__ import annotations

import logging
import sysconfig
from pathlib import Path

from django.conf import settings
from django.template import Engine, engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import get_template
from django.utils import formats, translation

logger = logging.getLogger(__name__)

# Of the templates installed packages bring, those every page's forms render through (the widgets').
_PACKAGE_TEMPLATES_USED = ("django/forms/",)


def _package_dirs() -> list[Path]:
    return [Path(sysconfig.get_paths()[name]).resolve() for name in ("purelib", "platlib")]


def _django_engines() -> list[Engine]:
    return [backend.engine for backend in engines.all() if isinstance(backend, DjangoTemplates)]


def template_names() -> list[str]:
    """Every template in the project's own template directories (templates/ and each of its apps'), and Django's
    form templates, as the template engines' loaders find them: not the admin's or allauth's, which the pages
    learners visit most do not use (they are compiled when first asked for, as before)."""
    packages = _package_dirs()
    names = set()
    for engine in _django_engines():
        for loader in engine.template_loaders:
            for source in getattr(loader, "loaders", [loader]):  # the cached loader holds the ones that read files
                for directory in map(Path, getattr(source, "get_dirs", list)()):
                    if not directory.is_dir():
                        continue
                    from_package = any(directory.resolve().is_relative_to(package) for package in packages)
                    for path in directory.rglob("*"):
                        name = path.relative_to(directory).as_posix()
                        if path.is_file() and (not from_package or name.startswith(_PACKAGE_TEMPLATES_USED)):
                            names.add(name)
    return sorted(names)


def warm_templates() -> int:
    """Compile `template_names()` through Django's template loader, as a page asks for them, so the cached loader
    keeps them, and import the context processors every rendering runs; how many templates. A template that does
    not compile is logged and left out."""
    for engine in _django_engines():
        engine.template_context_processors  # noqa: B018 (imported when first read)
    compiled = 0
    for name in template_names():
        try:
            get_template(name)
        except Exception:
            logger.warning("warm start: template %s does not compile", name, exc_info=True)
        else:
            compiled += 1
    return compiled


def warm_languages() -> None:
    """Read every language's translation catalogues (each app's, merged) and import its format modules (Django's
    and echo_portal/formats'), as the first request in that language would."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # activating a language reads its catalogues
            formats.get_format("DATE_FORMAT", lang=code)


def warm_static_manifest() -> None:
    """Read the static files' manifest (the hashed names every page's stylesheet and script links use)."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    staticfiles_storage.base_url  # noqa: B018 (the storage is made, and its manifest read, when first touched)


def warm() -> None:
    """All of the above; never raises, so a worker always starts."""
    try:
        compiled = warm_templates()
        warm_languages()
        warm_static_manifest()
    except Exception:
        logger.warning("warm start: left to the first request", exc_info=True)
    else:
        logger.debug("warm start: %s templates compiled", compiled)
