"""Load the demo programme so a newcomer's `make run` shows a living site.

The archive is the real Palliative Care ECHO programme (facts in
echo_portal/demo/demo-programme.json, dated in Eastern Time); the hub
partners other than Pallium Canada are fictional and say so. Upcoming cohorts
are dated from today. Every row is found by its natural key before it is
created, so running the command twice changes nothing.
"""

import datetime as dt
import hashlib
import json
import zoneinfo
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from echo_portal import demo
from echo_portal.demo import people
from enrollment.models import EnrollmentKey
from hubs.models import Hub, Spoke
from series.models import Accreditation, Series
from sessions.models import Presenter, Resource, Session
from sessions.schedule import Rule, plan_schedule

FACTS = Path(__file__).resolve().parents[2] / "demo" / "demo-programme.json"
EASTERN = zoneinfo.ZoneInfo("America/Toronto")

# The CFPC's certification statement as the programme's pages give it, and its French wording.
MAINPRO_STATEMENT_EN = (
    "This 1-credit-per-hour Group Learning program has been certified by the College of Family Physicians of "
    "Canada for up to {credits} Mainpro+ credits."
)
MAINPRO_STATEMENT_FR = (
    "Ce programme d’apprentissage en groupe d’un crédit par heure a été certifié par le Collège des médecins de "
    "famille du Canada pour un maximum de {credits} crédits Mainpro+."
)

KINDS = {
    "community of practice": Series.Kind.COMMUNITY_OF_PRACTICE,
    "webinar": Series.Kind.WEBINAR,
    "workshop": Series.Kind.WORKSHOP,
    "information session": Series.Kind.INFORMATION_SESSION,
    "journal club": Series.Kind.JOURNAL_CLUB,
}

DEMO_HUBS = [
    {
        "name": "Northern Lakes Palliative Hub (demo)",
        "slug": "northern-lakes",
        "kind": Hub.Kind.REGIONAL,
        "region": "Northern Ontario (fictional demo hub)",
        "province": "ON",
        "spokes": [
            ("Lakeshore Family Health Team (demo)", Spoke.Kind.FAMILY_HEALTH_TEAM, True),
            ("Pine Ridge Long-Term Care Home (demo)", Spoke.Kind.LONG_TERM_CARE, True),
            ("Birch Bay Long-Term Care Residence (demo)", Spoke.Kind.LONG_TERM_CARE, False),
            ("Northern Lakes Home Care Team (demo)", Spoke.Kind.HOME_CARE, True),
        ],
    },
    {
        "name": "Prairie Coast Hub (demo)",
        "slug": "prairie-coast",
        "kind": Hub.Kind.PROVINCIAL,
        "region": "Prairie provinces (fictional demo hub)",
        "province": "SK",
        "spokes": [
            ("Wheatland Paramedic Service (demo)", Spoke.Kind.PARAMEDIC, True),
            ("Riverbend Family Health Clinic (demo)", Spoke.Kind.FAMILY_HEALTH_TEAM, True),
            ("Prairie Home Care Collective (demo)", Spoke.Kind.HOME_CARE, False),
        ],
    },
    {
        "name": "Paramedics in Palliative Care Hub (demo)",
        "slug": "paramedics-palliative-demo",
        "kind": Hub.Kind.SECTOR,
        "region": "Paramedic services across Canada (fictional demo hub)",
        "province": "",
        "spokes": [
            ("Harbourview Paramedic Service (demo)", Spoke.Kind.PARAMEDIC, False),
            ("Maple County Paramedics (demo)", Spoke.Kind.PARAMEDIC, True),
        ],
    },
]

# Upcoming cohorts of the communities of practice: the historical key goes to the new cohort, active.
UPCOMING_COHORTS = {
    "LTC": {"weekday": 3, "time": dt.time(12, 0), "rule": Rule.MONTHLY_SAME_WEEKDAY},
    "HEART": {"weekday": 2, "time": dt.time(12, 0), "rule": Rule.MONTHLY_SAME_WEEKDAY},
    "CBPP": {"weekday": 2, "time": dt.time(13, 0), "rule": Rule.EVERY_2_WEEKS},
    "SPMI": {"weekday": 1, "time": dt.time(12, 0), "rule": Rule.MONTHLY_SAME_WEEKDAY},
}


def _eastern(day: str, clock: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(clock), tzinfo=EASTERN)


def _join_url(*parts: str) -> str:
    digits = int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:12], 16) % 10**10
    return f"https://zoom.example.org/j/{digits:010d}"


def _next_weekday(start: dt.date, weekday: int) -> dt.date:
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def _slug(title: str, suffix: str = "") -> str:
    base = slugify(title)[: 110 - len(suffix)].strip("-")
    return f"{base}-{suffix}" if suffix else base


def mail_destination() -> str:
    """Where the configured backend puts email, said for a person starting the site."""
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend == "filebased":
        return f"files under {settings.EMAIL_FILE_PATH}/"
    if backend == "smtp":
        return f"the SMTP server at {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if backend == "console":
        return "this terminal"
    return settings.EMAIL_BACKEND


class Command(BaseCommand):
    help = "Load the demo programme (idempotent). --if-empty skips it when series exist."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do not load the programme again when any series already exists."
        )
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Print the demo people's logins (they exist only when DEBUG is on).",
        )

    def handle(self, *args, if_empty=False, print_logins=False, **options):
        today = timezone.localdate(timezone=EASTERN)
        if if_empty and Series.objects.exists():
            self.stdout.write("Series already exist: the demo programme was not loaded again.")
        else:
            with transaction.atomic():
                counts = self.load(today=today)
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo programme ready: {hubs} hubs, {series} series, {sessions} sessions.".format(**counts)
                )
            )
        # Every step is idempotent, so they run on every start: a database seeded before a step existed gets it.
        demo.run_steps(today=today, stdout=self.stdout)
        if print_logins:
            self.print_logins()
        self.stdout.write(f"Emails go to {mail_destination()}; links in them start with {settings.SITE_URL}/.")

    def print_logins(self):
        if not settings.DEBUG:
            self.stderr.write("No demo logins: DEBUG is off (production).")
            return
        self.stdout.write(self.style.WARNING("Demo logins (development only):"))
        for person in people.logins():
            self.stdout.write(f"  {person.email:<26} {person.password:<24} {person.description}")

    # -- programme ---------------------------------------------------------------------------------------

    def load(self, *, today: dt.date) -> dict:
        facts = json.loads(FACTS.read_text(encoding="utf-8"))
        self.now = timezone.now()
        self.today = today
        national, _ = Hub.objects.get_or_create(
            slug="pallium-canada",
            defaults={
                "name": facts["national_hub"]["name"],
                "kind": Hub.Kind.NATIONAL,
                "region_en": "National",
                "region_fr": "National",
                "description_en": "National coordinator of the hub network; runs national programming.",
                "description_fr": "Coordonne le réseau de carrefours à l'échelle nationale et offre la programmation "
                "nationale.",
                "website": "https://www.pallium.ca/",
            },
        )
        for spec in DEMO_HUBS:
            self.demo_hub(spec)

        for spec in facts["series"]:
            # Text given as title=… is stored in the series' language (title_fr for a French series).
            with translation.override(spec["language"]):
                if spec.get("short") == "PSW":
                    self.psw_series(national, spec)
                    continue
                series = self.historical_series(national, spec)
                if spec.get("short") in UPCOMING_COHORTS:
                    self.upcoming_cohort(national, spec, series)

        self.national_archive(national, facts["past_sessions_without_dates"])
        french = [s["title"] for s in facts["past_sessions_without_dates"] if s["language"] == "fr"]
        with translation.override("fr"):
            self.french_series(national, french)
        self.single_webinars(national, facts["past_sessions_without_dates"])
        return {
            "hubs": Hub.objects.count(),
            "series": Series.objects.count(),
            "sessions": Session.objects.count(),
        }

    def demo_hub(self, spec: dict) -> Hub:
        hub, _ = Hub.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "region": spec["region"],
                "province": spec["province"],
                "description_en": "A fictional hub partner for the demo: its name, spokes and people are made up.",
                "description_fr": "Un carrefour partenaire fictif pour la démonstration : son nom, ses rayons et ses "
                "membres sont inventés.",
            },
        )
        for name, kind, rural in spec["spokes"]:
            Spoke.objects.get_or_create(
                hub=hub, name=name, defaults={"kind": kind, "province": spec["province"], "rural_remote": rural}
            )
        return hub

    def series_defaults(self, spec: dict) -> dict:
        registration = spec.get("registration", "open")
        if registration.startswith("enrollment key"):
            mode = Series.RegistrationMode.KEY
        elif registration.startswith("closed"):
            mode = Series.RegistrationMode.CLOSED
        else:
            mode = Series.RegistrationMode.OPEN
        keyed = mode == Series.RegistrationMode.KEY
        return {
            "title": spec["title"],
            "short_name": spec.get("short", ""),
            "kind": KINDS[spec["kind"]],
            "language": spec["language"],
            "summary": (spec.get("audience") or spec.get("notes") or "")[:300],
            "description": f"<p>{spec['notes']}</p>" if spec.get("notes") else "",
            "audience_description": spec.get("audience", ""),
            "registration_mode": mode,
            "cohosts": "\n".join(spec.get("cohosts", [])),
            # Read in the visitor's language inside "You should have received it from …".
            "key_distributor_en": "your hub partner or Pallium Canada" if keyed else "",
            "key_distributor_fr": "votre carrefour partenaire ou Pallium Canada" if keyed else "",
            "status": Series.Status.PUBLISHED,
        }

    def accredit(self, series: Series, spec: dict) -> None:
        """The programme's Mainpro+ certification, as its pages state it (1 credit per hour, up to a maximum)."""
        if not spec.get("accreditation"):
            return
        Accreditation.objects.get_or_create(
            series=series,
            body=Accreditation.Body.MAINPRO,
            defaults={
                "credit_type_en": "Certified",
                "credit_type_fr": "Certifié",
                "category_en": "Group Learning",
                "category_fr": "Apprentissage en groupe",
                "credits_per_hour": Decimal("1"),
                "maximum": Decimal(spec["max_credits"]) if spec.get("max_credits") else None,
                "statement_en": MAINPRO_STATEMENT_EN.format(credits=spec.get("max_credits", "")),
                "statement_fr": MAINPRO_STATEMENT_FR.format(credits=spec.get("max_credits", "")),
                "provider_name": "Pallium Canada",
                "provider_contact": "info@pallium.ca",
            },
        )

    def historical_series(self, hub: Hub, spec: dict) -> Series:
        series, _ = Series.objects.get_or_create(
            slug=_slug(spec["title"]), defaults={"hub": hub, **self.series_defaults(spec)}
        )
        self.accredit(series, spec)
        presenters = [self.presenter(name) for name in spec.get("presenters", [])]
        for item in spec.get("sessions", []):
            starts_at = _eastern(item["date"], item["start"])
            session, created = Session.objects.get_or_create(
                series=series,
                title=item["title"],
                starts_at=starts_at,
                defaults={
                    "ends_at": _eastern(item["date"], item["end"]),
                    "join_url": _join_url(series.slug, item["title"], item["date"]),
                    "description": f"Co-hosted with {item['cohost']}." if item.get("cohost") else "",
                },
            )
            if created and presenters:
                session.presenters.set(presenters)
            if session.ends_at <= self.now:
                self.archive_materials(session)
        if spec.get("enrollment_key"):
            # The historical cohort's key is kept for the record but inactive: the upcoming cohort uses the code.
            EnrollmentKey.objects.get_or_create(
                series=series,
                code=spec["enrollment_key"].upper(),
                defaults={"label": f"{spec.get('short', '')} 2021-2022 cohort", "is_active": False},
            )
        return series

    def archive_materials(self, session: Session) -> None:
        published_at = session.ends_at + dt.timedelta(days=2)
        base = f"https://media.example.org/echo/{session.series.slug}/{session.pk}"
        Resource.objects.get_or_create(
            session=session,
            kind=Resource.Kind.RECORDING,
            defaults={
                "title_en": "Recording",
                "title_fr": "Enregistrement",
                "url": f"{base}/recording",
                "published_at": published_at,
            },
        )
        Resource.objects.get_or_create(
            session=session,
            kind=Resource.Kind.SLIDES,
            defaults={
                "title_en": "Slides (PowerPoint presentation)",
                "title_fr": "Diapositives (présentation PowerPoint)",
                "url": f"{base}/slides.pptx",
                "published_at": published_at,
                "visibility": Resource.Visibility.REGISTRANTS,
            },
        )
        Resource.objects.get_or_create(
            session=session,
            kind=Resource.Kind.QA,
            defaults={
                "title_en": "Questions and answers",
                "title_fr": "Questions et réponses",
                "text_en": "Questions asked during the session, with the panel's answers (demo text).",
                "text_fr": "Les questions posées pendant la séance et les réponses du panel (texte de démonstration).",
                "published_at": published_at,
            },
        )

    def presenter(self, name: str) -> Presenter:
        presenter, _ = Presenter.objects.get_or_create(name=name)
        return presenter

    def upcoming_sessions(
        self,
        series: Series,
        titles: list[str],
        *,
        weekday: int,
        start: dt.time,
        rule: str,
        lead_days: int = 14,
        minutes: int = 60,
    ) -> None:
        """Date the titles from today on the cohort's rule; a re-run finds each session by (series, title)."""
        first = _next_weekday(self.today + dt.timedelta(days=lead_days), weekday)
        occurrences = plan_schedule(
            first_date=first, start_time=start, duration_minutes=minutes, rule=rule, count=len(titles)
        )
        for title, occurrence in zip(titles, occurrences, strict=True):
            Session.objects.get_or_create(
                series=series,
                title=title,
                defaults={
                    "starts_at": occurrence.starts_at,
                    "ends_at": occurrence.ends_at,
                    "join_url": _join_url(series.slug, title),
                },
            )

    def upcoming_cohort(self, hub: Hub, spec: dict, historical: Series) -> Series:
        plan = UPCOMING_COHORTS[spec["short"]]
        defaults = self.series_defaults(spec)
        defaults["title"] = f"{spec['title']}: new cohort"
        defaults["registration_opens_at"] = self.now - dt.timedelta(days=7)
        series, _ = Series.objects.get_or_create(
            slug=_slug(spec["title"], "new-cohort"), defaults={"hub": hub, "previous_cohort": historical, **defaults}
        )
        self.accredit(series, spec)
        if series.previous_cohort_id != historical.pk:
            series.previous_cohort = historical
            series.save(update_fields=["previous_cohort"])
        titles = [item["title"] for item in spec["sessions"]]
        self.upcoming_sessions(series, titles, weekday=plan["weekday"], start=plan["time"], rule=plan["rule"])
        code = spec["enrollment_key"].upper()
        if not EnrollmentKey.objects.filter(series=series, code=code).exists():
            EnrollmentKey.objects.create(series=series, code=code, label="New cohort", is_active=True)
        return series

    def psw_series(self, hub: Hub, spec: dict) -> Series:
        defaults = self.series_defaults(spec)
        defaults["audience_description"] = "Personal support workers and health care aides in every care setting."
        defaults["audience_professions"] = ["psw"]
        defaults["summary"] = "Facilitated by practice coaches: case-based discussions, breakout rooms and role play."
        series, _ = Series.objects.get_or_create(slug=_slug(spec["title"]), defaults={"hub": hub, **defaults})
        self.accredit(series, spec)
        known = spec.get("known_sessions", [])
        titles = known + [f"PSW practice session {n}" for n in range(len(known) + 1, spec["sessions_count"] + 1)]
        self.upcoming_sessions(series, titles, weekday=1, start=dt.time(14, 0), rule=Rule.EVERY_2_WEEKS, lead_days=7)
        return series

    def national_archive(self, hub: Hub, undated: list[dict]) -> None:
        """The national sessions the programme lists among its past ones, in its archive, in their language.

        The pages give these no date: they are placed on the programme's usual weekday and hour in the
        spring of 2023, after the dated ones, and each says so. Upcoming reruns are rows of their own.
        """
        archives = {
            "en": {
                "slug": "national-sessions-archive",
                "title": "National sessions",
                "summary": "National webinars of the Palliative Care ECHO Project, with their recordings.",
                "first": dt.date(2023, 5, 3),
            },
            "fr": {
                "slug": "seances-nationales-archives",
                "title": "Séances nationales en français",
                "summary": "Webinaires nationaux en français du projet ECHO en soins palliatifs, avec leurs "
                "enregistrements.",
                "first": dt.date(2023, 5, 11),
            },
        }
        undated_note = {
            "en": "The programme's pages list this session without its date; the date shown here is the demo's.",
            "fr": "Les pages du programme mentionnent cette séance sans sa date ; la date indiquée est celle de la "
            "démonstration.",
        }
        for language, spec in archives.items():
            items = [item for item in undated if item["language"] == language]
            if not items:
                continue
            with translation.override(language):
                series, _ = Series.objects.get_or_create(
                    slug=spec["slug"],
                    defaults={
                        "hub": hub,
                        "title": spec["title"],
                        "kind": Series.Kind.WEBINAR,
                        "language": language,
                        "summary": spec["summary"],
                        "registration_mode": Series.RegistrationMode.CLOSED,
                        "status": Series.Status.PUBLISHED,
                    },
                )
                for week, item in enumerate(items):
                    day = spec["first"] + dt.timedelta(weeks=2 * week)
                    starts_at = dt.datetime.combine(day, dt.time(12, 0), tzinfo=EASTERN)
                    session, created = Session.objects.get_or_create(
                        series=series,
                        title=item["title"],
                        starts_at=starts_at,
                        defaults={
                            "ends_at": starts_at + dt.timedelta(hours=1),
                            "join_url": _join_url(series.slug, item["title"]),
                            "description": undated_note[language],
                        },
                    )
                    if created and item.get("presenter"):
                        session.presenters.set([self.presenter(item["presenter"])])
                    self.archive_materials(session)

    def french_series(self, hub: Hub, titles: list[str]) -> Series:
        series, _ = Series.objects.get_or_create(
            slug="communaute-de-pratique-francophone-soins-palliatifs",
            defaults={
                "hub": hub,
                "title": "Communauté de pratique francophone en soins palliatifs",
                "short_name": "CdP-FR",
                "kind": Series.Kind.COMMUNITY_OF_PRACTICE,
                "language": "fr",
                "summary": "Séances en français pour les professionnels de la santé de première ligne et des équipes "
                "hospitalières.",
                "description": "<p>Discussions de cas et exposés d'experts, en français.</p>",
                "audience_description": "Professionnels de la santé de tous les milieux de soins",
                "registration_mode": Series.RegistrationMode.OPEN,
                "registration_opens_at": dt.datetime.combine(
                    self.today + dt.timedelta(days=3), dt.time(9, 0), tzinfo=EASTERN
                ),
                "status": Series.Status.PUBLISHED,
            },
        )
        self.upcoming_sessions(
            series, titles, weekday=3, start=dt.time(12, 0), rule=Rule.MONTHLY_SAME_WEEKDAY, lead_days=21
        )
        return series

    def single_webinars(self, hub: Hub, undated: list[dict]) -> None:
        wanted = [
            "Practical Cannabis for Patients with Palliative Needs",
            "A Culture of Compassion in Canadian Workplaces",
        ]
        for offset, title in enumerate(t["title"] for t in undated if t["title"] in wanted):
            series, _ = Series.objects.get_or_create(
                slug=_slug(title),
                defaults={
                    "hub": hub,
                    "title": title,
                    "kind": Series.Kind.WEBINAR,
                    "language": "en",
                    "summary": "A one-hour national webinar, open to everyone.",
                    "registration_mode": Series.RegistrationMode.OPEN,
                    "status": Series.Status.PUBLISHED,
                },
            )
            self.upcoming_sessions(
                series, [title], weekday=2 + offset, start=dt.time(12, 0), rule=Rule.WEEKLY, lead_days=10 + 7 * offset
            )
