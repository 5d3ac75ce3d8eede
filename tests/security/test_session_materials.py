"""Session materials: only kinds that cannot run are kept, and they come out of one door that checks who asks.

Reproduced before the fix: a hub manager uploaded evil.html as a session resource and /media/resources/<id>/evil.html
was served as text/html from the portal's origin; a "Registrants only" file downloaded for anyone at its guessable
path. Bob manages the session's hub, Alice registered for it, Charlie did not, Dana manages another hub.
"""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hubs import services as hub_services
from series.models import Series
from sessions.models import Resource
from tests import factories

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>document.title='pwned'</script></body></html>"


def _office(entry: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The telling entry late, after a large first entry, as real files often have it.
        archive.writestr("[Content_Types].xml", "<Types>" + "x" * 20_000 + "</Types>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(entry, "<document/>")
    return buffer.getvalue()


@pytest.fixture
def session(hub):
    series = factories.SeriesFactory(hub=hub, title="Palliative Care ECHO")
    return factories.SessionFactory(series=series, title="Advance care planning", days_from_now=-2)


@pytest.fixture
def admin_client(client, hub_manager):
    hub_services.grant_hub_manager_admin(user=hub_manager)
    client.force_login(hub_manager)
    return client


def _upload_in_admin(admin_client, session, name: str, content: bytes, browser_type: str = "application/pdf"):
    return admin_client.post(
        reverse("admin:echo_sessions_resource_add"),
        {
            "session": session.pk,
            "kind": Resource.Kind.HANDOUT,
            "title": "Handout",
            "url": "",
            "text": "",
            "visibility": Resource.Visibility.PUBLIC,
            "published_at_0": "",
            "published_at_1": "",
            "file": SimpleUploadedFile(name, content, content_type=browser_type),
        },
    )


def _stored(session, name: str, content: bytes, **fields) -> Resource:
    resource = factories.ResourceFactory(session=session, url="", kind=Resource.Kind.SLIDES, **fields)
    resource.file.save(name, ContentFile(content))
    return resource


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.html", HTML),
        ("evil.htm", b"  \n<html><script>alert(1)</script>"),
        ("evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("evil.js", b"fetch('/admin/').then(r => r.text())"),
        ("evil.xml", b'<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>'),
        ("notes.txt", HTML),  # markup named as text
        ("slides.pdf", HTML),  # markup named as a PDF, sent as one by the browser
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 64),
        ("unknown.bin", b"\x13\x37" * 64),
        ("archive.zip", _office("other/thing.xml")),
    ],
)
def test_the_admin_refuses_markup_scripts_and_unknown_files_with_a_clear_message(admin_client, session, name, content):
    response = _upload_in_admin(admin_client, session, name, content)

    assert response.status_code == 200
    assert "This kind of file cannot be shared with learners." in response.content.decode()
    assert not Resource.objects.filter(session=session).exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("slides.pdf", PDF, "application/pdf", "pdf"),
        ("slides.html", PDF, "application/pdf", "pdf"),  # the name does not decide; the content does
        ("photo.png", PNG, "image/png", "png"),
        ("talk.mp3", MP3, "audio/mpeg", "mp3"),
        ("notes.txt", "Questions et réponses : soins palliatifs\n".encode(), "text/plain", "txt"),
        ("deck.pptx", _office("ppt/presentation.xml"), None, "pptx"),
        ("letter.docx", _office("word/document.xml"), None, "docx"),
        ("sheet.xlsx", _office("xl/workbook.xml"), None, "xlsx"),
    ],
)
def test_accepted_kinds_are_stored_under_a_random_name_with_the_kind_found_in_them(
    admin_client, session, name, content, content_type, extension
):
    response = _upload_in_admin(admin_client, session, name, content, browser_type="text/html")

    assert response.status_code == 302, response.content.decode()[:2000]
    resource = Resource.objects.get(session=session)
    assert resource.file.name.startswith("materials/") and resource.file.name.endswith(f".{extension}")
    assert name.rsplit(".", 1)[0] not in resource.file.name
    assert str(session.pk) not in resource.file.name.split("/")[0]
    assert len(resource.file.name.split("/")[1]) > 30
    if content_type:
        assert resource.content_type == content_type
    assert resource.file_name == name


@pytest.mark.django_db
def test_a_script_cannot_be_stored_by_any_path_not_only_the_admin(session):
    resource = factories.ResourceFactory(session=session, url="")
    with pytest.raises(Exception, match="cannot be shared"):
        resource.file.save("evil.html", ContentFile(HTML))


def test_a_download_is_an_attachment_of_the_checked_type_that_nothing_can_run_in(client, session):
    resource = _stored(session, "Slides – ACP.pdf", PDF)

    response = client.get(resource.href)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "ACP.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert resource.href == reverse("echo_sessions:material_file", args=[resource.pk])


def test_a_file_stored_before_kinds_were_checked_is_still_an_opaque_attachment(client, session):
    resource = factories.ResourceFactory(session=session, url="", file="resources/1/evil.html")
    resource.file.storage.save("resources/1/evil.html", ContentFile(HTML))

    response = client.get(resource.href)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_media_has_no_public_path(client, session, settings):
    resource = _stored(session, "slides.pdf", PDF)

    assert client.get(f"/media/{resource.file.name}").status_code == 404
    assert client.get(f"/media/resources/{session.pk}/slides.pdf").status_code == 404


def test_registrants_only_files_download_for_registrants_and_that_hubs_staff_only(
    client, session, clinician, outsider, hub_manager, other_hub_manager, staff
):
    resource = _stored(session, "slides.pdf", PDF, visibility=Resource.Visibility.REGISTRANTS)
    factories.RegistrationFactory(user=clinician, session=session)
    factories.RegistrationFactory(user=outsider, status="cancelled")
    url = resource.href

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))
    for forbidden in (outsider, other_hub_manager):
        client.force_login(forbidden)
        assert client.get(url).status_code == 404, forbidden
    for allowed in (clinician, hub_manager, staff):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200, allowed
        assert response["Cache-Control"] == "private, no-store"


def test_unpublished_materials_and_drafts_files_are_not_found_except_for_their_hubs_staff(
    client, session, clinician, hub_manager, other_hub_manager
):
    unpublished = _stored(session, "draft.pdf", PDF, published_at=None)
    draft_series = factories.SeriesFactory(hub=session.series.hub, status=Series.Status.DRAFT)
    of_draft = _stored(factories.SessionFactory(series=draft_series, days_from_now=-1), "d.pdf", PDF)
    factories.RegistrationFactory(user=clinician, session=session)

    for user in (None, clinician, other_hub_manager):
        if user:
            client.force_login(user)
        assert client.get(unpublished.href).status_code == 404
        assert client.get(of_draft.href).status_code == 404
    client.force_login(hub_manager)
    assert client.get(unpublished.href).status_code == 200
    assert client.get(of_draft.href).status_code == 200


def test_the_session_page_links_files_through_the_download_view(client, session):
    resource = _stored(session, "slides.pdf", PDF, title="ACP slides")

    page = client.get(session.get_absolute_url()).content.decode()

    assert f'href="{resource.href}"' in page
    assert "/media/" not in page


@pytest.mark.django_db
def test_missing_file_is_not_found_not_an_error(client, session):
    resource = factories.ResourceFactory(session=session, url="", file="materials/gone.pdf", content_type="x")
    assert client.get(resource.href).status_code == 404
    assert client.get(reverse("echo_sessions:material_file", args=[999_999])).status_code == 404


def test_production_keeps_materials_in_a_private_s3_compatible_bucket_from_the_environment():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import default_storage as s; "
        "print(json.dumps({'backend': settings.STORAGES['default']['BACKEND'], 'bucket': s.bucket_name, "
        "'acl': s.default_acl, 'signed': s.querystring_auth, 'overwrite': s.file_overwrite, "
        "'endpoint': s.endpoint_url, 'location': s.location}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "echo_portal.settings",
        "MEDIA_S3_BUCKET": "echo-materials",
        "MEDIA_S3_ENDPOINT_URL": "https://objects.example.org",
        "MEDIA_S3_REGION": "ca-central-1",
    }
    root = Path(__file__).resolve().parent.parent.parent
    result = subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "backend": "storages.backends.s3.S3Storage",
        "bucket": "echo-materials",
        "acl": "private",
        "signed": True,
        "overwrite": False,
        "endpoint": "https://objects.example.org",
        "location": "media",
    }
