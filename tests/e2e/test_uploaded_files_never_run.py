"""No script runs from an uploaded file, in a real browser.

Before the fix a hub manager's evil.html, uploaded as a session handout, opened from /media/ as a page of the
portal's own origin and its script ran with the visitor's session. Now the admin refuses it, and a file that
was stored before kinds were checked comes out of the download view as a sandboxed attachment: the browser
saves it and runs nothing.
"""

import pytest
from django.core.files.base import ContentFile

from hubs import services as hub_services
from sessions.models import Resource
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MARKER = "/uploaded-script-ran/"
EVIL = (
    "<!doctype html><html><head><title>evil</title></head><body>"
    f"<script>document.title = 'pwned'; fetch('{MARKER}' + document.cookie);</script>"
    f'<img src="{MARKER}img" onerror="fetch(\'{MARKER}onerror\')">'
    "</body></html>"
).encode()


@pytest.fixture
def session(hub):
    series = factories.SeriesFactory(hub=hub, title="Palliative Care ECHO")
    return factories.SessionFactory(series=series, title="Advance care planning", days_from_now=-2)


def _watch_marker(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if MARKER in request.url else None)
    return seen


def test_a_hub_manager_cannot_upload_a_web_page_as_a_handout(page, sign_in, hub_manager, session, tmp_path):
    hub_services.grant_hub_manager_admin(user=hub_manager)
    sign_in(hub_manager)
    evil = tmp_path / "evil.html"
    evil.write_bytes(EVIL)

    page.goto(f"/admin/echo_sessions/resource/add/?session={session.pk}")
    page.locator("#id_kind").select_option(Resource.Kind.HANDOUT)
    page.locator("#id_file").set_input_files(str(evil))
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()

    assert "This kind of file cannot be shared with learners." in page.locator("#content-main").inner_text()
    assert not Resource.objects.filter(session=session).exists()


def test_a_stored_web_page_downloads_and_runs_no_script(page, sign_in, clinician, session):
    resource = factories.ResourceFactory(
        session=session, url="", title="Old handout", kind=Resource.Kind.HANDOUT, file="resources/1/evil.html"
    )
    resource.file.storage.save("resources/1/evil.html", ContentFile(EVIL))
    factories.RegistrationFactory(user=clinician, session=session)
    sign_in(clinician)
    seen = _watch_marker(page)

    page.goto(session.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Old handout").click()
    download = download_info.value

    assert download.suggested_filename.endswith("evil.html")
    assert page.title() != "pwned"
    assert page.url.endswith(session.get_absolute_url())  # the browser stayed on the session page
    assert seen == []
    assert page.console_problems == []
