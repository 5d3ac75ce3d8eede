"""The pages a person can reach, with data that makes each one show what it normally shows.

Shared by the accessibility checks (axe in Chromium) and the HTML validity check (the Nu validator),
so both cover the same pages. Each feature adds its pages here when it lands.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from tests import factories


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    # A form whose error state is worth checking too: submitted empty, it must show its errors accessibly.
    form: bool = False
    # The data an empty submission sends for forms whose hidden fields must survive (e.g. CSRF is added by the client).
    empty_data: dict = field(default_factory=dict)


@dataclass
class Programme:
    hub: object
    series: object
    key_series: object
    upcoming: list
    past: object
    clinician: object
    manager: object


def build_programme() -> Programme:
    """A small programme: an open community of practice, a keyed one, upcoming and past sessions, a manager."""
    hub = factories.HubFactory(
        name="Northern Lakes Palliative Hub (demo)", slug="northern-lakes", description="Regional hub partner."
    )
    presenter = factories.PresenterFactory(name="Dr. Marie Gagnon")
    series = factories.SeriesFactory(
        hub=hub,
        title="Palliative Care in Long-Term Care",
        slug="ltc-cop",
        description="<p>Monthly <strong>case-based</strong> learning.</p>",
        credits_per_hour=1,
    )
    key_series = factories.SeriesFactory(
        hub=hub,
        title="Paramedics Providing Palliative Care",
        slug="paramedics-cop",
        registration_mode="key",
        key_distributor="your regional hub",
    )
    factories.EnrollmentKeyFactory(series=key_series, code="LTC2122", label="Northern cohort")
    upcoming = [
        factories.SessionFactory(series=series, title="Pain at the end of life", days_from_now=7),
        factories.SessionFactory(series=series, title="Goals of care conversations", days_from_now=14),
        factories.SessionFactory(series=key_series, title="Dyspnea in the community", days_from_now=10),
    ]
    for session in upcoming:
        session.presenters.add(presenter)
    past = factories.SessionFactory(series=series, title="Delirium", days_from_now=-14)
    factories.ResourceFactory(session=past, published_at=timezone.now() - dt.timedelta(days=7))
    clinician = factories.UserFactory(email="alice@example.org", first_name="Alice", last_name="Tremblay")
    factories.RegistrationFactory(user=clinician, session=upcoming[0])
    manager = factories.UserFactory(email="bob@example.org", first_name="Bob", last_name="Manager")
    factories.HubMembershipFactory(hub=hub, user=manager, role="manager")
    factories.SpokeFactory(hub=hub, name="Lakeside Long-Term Care Home")
    return Programme(hub, series, key_series, upcoming, past, clinician, manager)


def public_pages(programme: Programme) -> list[Page]:
    return [
        Page("home", reverse("home")),
        Page("catalog", reverse("series:catalog")),
        Page("series (open)", programme.series.get_absolute_url()),
        Page("series (enrollment key)", programme.key_series.get_absolute_url()),
        Page("session (upcoming)", programme.upcoming[0].get_absolute_url()),
        Page("session (past, with recording)", programme.past.get_absolute_url()),
        Page("past sessions", reverse("echo_sessions:past")),
        Page("hub partners", reverse("hubs:list")),
        Page("hub", programme.hub.get_absolute_url()),
        Page("about", reverse("about")),
        Page("privacy", reverse("privacy")),
        Page("contact", reverse("contact")),
        Page("sign in", reverse("account_login"), form=True),
        Page("create an account", reverse("account_signup"), form=True),
        Page("password reset", reverse("account_reset_password"), form=True),
    ]


def clinician_pages(programme: Programme) -> list[Page]:
    return [
        Page("my learning", reverse("enrollment:my_learning")),
        Page("profile", reverse("accounts:profile"), form=True),
        Page("email addresses", reverse("account_email")),
        Page("change password", reverse("account_change_password"), form=True),
    ]


def manager_pages(programme: Programme) -> list[Page]:
    return []
