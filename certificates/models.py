"""A learner's document for a series: a certificate of attendance, or CCCEP's statement of attendance.

What the document says is frozen at issue in `content` (sessions attended, credits under each
accreditation, statements in both languages), so the PDF downloaded next year says what it said
when issued; a correction re-issues it under the same number as a duplicate or a replacement.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from series.models import Series

# Crockford's base32 without the letters people misread (I, L, O, U): 20 characters are 100 random bits.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_GROUPS = 4
NUMBER_GROUP_LENGTH = 5


def new_number() -> str:
    groups = (
        "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_GROUP_LENGTH)) for _ in range(NUMBER_GROUPS)
    )
    return "-".join(groups)


def normalize_number(raw: str) -> str:
    """What someone typed or scanned, as stored: upper case, dashes where they belong, misread letters mapped."""
    compact = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    compact = compact.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(compact) != NUMBER_GROUPS * NUMBER_GROUP_LENGTH:
        return ""
    return "-".join(compact[i : i + NUMBER_GROUP_LENGTH] for i in range(0, len(compact), NUMBER_GROUP_LENGTH))


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(state=Certificate.State.VALID)


class Certificate(models.Model):
    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("Certificate of attendance")
        STATEMENT = "statement", _("Statement of Attendance")

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    class Reissue(models.TextChoices):
        ORIGINAL = "", _("Original")
        DUPLICATE = "duplicate", _("Duplicate")
        REPLACEMENT = "replacement", _("Replacement")

    number = models.CharField(_("document number"), max_length=32, unique=True, default=new_number, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("learner")
    )
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("series"))
    kind = models.CharField(_("document"), max_length=12, choices=Kind.choices, default=Kind.CERTIFICATE)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.VALID)
    learner_name = models.CharField(_("name on the document"), max_length=301)
    credits = models.DecimalField(
        _("credits"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Under the first accreditation."),
    )
    content = models.JSONField(_("what the document says"), default=dict, editable=False)
    first_issued_at = models.DateTimeField(_("first issued"))
    issued_at = models.DateTimeField(_("issued"))
    revision = models.PositiveSmallIntegerField(_("re-issues"), default=0)
    reissue = models.CharField(_("issued as"), max_length=12, choices=Reissue.choices, blank=True, default="")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("why it was revoked"), max_length=500, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate or statement")
        verbose_name_plural = _("certificates and statements")
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "series"], name="certificate_one_per_learner_and_series")
        ]
        indexes = [models.Index(fields=["series", "state"])]

    def __str__(self):
        return f"{self.number} · {self.learner_name} · {self.series}"

    def get_absolute_url(self):
        return reverse("certificates:verify", args=[self.number])

    def get_download_url(self):
        return reverse("certificates:download", args=[self.number])

    @property
    def is_valid(self) -> bool:
        return self.state == self.State.VALID

    @property
    def is_statement(self) -> bool:
        return self.kind == self.Kind.STATEMENT
