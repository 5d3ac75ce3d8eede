import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Province
from core.fields import URLField


class Hub(models.Model):
    """A hub partner: the national coordinator or a regional, provincial/territorial or sector organisation."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")
        PROVINCIAL = "provincial", _("Provincial or territorial")
        SECTOR = "sector", _("Sector-specific")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REGIONAL)
    region = models.CharField(_("region or sector"), max_length=200, blank=True)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["name"]
        permissions = [("view_all_hubs", _("Can see and change every hub's data (national staff)"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("hubs:detail", args=[self.slug])

    def clean(self):
        # Neither language's name is required alone (a Quebec hub may have only a French one), but one is.
        if not (self.name_en or self.name_fr):
            raise ValidationError({"name_en": _("Give the hub's name in English or in French.")})


class HubMembership(models.Model):
    """Who runs a hub: managers manage spokes and members; facilitators see participation, invite case presenters,
    review cases and sit on the panel of the hub's sessions; panelists (invited experts) only read the approved
    cases of those sessions."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Manager")
        FACILITATOR = "facilitator", _("Facilitator")
        PANELIST = "panelist", _("Panelist")

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("hub"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MANAGER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("hub membership")
        verbose_name_plural = _("hub memberships")
        constraints = [models.UniqueConstraint(fields=["hub", "user"], name="hub_membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.hub} ({self.get_role_display()})"


class Spoke(models.Model):
    """A community or setting of care a hub serves: a family health team, an LTC home, a paramedic service…"""

    class Kind(models.TextChoices):
        FAMILY_HEALTH_TEAM = "family_health_team", _("Family health team / primary care")
        LONG_TERM_CARE = "long_term_care", _("Long-term care home")
        PARAMEDIC = "paramedic", _("Paramedic service")
        HOME_CARE = "home_care", _("Home care team")
        HOSPICE = "hospice", _("Hospice or palliative care unit")
        HOSPITAL = "hospital", _("Hospital")
        INDIGENOUS = "indigenous", _("First Nations, Inuit or Métis community health service")
        COMMUNITY = "community", _("Community organisation")
        OTHER = "other", _("Other")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="spokes", verbose_name=_("hub"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices, blank=True)
    rural_remote = models.BooleanField(_("rural or remote"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("spoke")
        verbose_name_plural = _("spokes")
        ordering = ["name"]
        indexes = [models.Index(fields=["hub", "archived_at"])]

    def __str__(self):
        return self.name


class SpokeMembership(models.Model):
    """A clinician belongs to a spoke: invited by a manager, or asked to join and was approved."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")

    spoke = models.ForeignKey(Spoke, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("spoke"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="spoke_memberships", verbose_name=_("user")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("spoke membership")
        verbose_name_plural = _("spoke memberships")
        constraints = [models.UniqueConstraint(fields=["spoke", "user"], name="spoke_membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.spoke}"


def new_invitation_token() -> str:
    """The random part of an invitation link, to a spoke or to a series by invitation (enrollment.access_models)."""
    return secrets.token_urlsafe(32)


class SpokeInvitation(models.Model):
    """A manager invited someone by email to join a spoke; the link carries a random, single-use token.

    Nothing joins the person to the spoke until they accept it themselves, signed in with the invited address;
    they may decline instead. The hub sees each invitation's state, never more until it is accepted.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    spoke = models.ForeignKey(Spoke, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("spoke"))
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language of the email"), max_length=2, default="en")
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)

    class Meta:
        verbose_name = _("spoke invitation")
        verbose_name_plural = _("spoke invitations")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["spoke", "used_at"])]

    def __str__(self):
        return f"{self.email} · {self.spoke}"

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    def is_expired(self, *, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_declined(self) -> bool:
        return self.declined_at is not None

    @property
    def state(self) -> str:
        if self.is_used:
            return self.State.ACCEPTED
        if self.is_declined:
            return self.State.DECLINED
        return self.State.EXPIRED if self.is_expired() else self.State.PENDING

    @property
    def state_label(self) -> str:
        return self.State(self.state).label
