import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Language, PracticeSetting, Profession, Province, TimeZone, time_zone_for_province
from .fields import MultipleChoiceField


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).strip(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A clinician, staff member or hub manager; the email address is the login."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    # A context of their own: Django's auth catalogue, listed before ours, says « nom » for "last name".
    first_name = models.CharField(
        pgettext_lazy("a person's", "first name"), max_length=150, help_text=_("As it should print on a certificate.")
    )
    last_name = models.CharField(
        pgettext_lazy("a person's", "last name"), max_length=150, help_text=_("As it should print on a certificate.")
    )
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices, blank=True)
    practice_settings = MultipleChoiceField(_("practice settings"), member_choices=PracticeSetting.choices)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    rural_remote = models.BooleanField(_("rural or remote practice"), default=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=TimeZone.choices,
        blank=True,
        help_text=_("Leave blank to use the time zone of your province or territory."),
    )
    licence_number = models.CharField(
        _("licence or CFPC number"), max_length=40, blank=True, help_text=_("Optional; printed on certificates.")
    )
    reminders_enabled = models.BooleanField(_("send me session reminders"), default=True)
    programme_emails_enabled = models.BooleanField(
        _("send me programme emails"),
        default=True,
        help_text=_("Evaluation requests after sessions you attended. Emails about your registrations always come."),
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)
    privacy_consent_version = models.CharField(max_length=20, blank=True, editable=False)
    privacy_consent_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Deletion (accounts/privacy.py): asked for, then done after ACCOUNT_DELETION_GRACE_DAYS unless they sign in.
    deletion_requested_at = models.DateTimeField(_("deletion requested"), null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self):
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).strip()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def effective_time_zone(self) -> str:
        return self.time_zone or time_zone_for_province(self.province)

    def regenerate_calendar_token(self) -> None:
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])


def new_export_token() -> str:
    return secrets.token_urlsafe(32)


def export_path(instance, filename) -> str:
    return f"private/data-exports/{secrets.token_hex(16)}.zip"


class DataExport(models.Model):
    """One "Download my data" request: built in the background, downloadable by its owner for a week."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports", verbose_name=_("user"))
    token = models.CharField(max_length=64, unique=True, default=new_export_token, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to=export_path, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.get_status_display()} ({self.requested_at:%Y-%m-%d %H:%M})"

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.READY and self.expires_at is not None and self.expires_at > timezone.now()


class AccessLog(models.Model):
    """Staff or a hub manager looked at or exported someone's personal data: who, what, when. Kept a year."""

    class Action(models.TextChoices):
        MEMBER_DETAIL = "member_detail", _("Viewed a member's detail")
        USER_ADMIN = "user_admin", _("Opened a user in admin")
        REGISTRANT_EXPORT = "registrant_export", _("Exported registrants")
        HUB_EXPORT = "hub_export", _("Exported hub participation")
        CASE_VIEW = "case_view", _("Opened a case")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="data_accesses", verbose_name=_("who")
    )
    subject = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("whose data"),
        help_text=_("Empty for an export of many people."),
    )
    action = models.CharField(_("what"), max_length=30, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"
