"""Programme staff build a series in the admin, and a hub manager adds a spoke, in a real browser.

The admin journey uses the admin's own JavaScript (the slug filled from the title, "Add another
session" rows) under the site's Content-Security-Policy, so a script the policy blocks fails here.
"""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.formatting import format_date
from hubs.models import Spoke
from series.models import Series
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def t(text: str, language: str = "en") -> str:
    with translation.override(language):
        return gettext(text)


def test_staff_create_a_published_series_with_two_sessions_in_the_admin(page, live_server, sign_in, staff, hub):
    sign_in(staff)
    page.goto("/admin/")
    page.locator("#content-main").get_by_role("link", name="Series", exact=True).click()
    page.locator(".object-tools a.addlink").click()

    page.get_by_label("Hub:").select_option(str(hub.pk))
    page.get_by_label("Title (English):", exact=True).fill("Paramedics Providing Palliative Care")
    page.get_by_label("Title (English):", exact=True).blur()
    page.get_by_label("Title (français):", exact=True).fill("Les paramédics en soins palliatifs")
    assert page.locator("#id_slug").input_value() == "paramedics-providing-palliative-care"  # the admin's own JS ran
    page.locator("#id_status").select_option("published")

    day = timezone.localdate() + dt.timedelta(days=10)
    for index, title in enumerate(["Assessing pain in the home", "Talking about goals of care"]):
        page.locator("#sessions-group .add-row a").click()
        date = (day + dt.timedelta(days=7 * index)).isoformat()
        page.locator(f"#id_sessions-{index}-title_en").fill(title)
        page.locator(f"#id_sessions-{index}-starts_at_0").fill(date)
        page.locator(f"#id_sessions-{index}-starts_at_1").fill("12:00:00")
        page.locator(f"#id_sessions-{index}-ends_at_0").fill(date)
        page.locator(f"#id_sessions-{index}-ends_at_1").fill("13:00:00")
    page.locator("input[name=_save]").last.click()
    page.wait_for_load_state()

    assert "was added successfully" in page.locator(".messagelist").inner_text()
    series = Series.objects.get(slug="paramedics-providing-palliative-care")
    assert series.status == Series.Status.PUBLISHED
    assert list(series.sessions.order_by("starts_at").values_list("title", flat=True)) == [
        "Assessing pain in the home",
        "Talking about goals of care",
    ]
    # Learners see it at once, with its sessions, on the public page.
    page.goto(series.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == "Paramedics Providing Palliative Care"
    assert "Assessing pain in the home" in page.locator("main").inner_text()
    assert "Talking about goals of care" in page.locator("main").inner_text()
    assert not page.console_problems, page.console_problems


def test_a_hub_manager_adds_a_spoke_and_sees_it_listed(page, live_server, sign_in, hub_manager, hub):
    sign_in(hub_manager)
    page.goto(f"/hubs/{hub.slug}/manage/")
    page.get_by_role("navigation", name=None).get_by_role("link", name=t("Spokes"), exact=True).last.click()
    page.get_by_role("link", name=t("Add a spoke")).first.click()

    page.get_by_label(t("Name"), exact=False).first.fill("Pine Ridge Long-Term Care Home")
    page.get_by_label(t("Kind of community or setting of care")).select_option(Spoke.Kind.LONG_TERM_CARE)
    page.locator("select[name=province]").select_option("ON")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    assert "Pine Ridge Long-Term Care Home" in page.locator("[role=status]").first.inner_text()
    assert page.get_by_role("rowheader", name="Pine Ridge Long-Term Care Home").is_visible()
    assert Spoke.objects.get(hub=hub, name="Pine Ridge Long-Term Care Home").kind == Spoke.Kind.LONG_TERM_CARE
    assert not page.console_problems, page.console_problems


def test_another_hubs_manager_cannot_open_this_hubs_portal(page, live_server, sign_in, other_hub_manager, hub):
    factories.SpokeFactory(hub=hub, name="Lakeside Family Health Team")
    sign_in(other_hub_manager)

    response = page.goto(f"/hubs/{hub.slug}/manage/spokes/")

    assert response.status == 404
    assert "Lakeside Family Health Team" not in page.content()


def _publish_from_the_list(page, series) -> str:
    """Tick the series on the list the save returned to, run "Publish the selected series", return the messages."""
    page.locator(f"input[name=_selected_action][value='{series.pk}']").check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Go", exact=True).click()
    page.wait_for_load_state()
    return page.locator(".messagelist").inner_text()


def test_staff_create_a_key_series_publish_it_and_import_attendance(page, live_server, sign_in, staff, hub, tmp_path):
    """The staff journey of the first hour: a draft series with a past session and a key, published from the list,
    then the session's participant report imported; a registrant missing from the report is recorded absent."""
    sign_in(staff)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/series/series/add/")
    page.get_by_label("Hub:").select_option(str(hub.pk))
    page.get_by_label("Title (English):", exact=True).fill("Grief and Bereavement CoP")
    page.get_by_label("Title (English):", exact=True).blur()
    page.locator("#id_registration_mode").select_option("key")
    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    page.locator("#sessions-group .add-row a").click()
    page.locator("#id_sessions-0-title_en").fill("Supporting families after a death")
    page.locator("#id_sessions-0-starts_at_0").fill(day)
    page.locator("#id_sessions-0-starts_at_1").fill("12:00:00")
    page.locator("#id_sessions-0-ends_at_0").fill(day)
    page.locator("#id_sessions-0-ends_at_1").fill("13:00:00")
    # The form fits the screen: no sideways scrolling at 1280 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.get_by_text("Times in the administration are Eastern Time (ET).").count() == 1
    assert page.locator(".timezonewarning:visible").count() == 0
    page.locator("input[name=_save]").last.click()
    page.wait_for_load_state()
    series = Series.objects.get(slug="grief-and-bereavement-cop")
    assert series.status == Series.Status.DRAFT

    # Publishing without a key is refused with what is missing.
    message = _publish_from_the_list(page, series)
    assert "has no active key" in message
    series.refresh_from_db()
    assert series.status == Series.Status.DRAFT

    # With a key added on the form, it goes through.
    page.goto(f"/admin/series/series/{series.pk}/change/")
    page.locator("#keys-group .add-row a").click()
    page.locator("#id_keys-0-code").fill("GRIEF26")
    page.locator("input[name=_save]").last.click()
    page.wait_for_load_state()
    message = _publish_from_the_list(page, series)
    assert "1 series published." in message
    series.refresh_from_db()
    assert series.status == Series.Status.PUBLISHED

    session = series.sessions.get()
    came = factories.RegistrationFactory(session=session, user=factories.UserFactory(email="came@example.org"))
    missed = factories.RegistrationFactory(session=session, user=factories.UserFactory(email="missed@example.org"))
    report = tmp_path / "participants.csv"
    report.write_text("Name (Original Name),User Email,Duration (Minutes)\nCam,came@example.org,52\n", encoding="utf-8")

    page.goto("/admin/enrollment/registration/")
    page.get_by_role("link", name="Record attendance from a CSV").click()
    page.locator("#id_session").select_option(
        label=f"Grief and Bereavement CoP – Supporting families after a death ({format_date(session.starts_at)})"
    )
    page.locator("#id_report").set_input_files(str(report))
    page.get_by_role("button", name="Record attendance").click()
    page.wait_for_load_state()
    message = page.locator(".messagelist").inner_text()
    assert "Attendance recorded for 1 registrant." in message
    assert "1 registrant not in the report was recorded absent." in message
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.attended_minutes, missed.attended_minutes) == (52, 0)
    assert not page.console_problems, page.console_problems
