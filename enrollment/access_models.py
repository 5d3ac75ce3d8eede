"""Who may join a series that is not open to everyone: requests to a moderated series, invitations to a private one.

Both live beside `Enrollment` (re-exported from `enrollment.models`): a request or an invitation never holds a
seat; approving a request or accepting an invitation enrolls the person by the usual rules (capacity, waitlist,
the series lock).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hubs.models import new_invitation_token  # one token maker for both kinds of invitation link
from series.models import Series


class JoinRequest(models.Model):
    """A clinician asked to join a series that registers by approval; hub staff approve or decline it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", pgettext_lazy("a request to join's state", "Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("series"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("user")
    )
    note = models.TextField(_("note to the reviewers"), max_length=1000, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(
        pgettext_lazy("when a request to join was made", "requested"), auto_now_add=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    message = models.TextField(_("message to the person"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["requested_at", "pk"]
        # One row per person and series: asking again after a decline or a withdrawal reuses it.
        constraints = [models.UniqueConstraint(fields=["user", "series"], name="join_request_unique_user_series")]
        indexes = [models.Index(fields=["series", "state"])]

    def __str__(self):
        return f"{self.user} · {self.series}"

    def leave_pending(self, state: str, *, now, by=None, message: str = "") -> bool:
        """The one place a request is decided or withdrawn: a conditional UPDATE claims it, so of two decisions
        made at once (two reviewers, a decision and a withdrawal) exactly one wins. False when it was not pending."""
        changes = {"state": state, "decided_at": now, "decided_by": by, "message": message}
        claimed = JoinRequest.objects.filter(pk=self.pk, state=self.State.PENDING).update(**changes) == 1
        if claimed:
            for name, value in changes.items():
                setattr(self, name, value)
        return claimed

    def ask_again(self, *, note: str, now) -> bool:
        """After a decline, a withdrawal or leaving the series: the same row waits again, as a new request."""
        changes = {
            "state": self.State.PENDING,
            "note": note,
            "requested_at": now,
            "decided_at": None,
            "decided_by": None,
            "message": "",
        }
        reopened = JoinRequest.objects.filter(pk=self.pk).exclude(state=self.State.PENDING).update(**changes) == 1
        if reopened:
            for name, value in changes.items():
                setattr(self, name, value)
        return reopened


class SeriesInvitation(models.Model):
    """Hub staff invited an email address to a series by invitation only; the link carries a random token.

    The address is stored lower-cased, once per series. Nothing enrolls the person until they follow the link,
    signed in (or signed up), and accept; they may decline instead.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Not sent yet")
        SENT = "sent", pgettext_lazy("a series invitation's state", "Sent")
        OPENED = "opened", _("Opened the link")
        JOINED = "joined", pgettext_lazy("a series invitation's state", "Joined")
        DECLINED = "declined", _("Declined")
        BOUNCED = "bounced", _("Address refused (bounced)")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("series"))
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language of the email"), max_length=2, blank=True, help_text=_("Empty for the series' language.")
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    times_sent = models.PositiveSmallIntegerField(_("times sent"), default=0)
    opened_at = models.DateTimeField(_("opened the link"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("address refused"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="series_invitations",
        verbose_name=_("account"),
        help_text=_("The account that followed the link."),
    )

    class Meta:
        verbose_name = _("series invitation")
        verbose_name_plural = _("series invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["series", "email"], name="series_invitation_unique_email")]
        indexes = [models.Index(fields=["series", "joined_at"]), models.Index(fields=["email"])]

    def __str__(self):
        return f"{self.email} · {self.series}"

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def state(self) -> str:
        """The furthest the invitation got: joined or declined, else bounced, opened, sent or not yet sent."""
        if self.joined_at:
            return self.State.JOINED
        if self.declined_at:
            return self.State.DECLINED
        if self.bounced_at:
            return self.State.BOUNCED
        if self.opened_at:
            return self.State.OPENED
        return self.State.SENT if self.sent_at else self.State.QUEUED

    @property
    def state_label(self) -> str:
        return self.State(self.state).label


def not_joined() -> Q:
    """Invitations a re-send still reaches: not joined, not declined, not refused by the address's server."""
    return Q(joined_at__isnull=True, declined_at__isnull=True, bounced_at__isnull=True)
