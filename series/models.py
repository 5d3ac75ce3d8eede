from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, PracticeSetting, Profession
from accounts.fields import MultipleChoiceField
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
        CLOSED = "closed", _("Closed")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

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
    accreditation_statement = models.TextField(_("accreditation statement"), blank=True)
    credits_per_hour = models.DecimalField(_("credits per hour"), max_digits=4, decimal_places=2, null=True, blank=True)
    max_credits = models.DecimalField(_("maximum credits"), max_digits=5, decimal_places=2, null=True, blank=True)
    registration_mode = models.CharField(
        _("registration mode"), max_length=10, choices=RegistrationMode.choices, default=RegistrationMode.OPEN
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
