from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboundEmail(models.Model):
    """One email to send: written in the transaction that causes it, delivered after commit.

    Rows move queued → in flight → sent, or → failed with the reason (a permanent SMTP refusal is
    recorded with its code first, e.g. "550 5.1.1 …": see `refusal_code`). The unique
    idempotency key makes a retried cause (double click, task run twice, beat run
    twice) write no second row, so no second email.

    A row written with a `renderer` (notifications.deferred) has no subject or body yet: delivery
    renders it from `render_data` and stores what was sent.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Enrollment confirmation")
        REGISTRATION = "registration", _("Registration summary")
        WAITLIST = "waitlist", _("Waitlist joined")
        PROMOTION = "promotion", _("Promoted from the waitlist")
        CANCELLATION = "cancellation", _("Cancellation")
        SESSION_UPDATE = "session_update", _("Session update")
        REMINDER = "reminder", _("Reminder")
        RECORDING = "recording", _("Recording")
        EVALUATION = "evaluation", _("Evaluation request")
        ACCOUNT = "account", _("Account")
        OUTREACH = "outreach", _("Partner interest and mailing list")
        MAILING = "mailing", _("Announcement or newsletter")
        CERTIFICATE = "certificate", _("Certificate or statement of attendance")
        CASE = "case", _("Case presentation")
        JOIN_REQUEST = "join_request", _("Request to join a series")
        INVITATION = "invitation", _("Invitation to a series")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        IN_FLIGHT = "in_flight", _("In flight")
        SENT = "sent", pgettext_lazy("an email's state", "Sent")
        FAILED = "failed", _("Failed")

    recipient = models.EmailField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # [{"filename": …, "mimetype": …, "content_b64": …}]: calendar files are small, one table keeps delivery simple.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # Rendered at delivery (notifications.deferred): the name the owning app registered its function under, and the
    # ids it is handed. Empty for rows rendered when they were written.
    renderer = models.CharField(_("rendered by"), max_length=100, blank=True)
    render_data = models.JSONField(_("rendered from"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When the sweeper may (re)enqueue a queued row: a minute after it was written, or after a retry's backoff.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Partial indexes stay small: almost every row is sent, the sweeper only looks at the few that are not.
            models.Index(fields=["next_attempt_at"], condition=Q(status="queued"), name="outbox_queued_due"),
            models.Index(fields=["claimed_at"], condition=Q(status="in_flight"), name="outbox_in_flight_claimed"),
            models.Index(fields=["status", "kind"], name="outbox_status_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.get_status_display()})"

    @property
    def awaits_rendering(self) -> bool:
        return bool(self.renderer) and not self.body_text

    @property
    def refusal_code(self) -> int | None:
        """The SMTP code of a permanent refusal (5xx) when the row failed for good because of one, else None."""
        code = self.last_error[:3]
        if self.status == self.Status.FAILED and code.isdigit() and code.startswith("5"):
            return int(code)
        return None
