import posixpath
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import URLField
from core.i18n import field_in
from core.uploads import ACCEPTED, inspect_upload, random_name, validate_upload
from series.credits import session_credits
from series.models import Series


class Presenter(models.Model):
    name = models.CharField(_("name"), max_length=200)
    credentials = models.CharField(
        _("credentials"), max_length=200, blank=True, help_text=_("For example: MD, CCFP(PC)")
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("a person who presents at sessions", "presenter")
        verbose_name_plural = _("presenters")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class SessionQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=Session.Status.SCHEDULED)

    def upcoming(self, *, now=None):
        """Not over yet: a session that has started but not ended is still upcoming for its join link."""
        return self.filter(ends_at__gt=now or timezone.now())

    def held(self, *, now=None):
        return self.filter(ends_at__lte=now or timezone.now())

    def of_published_series(self):
        return self.filter(series__status=Series.Status.PUBLISHED)


class Session(models.Model):
    """One virtual session (usually an hour) of a series. Times are stored in UTC."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("series"))
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    presenters = models.ManyToManyField(Presenter, blank=True, related_name="sessions", verbose_name=_("presenters"))
    join_url = URLField(_("join link"), max_length=500, blank=True, help_text=_("Shown only to registrants."))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty for no limit."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    sequence = models.PositiveIntegerField(
        _("calendar sequence"), default=0, editable=False, help_text=_("Bumped whenever the time or status changes.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["series", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="session_capacity_positive",
                violation_error_message=_("Capacity must be at least 1 when set."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("echo_sessions:detail", args=[self.pk])

    def clean(self):
        # A session is titled at least in its series' language (the other one falls back to it).
        if self.series_id is None:
            return
        own = field_in("title", self.series.language)
        if not getattr(self, own, ""):
            raise ValidationError({own: _("Give the title in the language of the series.")})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def credits(self) -> Decimal | None:
        """What attending this session earns under the series' first accreditation (prefetch series__accreditations)."""
        return session_credits(series=self.series, session_minutes=self.duration_minutes)


def resource_upload_to(instance, filename):
    """A random name with the extension of the kind found in the file: not guessable, not chosen by the uploader."""
    return random_name(folder="materials", extension=ACCEPTED[instance.content_type].extension)


class MaterialFieldFile(FieldFile):
    def save(self, name, content, save=True):
        # Every way of storing a file (admin form, a service, a script) passes here: nothing is stored unless its
        # content is an accepted kind, and the kind found is what downloads are later served as.
        kind = inspect_upload(content)
        self.instance.content_type = kind.content_type
        self.instance.file_name = posixpath.basename(name or "")[:255]
        super().save(name, content, save)


class MaterialFileField(models.FileField):
    attr_class = MaterialFieldFile


class Resource(models.Model):
    """Material from a held session: recording, slides, Q&A or handout."""

    class Kind(models.TextChoices):
        RECORDING = "recording", _("Recording")
        SLIDES = "slides", _("Slides")
        QA = "qa", _("Questions and answers")
        HANDOUT = "handout", _("Handout")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        REGISTRANTS = "registrants", _("Registrants only")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="resources", verbose_name=_("session"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=250, blank=True)
    url = URLField(_("link"), max_length=500, blank=True)
    file = MaterialFileField(
        _("file"),
        upload_to=resource_upload_to,
        blank=True,
        max_length=255,
        validators=[validate_upload],
        help_text=_("PDF, PowerPoint, Word, Excel, plain text, image, audio or video."),
    )
    # Read from the file's content when it is uploaded; downloads are served with this type and name only.
    content_type = models.CharField(_("file type"), max_length=100, blank=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    text = models.TextField(_("text"), blank=True, help_text=_("For questions and answers written out."))
    visibility = models.CharField(_("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    published_at = models.DateTimeField(pgettext_lazy("a session resource", "published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["session", "kind", "pk"]

    def __str__(self):
        return self.title or self.get_kind_display()

    def clean(self):
        if not (self.url or self.file or self.text):
            raise ValidationError(_("Give a link, a file or the text."))

    @property
    def href(self) -> str:
        """Files are only ever served by the download view, which checks who may see them."""
        return reverse("echo_sessions:material_file", args=[self.pk]) if self.file else self.url
