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
    spoke: object


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
    spoke = factories.SpokeFactory(hub=hub, name="Lakeside Long-Term Care Home")
    factories.SpokeMembershipFactory(spoke=spoke, user=clinician)
    factories.EnrollmentFactory(user=clinician, series=series)
    return Programme(hub, series, key_series, upcoming, past, clinician, manager, spoke)


def public_pages(programme: Programme) -> list[Page]:
    return [
        Page("home", reverse("home")),
        Page("catalog", reverse("series:catalog")),
        Page("catalog (filtered)", reverse("series:catalog") + "?language=fr&kind=cop"),
        Page("series (open)", programme.series.get_absolute_url()),
        Page("series (enrollment key)", programme.key_series.get_absolute_url()),
        Page("session (upcoming)", programme.upcoming[0].get_absolute_url()),
        Page("session (past, with recording)", programme.past.get_absolute_url()),
        Page("past sessions", reverse("echo_sessions:past")),
        Page("past sessions (searched)", reverse("echo_sessions:past") + "?q=delirium"),
        Page("hub partners", reverse("hubs:list")),
        Page("hub", programme.hub.get_absolute_url()),
        Page("about", reverse("about")),
        Page("privacy", reverse("privacy")),
        Page("contact", reverse("contact")),
        Page("become a hub partner", reverse("outreach:partner_interest"), form=True),
        Page("partner interest received", reverse("outreach:partner_interest_thanks")),
        *outreach_pages(),
        *content_pages(),
        Page("sign in", reverse("account_login"), form=True),
        Page("create an account", reverse("account_signup"), form=True),
        Page("password reset", reverse("account_reset_password"), form=True),
        Page("password reset sent", reverse("account_reset_password_done")),
        Page("check your email", reverse("account_email_verification_sent")),
        Page("account inactive", reverse("account_inactive")),
    ]


def outreach_pages() -> list[Page]:
    """The mailing list's pages, with a subscriber for the links its emails carry."""
    from outreach import subscriptions

    subscriber = subscriptions.request_subscription(
        details=subscriptions.Details(email="nadia@example.org", name="Nadia Roy"),
        consent=subscriptions.Consent(text="Yes", version="test", language="en", source="/stay-connected/"),
    )
    return [
        Page("stay connected", reverse("outreach:stay_connected"), form=True),
        Page("stay connected: check your email", reverse("outreach:stay_connected_check_email")),
        Page(
            "confirm a subscription", reverse("outreach:confirm", args=[subscriptions.confirmation_token(subscriber)])
        ),
        Page("leave the mailing list", subscriptions.unsubscribe_url(subscriber).removeprefix(_site())),
    ]


def content_pages() -> list[Page]:
    """FAQ, newsletters and reports with something in them (the About page comes with its migration)."""
    from content.models import FaqEntry, FaqTopic, Newsletter, Report

    topic, _ = FaqTopic.objects.get_or_create(title_en="Joining", defaults={"title_fr": "Participation"})
    FaqEntry.objects.get_or_create(
        topic=topic,
        question_en="Who can take part?",
        defaults={"question_fr": "Qui peut participer?", "answer_en": "Clinicians.", "answer_fr": "Les cliniciens."},
    )
    issue, _ = Newsletter.objects.get_or_create(
        slug="autumn",
        defaults={
            "title_en": "Autumn",
            "title_fr": "Automne",
            "body_en": "<h2>News</h2><p>Text.</p>",
            "is_published": True,
        },
    )
    report, _ = Report.objects.get_or_create(
        slug="spring", defaults={"title_en": "Spring report", "period_en": "Six months", "is_published": True}
    )
    return [
        Page("FAQ", reverse("content:faq")),
        Page("newsletters", reverse("content:newsletters")),
        Page("newsletter issue", issue.get_absolute_url()),
        Page("semi-annual reports", reverse("content:reports")),
        Page("semi-annual report", report.get_absolute_url()),
    ]


def _site() -> str:
    from django.conf import settings

    return settings.SITE_URL


def clinician_pages(programme: Programme) -> list[Page]:
    series, key_series = programme.series.slug, programme.key_series.slug
    registration = programme.clinician.registrations.first()
    return [
        Page("my learning", reverse("enrollment:my_learning")),
        Page("enroll with any key", reverse("enrollment:enroll_by_key"), form=True),
        Page("enroll in a series", reverse("enrollment:enroll", args=[key_series]), form=True),
        Page("pick sessions", reverse("enrollment:register", args=[series]), form=True),
        Page("registered", reverse("enrollment:registered", args=[series])),
        Page("session (registered, with the join link)", programme.upcoming[0].get_absolute_url()),
        Page("cancel a registration", reverse("enrollment:cancel_registration", args=[registration.pk])),
        Page("leave a series", reverse("enrollment:leave_series", args=[series])),
        Page("your spokes", reverse("hubs:my_spokes")),
        Page("join a spoke", reverse("hubs:join", args=[programme.hub.slug])),
        Page("profile", reverse("accounts:profile"), form=True),
        Page("email addresses", reverse("account_email")),
        Page("change password", reverse("account_change_password"), form=True),
        Page("ask to join", reverse("enrollment:ask_to_join", args=[approval_series(programme).slug]), form=True),
        *case_pages(programme),
    ]


def case_pages(programme: Programme) -> list[Page]:
    """The clinician presents a case at the next session: its page, the form, and the screening with a finding."""
    from cases import services as cases
    from cases.models import CasePresentation

    case = CasePresentation.objects.filter(presenter=programme.clinician).first()
    if case is None:
        facilitator = factories.UserFactory()
        factories.HubMembershipFactory(hub=programme.hub, user=facilitator, role="facilitator")
        case = cases.invite(session=programme.upcoming[0], presenter=programme.clinician, by=facilitator)
    cases.save_draft(
        case=case,
        by=programme.clinician,
        fields={
            "presenting_question": "How do we settle terminal delirium?",
            "history": "Advanced dementia. The daughter's cell is 705-555-0188.",
        },
    )
    return [
        Page("a case", reverse("cases:detail", args=[case.pk])),
        Page("write a case", reverse("cases:edit", args=[case.pk]), form=True),
        Page("check and submit a case", reverse("cases:submit", args=[case.pk]), form=True),
    ]


def approval_series(programme: Programme):
    """A series by approval of the hub, with a request from someone else waiting (made once)."""
    from enrollment.services import ask_to_join
    from series.models import Series

    series = Series.objects.filter(slug="rounds-by-approval").first()
    if series is None:
        series = factories.SeriesFactory(
            hub=programme.hub, title="Palliative Care Rounds", slug="rounds-by-approval", registration_mode="approval"
        )
        factories.SessionFactory(series=series, title="Rounds at home", days_from_now=12)
        asker = factories.UserFactory(email="gus@example.org", first_name="Gus", last_name="Asker")
        ask_to_join(user=asker, series=series, note="I work nights in a rural home.", consent=True)
    return series


def manager_pages(programme: Programme) -> list[Page]:
    approval_series(programme)
    hub = programme.hub.slug
    return [
        Page("hub portal", reverse("hubs:manage:dashboard", args=[hub])),
        Page("spokes", reverse("hubs:manage:spokes", args=[hub])),
        Page("add a spoke", reverse("hubs:manage:spoke_create", args=[hub]), form=True),
        Page("edit a spoke", reverse("hubs:manage:spoke_edit", args=[hub, programme.spoke.pk])),
        Page("members", reverse("hubs:manage:members", args=[hub])),
        Page("a member", reverse("hubs:manage:member_detail", args=[hub, programme.clinician.pk])),
        Page("invite", reverse("hubs:manage:invite", args=[hub]), form=True),
        Page("requests to join series", reverse("hubs:manage:join_requests", args=[hub])),
    ]
