from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, PracticeSetting, Profession
from accounts.fields import MultipleChoiceField
from core.i18n import field_in
from hubs.models import Hub


class SeriesQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Series.Status.PUBLISHED)


class Series(models.Model):
    """A community of practice or any run of sessions; a single webinar is a series of one."""

    class Kind(models.TextChoices):
        COMMUNITY_OF_PRACTICE = "cop", _("Community of practice")
        WEBINAR = "webinar", _("Webinar")
        WORKSHOP = "workshop", _("Workshop")
        INFORMATION_SESSION = "info", _("Information session")
        JOURNAL_CLUB = "journal_club", _("Journal club")

    class RegistrationMode(models.TextChoices):
        OPEN = "open", _("Open registration")
        KEY = "key", _("Enrollment key")
        APPROVAL = "approval", _("Registration by approval")
        INVITATION = "invitation", _("By invitation only")
        CLOSED = "closed", _("Closed")

    class UninvitedView(models.TextChoices):
        HIDDEN = "hidden", _("Nothing: the series does not exist for them")
        TITLE = "title", _("Its title only, saying it is by invitation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", pgettext_lazy("a series' state", "Published")
        ARCHIVED = "archived", pgettext_lazy("a series' state", "Archived")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="series", verbose_name=_("hub"))
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMUNITY_OF_PRACTICE)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Basic HTML is allowed; it is sanitised."))
    audience_description = models.TextField(_("audience"), blank=True)
    audience_professions = MultipleChoiceField(
        _("professions targeted"), member_choices=Profession.choices, help_text=_("Leave empty for everyone.")
    )
    audience_settings = MultipleChoiceField(
        _("practice settings targeted"),
        member_choices=PracticeSetting.choices,
        help_text=_("Leave empty for every setting."),
    )
    attendance_minimum_minutes = models.PositiveSmallIntegerField(
        _("minimum minutes to count as attended"),
        null=True,
        blank=True,
        help_text=_(
            "A session counts as attended (and earns its credits) from this many minutes; empty for no minimum."
        ),
    )
    attendance_minimum_percent = models.PositiveSmallIntegerField(
        _("minimum share of the session (%)"),
        null=True,
        blank=True,
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "A session counts as attended from this share of its length, for example 75; empty for no minimum."
        ),
    )
    registration_mode = models.CharField(
        _("registration mode"), max_length=10, choices=RegistrationMode.choices, default=RegistrationMode.OPEN
    )
    approval_registers_all = models.BooleanField(
        _("approved people are registered for every session"),
        default=False,
        help_text=_(
            "For registration by approval: on approval, register the person for all upcoming sessions; "
            "otherwise they pick their sessions."
        ),
    )
    uninvited_view = models.CharField(
        _("what people who were not invited see"),
        max_length=10,
        choices=UninvitedView.choices,
        default=UninvitedView.HIDDEN,
        help_text=_("For a series by invitation only. Staff always see the whole series."),
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Most people who can join the series; empty for no limit.")
    )
    cohosts = models.TextField(_("co-hosts"), blank=True, help_text=_("One organisation per line."))
    key_distributor = models.CharField(
        _("who hands out the key"),
        max_length=200,
        blank=True,
        help_text=_('Shown on the key form: "You should have received this key from …"'),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    previous_cohort = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_cohorts",
        verbose_name=_("previous cohort"),
        help_text=_("The earlier run of this community of practice, so learners can find its archive."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "language"]),
            models.Index(fields=["hub", "status"]),
            models.Index(fields=["kind", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="series_registration_window_order",
                violation_error_message=_("Registration must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="series_capacity_positive",
                violation_error_message=_("Capacity must be at least 1 when set."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("series:detail", args=[self.slug])

    def clean(self):
        # The series' own language is the one its title must be given in; the other language is optional and
        # falls back to it on pages and in emails.
        if not getattr(self, field_in("title", self.language), ""):
            raise ValidationError(
                {field_in("title", self.language): _("Give the title in the language of the series.")}
            )

    @property
    def audience_profession_labels(self) -> list[str]:
        labels = dict(Profession.choices)
        return [str(labels[value]) for value in self.audience_professions or [] if value in labels]

    @property
    def audience_setting_labels(self) -> list[str]:
        labels = dict(PracticeSetting.choices)
        return [str(labels[value]) for value in self.audience_settings or [] if value in labels]

    @property
    def cohost_list(self) -> list[str]:
        return [line.strip() for line in self.cohosts.splitlines() if line.strip()]

    def counts_as_attended(self, *, attended_minutes: int | None, session_minutes: int) -> bool:
        """Whether minutes in a session are attendance that earns its credits, by this series' threshold.

        With no threshold set, any minutes recorded count; with both, both must be met.
        """
        if not attended_minutes:
            return False
        if self.attendance_minimum_minutes is not None and attended_minutes < self.attendance_minimum_minutes:
            return False
        if self.attendance_minimum_percent is not None:
            return attended_minutes * 100 >= self.attendance_minimum_percent * session_minutes
        return True

    @property
    def attendance_rule(self) -> str:
        """The threshold in words ("at least 75% of a session"), for staff and learners."""
        minutes, percent = self.attendance_minimum_minutes, self.attendance_minimum_percent
        if minutes is not None and percent is not None:
            return ngettext(
                "at least %(percent)d%% of a session and %(minutes)d minute",
                "at least %(percent)d%% of a session and %(minutes)d minutes",
                minutes,
            ) % {"percent": percent, "minutes": minutes}
        if percent is not None:
            return gettext("at least %(percent)d%% of a session") % {"percent": percent}
        if minutes is not None:
            return ngettext(
                "at least %(minutes)d minute of a session", "at least %(minutes)d minutes of a session", minutes
            ) % {"minutes": minutes}
        return gettext("any time recorded in a session")


class AccreditationQuerySet(models.QuerySet):
    def in_order(self):
        return self.order_by("position", "pk")


class Accreditation(models.Model):
    """A body's accreditation of a series: what its credits are called, how many per hour, the statement to print.

    A series may carry several (Mainpro+ for family physicians, Royal College MOC for specialists,
    CCCEP for pharmacists); each earns credits by the one formula of `series.credits`.
    """

    class Body(models.TextChoices):
        MAINPRO = "cfpc_mainpro", _("College of Family Physicians of Canada (Mainpro+)")
        ROYAL_COLLEGE = "rcpsc_moc", _("Royal College of Physicians and Surgeons of Canada (MOC Section 1)")
        CCCEP = "cccep", _("Canadian Council on Continuing Education in Pharmacy (CCCEP)")
        OTHER = "other", _("Other body")

    class Delivery(models.TextChoices):
        LIVE_ONLINE = "live_online", _("Live, online")
        IN_PERSON = "in_person", _("Live, in person")
        SELF_PACED = "self_paced", _("Self-paced, online")

    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="accreditations", verbose_name=_("series")
    )
    body = models.CharField(_("accrediting body"), max_length=20, choices=Body.choices, default=Body.MAINPRO)
    body_name = models.CharField(
        _("name of the body"), max_length=200, blank=True, help_text=_("Only for another body: its name.")
    )
    credit_type = models.CharField(
        _("credit type"),
        max_length=100,
        blank=True,
        help_text=_("As the body names it, for example: Certified (Mainpro+), Section 1 (Royal College), CEU (CCCEP)."),
    )
    category = models.CharField(
        _("category"), max_length=100, blank=True, help_text=_("As the body names it, for example: Group Learning.")
    )
    delivery = models.CharField(
        _("delivery method"), max_length=20, choices=Delivery.choices, default=Delivery.LIVE_ONLINE
    )
    credits_per_hour = models.DecimalField(
        _("credits per hour"),
        max_digits=4,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    maximum = models.DecimalField(
        _("maximum credits"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The most a learner can earn in this series; empty for no maximum."),
    )
    statement_en = models.TextField(_("certification statement (English)"), blank=True)
    statement_fr = models.TextField(
        _("certification statement (French)"), blank=True, help_text=_("Empty: the English statement is printed.")
    )
    number = models.CharField(
        _("accreditation number"), max_length=60, blank=True, help_text=_("Required by CCCEP; printed on documents.")
    )
    valid_from = models.DateField(_("accredited from"), null=True, blank=True)
    valid_until = models.DateField(_("accredited until"), null=True, blank=True)
    provider_name = models.CharField(
        _("provider"), max_length=200, blank=True, help_text=_("Empty: the series' hub (Pallium Canada nationally).")
    )
    provider_contact = models.CharField(
        _("provider contact"), max_length=200, blank=True, help_text=_("An email address or telephone number.")
    )
    accredited_as_certificate = models.BooleanField(
        _("accredited as a certificate program"),
        default=False,
        help_text=_("CCCEP only: unless it is, the document is a Statement of Attendance and never says certificate."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["series", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="accreditation_validity_order",
                violation_error_message=_("An accreditation must end after it starts."),
            ),
            models.UniqueConstraint(
                fields=["series", "body", "body_name"],
                name="accreditation_one_per_body",
                violation_error_message=_("This series already has an accreditation from this body."),
            ),
        ]

    def __str__(self):
        return f"{self.body_label} · {self.series}"

    def clean(self):
        if self.body == self.Body.OTHER and not self.body_name.strip():
            raise ValidationError({"body_name": _("Name the accrediting body.")})
        if self.body == self.Body.CCCEP:
            missing = {
                "number": _("CCCEP documents carry the CCCEP number."),
                "valid_from": _("CCCEP documents carry the accreditation dates."),
                "valid_until": _("CCCEP documents carry the accreditation dates."),
                "provider_contact": _("CCCEP documents carry the provider's contact."),
            }
            errors = {name: message for name, message in missing.items() if not getattr(self, name)}
            if errors:
                raise ValidationError(errors)

    @property
    def body_label(self) -> str:
        if self.body == self.Body.OTHER:
            return self.body_name
        return str(BODY_SHORT_NAMES[self.body])

    @property
    def is_statement_of_attendance(self) -> bool:
        """CCCEP's rule: its document is a Statement of Attendance unless accredited as a certificate program."""
        return self.body == self.Body.CCCEP and not self.accredited_as_certificate

    def statement(self, language: str) -> str:
        """The certification statement in a language, the English one when no French was written."""
        if language == Language.FRENCH and self.statement_fr.strip():
            return self.statement_fr
        return self.statement_en

    @property
    def statement_here(self) -> str:
        """The statement in the active language (pages render under the viewer's language)."""
        return self.statement((get_language() or "en")[:2])

    @property
    def provider(self) -> str:
        return self.provider_name or self.series.hub.name


BODY_SHORT_NAMES = {
    Accreditation.Body.MAINPRO: _("Mainpro+"),
    Accreditation.Body.ROYAL_COLLEGE: _("Royal College MOC"),
    Accreditation.Body.CCCEP: _("CCCEP"),
}
