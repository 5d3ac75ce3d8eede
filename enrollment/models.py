import re

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from hubs.models import Hub
from series.models import Series
from sessions.models import Session

# Spaces of any kind and the dashes phones and word processors put in: "ltc 2122", "LTC-2122", "ltc‑2122".
_KEY_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def normalize_key(raw: str) -> str:
    """Keys are typed by people on phones and copied from emails: compare ignoring case, spaces and hyphens."""
    return _KEY_SEPARATORS.sub("", raw or "").upper()


def tidy_key(raw: str) -> str:
    """How a key is stored and shown to staff: as they wrote it ("LTC-NORTH"), in capitals, trimmed."""
    return (raw or "").strip().upper()


class EnrollmentKey(models.Model):
    """A shared secret staff publish to an audience; one per hub or cohort records where learners came from."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="keys", verbose_name=_("series"))
    code = models.CharField(
        _("key"), max_length=60, help_text=_("Compared without regard to case or surrounding spaces.")
    )
    label = models.CharField(
        _("label"), max_length=120, blank=True, help_text=_("Which cohort or hub this key is for.")
    )
    hub = models.ForeignKey(
        Hub, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrollment_keys", verbose_name=_("hub")
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("maximum uses"), null=True, blank=True)
    uses_count = models.PositiveIntegerField(_("uses"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrollment key")
        verbose_name_plural = _("enrollment keys")
        ordering = ["series", "code"]
        constraints = [
            models.UniqueConstraint(
                Upper("code"),
                condition=Q(is_active=True),
                name="enrollment_key_active_unique",
                # Neutral: which series holds a key is nobody's business but its staff's.
                violation_error_message=_("This key cannot be used. Choose another one."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="enrollment_key_window_order",
                violation_error_message=_("A key must stop being valid after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(max_uses__gte=1),
                name="enrollment_key_max_uses_positive",
                violation_error_message=_("Maximum uses must be at least 1 when set."),
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.label})" if self.label else self.code

    def save(self, *args, **kwargs):
        self.code = tidy_key(self.code)
        super().save(*args, **kwargs)


class EnrollmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Enrollment.Status.ACTIVE)

    def current(self):
        """Enrolled or waiting: everything but withdrawn."""
        return self.exclude(status=Enrollment.Status.WITHDRAWN)


class Enrollment(models.Model):
    """A learner joined a series (community of practice): which key, when."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waitlisted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("user")
    )
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("series"))
    key = models.ForeignKey(
        EnrollmentKey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("key used"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(
        _("joined the waitlist"), null=True, blank=True, editable=False, help_text=_("Sets the order of the waitlist.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["enrolled_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "series"], name="enrollment_unique_user_series")]
        indexes = [models.Index(fields=["series", "status"])]

    def __str__(self):
        return f"{self.user} · {self.series}"

    def move_to(self, status: str, *, now=None, also: tuple[str, ...] = ()) -> None:
        """The one place an enrollment changes status: joining the waitlist sets its place, leaving it clears it."""
        self.status = status
        self.waitlisted_at = now if status == self.Status.WAITLISTED else None
        self.save(update_fields=["status", "waitlisted_at", "updated_at", *also])


class RegistrationQuerySet(models.QuerySet):
    def registered(self):
        """Holding a seat."""
        return self.filter(status=Registration.Status.REGISTERED)

    def waitlisted(self):
        return self.filter(status=Registration.Status.WAITLISTED)

    def current(self):
        """Registered or waiting: everything but cancelled."""
        return self.exclude(status=Registration.Status.CANCELLED)


class Registration(models.Model):
    """A learner picked a session: registered, waitlisted (in order of `waitlisted_at`), or cancelled."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("user")
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("session")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(
        _("joined the waitlist"), null=True, blank=True, editable=False, help_text=_("Sets the order of the waitlist.")
    )
    status_changed_at = models.DateTimeField(_("status changed"), auto_now=True)
    attended_minutes = models.PositiveIntegerField(
        _("minutes attended"),
        null=True,
        blank=True,
        help_text=_("Empty until attendance is recorded; 0 for absent."),
    )
    imported_minutes = models.PositiveIntegerField(
        _("minutes in the participant report"), null=True, blank=True, editable=False
    )
    attendance_adjusted_at = models.DateTimeField(
        _("attendance adjusted by staff"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when staff changed the minutes by hand: a later report import keeps their value."),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["registered_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "session"], name="registration_unique_user_session")]
        indexes = [models.Index(fields=["session", "status"]), models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.user} · {self.session}"

    def move_to(self, status: str, *, now=None) -> None:
        """The one place a registration changes status: joining the waitlist sets its place, leaving it clears it."""
        self.status = status
        self.waitlisted_at = now if status == self.Status.WAITLISTED else None
        self.save(update_fields=["status", "waitlisted_at", "status_changed_at"])

    @property
    def attended(self) -> bool:
        return bool(self.attended_minutes)

    @property
    def attendance_recorded(self) -> bool:
        return self.attended_minutes is not None

    @property
    def attendance_state(self) -> str:
        """attended (earns its credits), short (present, under the series' threshold), missed, or not_recorded."""
        if self.attended_minutes is None:
            return "not_recorded"
        if self.attended_minutes == 0:
            return "missed"
        return "attended" if self.counts_as_attended else "short"

    @property
    def counts_as_attended(self) -> bool:
        """Past the series' threshold, so the session earns its credits (needs session__series loaded)."""
        session = self.session
        return session.series.counts_as_attended(
            attended_minutes=self.attended_minutes, session_minutes=session.duration_minutes
        )


class AttendanceChange(models.Model):
    """Staff changed a registrant's attendance by hand: who, when, why, and what the report had said."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendance_changes", verbose_name=_("registration")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"))
    reason = models.TextField(_("reason"))
    minutes_before = models.PositiveIntegerField(_("minutes before"), null=True, blank=True)
    minutes_after = models.PositiveIntegerField(_("minutes after"), null=True, blank=True)
    imported_minutes = models.PositiveIntegerField(_("minutes in the participant report"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance change")
        verbose_name_plural = _("attendance changes")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["registration", "changed_at"])]

    def __str__(self):
        return f"{self.registration} · {self.minutes_before} → {self.minutes_after}"


class UnseatedAttendance(models.Model):
    """A participant report line for someone without a seat in the session: it earns nothing until staff act.

    Kept so staff can see, beside who qualifies, who attended without being registered (no registration,
    or on the waitlist, or cancelled) and register them; each import of the session's report replaces them.
    """

    class Reason(models.TextChoices):
        NO_REGISTRATION = "no_registration", _("Not registered for the session")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Registration cancelled")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="unseated_attendance", verbose_name=_("session")
    )
    email = models.EmailField(_("email in the report"))
    minutes = models.PositiveIntegerField(_("minutes in the participant report"))
    reason = models.CharField(_("why it earns nothing"), max_length=20, choices=Reason.choices)
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        verbose_name = _("attendance without a seat")
        verbose_name_plural = _("attendance without a seat")
        ordering = ["session", "email"]
        constraints = [models.UniqueConstraint(fields=["session", "email"], name="unseated_attendance_once")]

    def __str__(self):
        return f"{self.email} · {self.session}"


# Requests to a moderated series and invitations to a private one: their own module, one import path for callers.
from .access_models import JoinRequest, SeriesInvitation  # noqa: E402, F401
