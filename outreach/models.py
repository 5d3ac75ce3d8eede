"""Partner interest from organisations, and the mailing list (subscribers with their consent proof, mailings)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, Profession, Province
from core.forms import help_text_naming_tags
from hubs.models import Hub


class PartnerInquiry(models.Model):
    """An organisation asking to become a hub partner, followed by staff from first contact to a decision."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        IN_DISCUSSION = "in_discussion", _("In discussion")
        PARTNERED = "partnered", _("Partnered")
        DECLINED = "declined", _("Declined")

    class OrganisationKind(models.TextChoices):
        HEALTH_REGION = "health_region", _("Health region or authority")
        HOSPITAL = "hospital", _("Hospital")
        LTC_OPERATOR = "ltc_operator", _("Long-term care operator")
        PRIMARY_CARE_NETWORK = "primary_care_network", _("Primary care network")
        PARAMEDIC_SERVICE = "paramedic_service", _("Paramedic service")
        HOME_CARE = "home_care", _("Home care")
        UNIVERSITY = "university", _("University or college")
        OTHER = "other", _("Other")

    # Where each status may go next: forward through the conversation, or declined at any point before a decision.
    TRANSITIONS = {
        Status.NEW: (Status.CONTACTED, Status.DECLINED),
        Status.CONTACTED: (Status.IN_DISCUSSION, Status.DECLINED),
        Status.IN_DISCUSSION: (Status.PARTNERED, Status.DECLINED),
        Status.PARTNERED: (),
        Status.DECLINED: (Status.CONTACTED,),
    }

    organisation = models.CharField(_("organisation"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=200)
    email = models.EmailField(_("email address"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    organisation_kind = models.CharField(_("kind of organisation"), max_length=30, choices=OrganisationKind.choices)
    communities_served = models.TextField(_("communities served"), max_length=2000)
    message = models.TextField(_("message"), max_length=5000)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH)
    submitted_at = models.DateTimeField(
        pgettext_lazy("when a partner inquiry was sent", "submitted"), default=timezone.now
    )
    # The day of submission in the site's time zone: the database refuses a second row for one address and day.
    submitted_on = models.DateField(_("submitted on"), default=timezone.localdate, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    notes = models.TextField(_("staff notes"), blank=True)
    hub = models.ForeignKey(
        Hub,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_inquiries",
        verbose_name=_("hub created"),
    )

    class Meta:
        verbose_name = _("partner inquiry")
        verbose_name_plural = _("partner inquiries")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "submitted_on", name="partner_inquiry_once_a_day"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.organisation} ({self.get_status_display()})"

    def next_statuses(self) -> tuple[str, ...]:
        return tuple(self.TRANSITIONS.get(self.Status(self.status), ()))


class PartnerInquiryChange(models.Model):
    """One status change of an inquiry: who made it, when, and why."""

    inquiry = models.ForeignKey(
        PartnerInquiry, on_delete=models.CASCADE, related_name="changes", verbose_name=_("inquiry")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PartnerInquiry.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=PartnerInquiry.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class SubscriberQuerySet(models.QuerySet):
    def with_email(self, email: str):
        """The row of this address, whatever its case (the unique index is on the lower-cased address)."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.strip().lower())

    def on_the_list(self):
        """Who a mailing may go to: confirmed and not withdrawn."""
        return self.filter(status=Subscriber.Status.SUBSCRIBED)

    def unconfirmed_since(self, moment):
        return self.filter(status=Subscriber.Status.PENDING, requested_at__lt=moment)


class Subscriber(models.Model):
    """One address on (or asking to join, or gone from) the mailing list, with the proof of its express consent.

    Canada's anti-spam law asks who consented, to what exact wording, when and where: the wording shown is stored
    as it was displayed, with its version, the time and the page. Nobody is on the list until they confirm from
    the email (double opt-in); requests never confirmed are purged.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        SUBSCRIBED = "subscribed", _("Subscribed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    email = models.EmailField(_("email address"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices, blank=True)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailing_subscriptions",
        verbose_name=_("account"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_how = models.CharField(_("withdrawn how"), max_length=40, blank=True)
    # The consent proof: the exact sentence the person checked, in the language it was shown, and where.
    consent_text = models.TextField(_("consent wording shown"))
    consent_version = models.CharField(_("consent wording version"), max_length=20)
    consent_language = models.CharField(_("consent language"), max_length=2, choices=Language.choices)
    consent_given_at = models.DateTimeField(_("consent given"))
    consent_source = models.CharField(_("consent given on"), max_length=200)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailing-list subscriber")
        verbose_name_plural = _("mailing-list subscribers")
        ordering = ["-requested_at", "-pk"]
        constraints = [models.UniqueConstraint(Lower("email"), name="subscriber_email_unique_ci")]
        indexes = [
            models.Index(fields=["status", "language"]),
            models.Index(fields=["requested_at"], condition=models.Q(status="pending"), name="subscriber_pending"),
        ]

    def __str__(self):
        return f"{self.email} ({self.get_status_display()})"


class SubscriberChange(models.Model):
    """What happened to a subscription, kept for an audit: consent given, confirmed, withdrawn (and how)."""

    class Event(models.TextChoices):
        REQUESTED = "requested", _("Consent given, confirmation sent")
        CONFIRMED = "confirmed", _("Confirmed from the email")
        JOINED = "joined", _("Joined from the profile")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="changes", verbose_name=_("subscriber")
    )
    event = models.CharField(_("event"), max_length=12, choices=Event.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("subscription change")
        verbose_name_plural = _("subscription history")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_event_display()} ({self.at:%Y-%m-%d %H:%M})"


class Mailing(models.Model):
    """An announcement or a newsletter to the mailing list (or part of it), written in English and in French."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("Announcement")
        NEWSLETTER = "newsletter", _("Newsletter")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("a mailing's state", "Sent")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ANNOUNCEMENT)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=help_text_naming_tags(
            _(
                "Paragraphs separated by a blank line. Headings, lists, links, bold and italic may be written in "
                "HTML (<h2>, <ul>, <a href>, <strong>, <em>); anything else is removed before sending."
            )
        ),
    )
    # The segment: empty means everyone on the list.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    provinces = models.JSONField(_("provinces and territories"), default=list, blank=True)
    professions = models.JSONField(_("professions"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("emails queued"), default=0)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject_en or self.subject or gettext("(no subject)")

    def is_complete(self) -> bool:
        """Both languages written: every subscriber reads it in their own."""
        return all([self.subject_en, self.subject_fr, self.body_en, self.body_fr])
