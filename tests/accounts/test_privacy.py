"""A clinician's data is theirs: download it, delete the account (figures unchanged), and staff looks are logged."""

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.utils import timezone

from accounts import privacy
from accounts.models import AccessLog, DataExport, User
from core import personal_data
from enrollment import participation
from enrollment.models import Registration
from tests import factories
from tests.hubs.conftest import manage_url

pytestmark = pytest.mark.django_db(transaction=True)

# Models of Django and allauth that hold nothing about a person, or are covered by a provider's erasure.
NOT_PERSONAL = {"auth.Permission", "contenttypes.ContentType", "sessions.Session"}


def test_every_model_pointing_at_a_person_has_a_provider():
    """A new model with a user field must say how it is exported and erased (see core/personal_data.py)."""
    covered = {model._meta.label for model in personal_data.covered_models()}
    missing = []
    for model in apps.get_models():
        points_at_user = any(
            field.is_relation and field.concrete and field.related_model is User for field in model._meta.get_fields()
        )
        if (points_at_user or model is User) and model._meta.label not in covered | NOT_PERSONAL:
            missing.append(model._meta.label)
    assert not missing, (
        f"{missing} hold personal data but no provider covers them: add them to a Provider in "
        "<app>/personal_data.py, registered in the app's ready() (see core/personal_data.py)"
    )


@pytest.fixture
def learner(hub):
    amelie = factories.UserFactory(
        email="amelie.cote@example.org", first_name="Amélie", last_name="Côté-Labrecque", licence_number="CFPC-4471"
    )
    spoke = factories.SpokeFactory(hub=hub, name="Lakeside Long-Term Care Home")
    factories.SpokeMembershipFactory(spoke=spoke, user=amelie)
    series = factories.SeriesFactory(hub=hub, title="Long-Term Care Community of Practice")
    held = factories.SessionFactory(series=series, title="Advance Care Planning", days_from_now=-20)
    upcoming = factories.SessionFactory(series=series, title="Honouring Personhood in Dementia Care")
    factories.EnrollmentFactory(user=amelie, series=series)
    factories.RegistrationFactory(user=amelie, session=held, attended_minutes=55)
    factories.RegistrationFactory(user=amelie, session=upcoming)
    return amelie


@pytest.fixture
def someone_else(hub, learner):
    other = factories.UserFactory(email="bob.other@example.org", first_name="Bob", last_name="Otherperson")
    session = Registration.objects.filter(user=learner).first().session
    factories.RegistrationFactory(user=other, session=session, attended_minutes=58)
    return other


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _link(message) -> str:
    return re.search(r"https?://\S+?(/me/data/[^/\s]+/download/)", message.body).group(1)


def test_download_my_data_emails_a_link_to_a_zip_of_everything_and_nothing_of_anyone_else(learner, someone_else):
    client = _signed_in(learner)
    page = client.get("/me/data/")
    assert "Download my data" in page.content.decode()

    response = client.post("/me/data/export/", follow=True)

    assert response.status_code == 200
    (message,) = [m for m in mail.outbox if m.to == ["amelie.cote@example.org"]]
    assert message.subject == "Your data is ready to download"
    download = client.get(_link(message))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    document = json.loads(archive.read("data.json"))
    text = archive.read("data.json").decode()
    assert document["account"] == "amelie.cote@example.org"
    data = document["data"]
    assert data["Your account and profile"]["profile"][0]["licence_number"] == "CFPC-4471"
    titles = {row["session__title"] for row in data["Registrations and attendance"]["registrations"]}
    assert titles == {"Advance Care Planning", "Honouring Personhood in Dementia Care"}
    assert data["Hubs and spokes"]["spoke_memberships"][0]["spoke__name"] == "Lakeside Long-Term Care Home"
    assert "registrations.csv" in archive.namelist()
    assert "bob.other" not in text and "Otherperson" not in text


def test_the_download_link_works_only_for_its_owner_signed_in_and_only_for_a_week(learner, someone_else):
    client = _signed_in(learner)
    client.post("/me/data/export/")
    export = DataExport.objects.get(user=learner)
    url = f"/me/data/{export.token}/download/"

    assert _signed_in(someone_else).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign in
    export.expires_at = timezone.now() - dt.timedelta(minutes=1)
    export.save()
    assert client.get(url).status_code == 404


def test_deleting_asks_for_confirmation_and_the_password_and_changes_nothing_without(learner):
    client = _signed_in(learner)

    unticked = client.post("/accounts/delete/", {"password": "correct horse battery"})
    wrong = client.post("/accounts/delete/", {"confirm": "on", "password": "nope"})

    assert "Tick the box to confirm" in unticked.content.decode()
    assert "That is not your password." in wrong.content.decode()
    learner.refresh_from_db()
    assert learner.deletion_requested_at is None and learner.is_active


def test_deletion_waits_for_the_grace_period_and_signing_in_cancels_it(learner, password):
    client = _signed_in(learner)
    page = client.get("/accounts/delete/")
    assert "What stays, without your name" in page.content.decode()

    response = client.post("/accounts/delete/", {"confirm": "on", "password": password}, follow=True)

    assert "Your account will be deleted on" in response.content.decode()
    assert "_auth_user_id" not in client.session  # signed out
    learner.refresh_from_db()
    assert learner.deletion_requested_at is not None
    assert any(m.subject == "Your account will be deleted" for m in mail.outbox)

    again = Client()
    signed_in = again.post("/accounts/login/", {"login": learner.email, "password": password}, follow=True)

    assert "your account will not be deleted" in signed_in.content.decode()
    learner.refresh_from_db()
    assert learner.deletion_requested_at is None


def _reach_figures(period):
    from reports import reach

    figures = reach.reach(period=period)
    return figures.totals, [(table.key, table.rows) for table in figures.tables]


def _text_columns():
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField | models.EmailField):
                yield model._meta.db_table, field.column


def _found_anywhere(needle: str) -> list[str]:
    hits = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            quoted = connection.ops.quote_name
            cursor.execute(
                f"SELECT COUNT(*) FROM {quoted(table)} WHERE LOWER(CAST({quoted(column)} AS TEXT)) LIKE %s",
                [f"%{needle.lower()}%"],
            )
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


def test_a_deleted_account_leaves_its_name_nowhere_and_the_figures_unchanged(
    learner, someone_else, hub, password, settings
):
    period = participation.Period(start=timezone.localdate() - dt.timedelta(days=365), end=timezone.localdate())
    before = participation.participation_summary(hub=hub, period=period)
    reach_before = _reach_figures(period)
    assert reach_before[0].participants == 2  # Amélie and Bob attended: the figures have something to keep
    held = Registration.objects.get(user=learner, attended_minutes=55).session
    attendance_before = list(held.registrations.order_by("pk").values_list("status", "attended_minutes"))
    client = _signed_in(learner)
    client.post("/me/data/export/")
    manager = factories.UserFactory(is_staff=True, is_superuser=True)
    _signed_in(manager).get(f"/admin/accounts/user/{learner.pk}/change/")  # an admin log of the account

    settings.ACCOUNT_DELETION_GRACE_DAYS = 0
    response = client.post("/accounts/delete/", {"confirm": "on", "password": password}, follow=True)

    assert "Your account was deleted." in response.content.decode()
    for needle in ("Amélie", "Côté-Labrecque", "CFPC-4471"):
        assert _found_anywhere(needle) == [], needle
    # The last email went to the address before it was erased, and it names nobody.
    assert any(m.subject == "Your ECHO Portal account was deleted" for m in mail.outbox)
    assert participation.participation_summary(hub=hub, period=period) == before
    assert _reach_figures(period) == reach_before  # the national reach dashboard, every table
    assert list(held.registrations.order_by("pk").values_list("status", "attended_minutes")) == attendance_before
    assert not Client().login(email="amelie.cote@example.org", password=password)
    assert User.objects.get(pk=learner.pk).deleted_at is not None


def test_the_daily_job_deletes_after_the_grace_period_and_removes_what_is_kept_too_long(learner, capsys):
    now = timezone.now()
    privacy.request_deletion(user=learner)
    stale = factories.UserFactory(email="never-confirmed@example.org", date_joined=now - dt.timedelta(days=31))
    stale.emailaddress_set.update(verified=False)
    recent = factories.UserFactory(email="just-joined@example.org")
    recent.emailaddress_set.update(verified=False)
    old_export = DataExport.objects.create(
        user=recent, status=DataExport.Status.READY, expires_at=now - dt.timedelta(days=1)
    )
    AccessLog.objects.create(actor=recent, action=AccessLog.Action.HUB_EXPORT, at=now - dt.timedelta(days=366))

    call_command("purge_personal_data")  # prints what it removed, as the daily task logs it
    assert "unverified accounts: 1 removed" in capsys.readouterr().out
    assert privacy.purge_expired(now=now)["accounts after their grace period"] == 0  # still in its grace period
    removed = privacy.purge_expired(now=now + dt.timedelta(days=15))

    assert removed["accounts after their grace period"] == 1
    assert not User.objects.filter(email="never-confirmed@example.org").exists()
    assert User.objects.filter(email="just-joined@example.org").exists()
    assert not DataExport.objects.filter(pk=old_export.pk).exists()
    assert not AccessLog.objects.filter(at__lt=now - dt.timedelta(days=365)).exists()
    learner.refresh_from_db()
    assert learner.deleted_at is not None and learner.email.endswith("@deleted.invalid")


def test_staff_and_hub_manager_looks_at_personal_data_are_logged_for_superusers(learner, hub, hub_manager, staff):
    member_url = manage_url(hub, "member_detail", learner.pk)
    manager = _signed_in(hub_manager)
    assert manager.get(member_url).status_code == 200
    assert manager.get(manage_url(hub, "export")).status_code == 200
    admin = _signed_in(staff)
    ids = list(Registration.objects.values_list("pk", flat=True))
    admin.post("/admin/enrollment/registration/", {"action": "export_csv", "_selected_action": ids})
    admin.get(f"/admin/accounts/user/{learner.pk}/change/")

    logged = set(AccessLog.objects.values_list("actor__email", "action", "subject__email"))

    assert logged == {
        (hub_manager.email, "member_detail", learner.email),
        (hub_manager.email, "hub_export", None),
        (staff.email, "registrant_export", None),
        (staff.email, "user_admin", learner.email),
    }
    assert admin.get("/admin/accounts/accesslog/").status_code == 200
    not_super = factories.UserFactory(is_staff=True)
    assert _signed_in(not_super).get("/admin/accounts/accesslog/").status_code == 403
