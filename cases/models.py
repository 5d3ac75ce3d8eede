"""Case presentations: a registrant presents a de-identified patient case to a session's panel.

A case moves offered → draft → submitted → approved, or submitted → returned → submitted again; an offer may be
declined. Each move is a `CaseEvent` (who, when, why). The body fields hold what the presenter wrote until the
retention period after the session ends; then `purge_body` empties them and deletes the attachments, keeping the
presenting question, the age range and setting (the de-identified summary) and the recommendations.
"""

import posixpath

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.choices import PracticeSetting
from core.uploads import ACCEPTED, random_name
from sessions.models import Session


def display_name(user) -> str:
    """How a person is named on case pages and in case emails."""
    return user.get_full_name() or user.email


class CasePresentationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(state=CasePresentation.State.APPROVED)

    def in_play(self):
        """Offered, being written, in review or approved: everything but declined offers."""
        return self.exclude(state=CasePresentation.State.DECLINED)


class CasePresentation(models.Model):
    class State(models.TextChoices):
        OFFERED = "offered", _("Offered, awaiting the facilitator")
        DRAFT = "draft", _("Being written")
        SUBMITTED = "submitted", _("In review")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", pgettext_lazy("a case's state", "Approved")
        DECLINED = "declined", _("Offer declined")

    class AgeRange(models.TextChoices):
        CHILD = "0-17", _("Under 18")
        ADULT_18 = "18-39", _("18 to 39")
        ADULT_40 = "40-64", _("40 to 64")
        ADULT_65 = "65-74", _("65 to 74")
        ADULT_75 = "75-84", _("75 to 84")
        ADULT_85 = "85-94", _("85 to 94")
        ADULT_95 = "95+", _("95 or older")

    class SexGender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        ANOTHER = "another", _("Another gender")
        UNDISCLOSED = "undisclosed", _("Not stated")

    # Who may edit the body: the presenter, while the case is theirs to write.
    EDITABLE_STATES = (State.DRAFT, State.RETURNED)
    # What a facilitator reads and decides on.
    REVIEWABLE_STATES = (State.SUBMITTED, State.RETURNED, State.APPROVED)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="cases", verbose_name=_("session"))
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cases",
        verbose_name=pgettext_lazy("the person who presents a case", "presenter"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    deadline_at = models.DateTimeField(_("submit by"), null=True, blank=True)

    presenting_question = models.TextField(_("question for the panel"), blank=True)
    age_range = models.CharField(_("age range"), max_length=8, choices=AgeRange.choices, blank=True)
    sex_gender = models.CharField(_("sex or gender"), max_length=12, choices=SexGender.choices, blank=True)
    setting_of_care = models.CharField(_("setting of care"), max_length=30, choices=PracticeSetting.choices, blank=True)
    history = models.TextField(_("relevant history"), blank=True)
    symptoms_medications = models.TextField(_("current symptoms and medications"), blank=True)
    goals_of_care = models.TextField(_("goals of care"), blank=True)
    tried = models.TextField(_("what has been tried"), blank=True)

    # The last screening's findings with the presenter's explanation of each: [{field, kind, text, start, end,
    # why, explanation}], so the reviewer sees what was flagged and why it was kept.
    screening = models.JSONField(_("screening findings"), default=list, blank=True)
    deidentified_confirmed_at = models.DateTimeField(_("de-identification confirmed"), null=True, blank=True)
    submitted_at = models.DateTimeField(pgettext_lazy("when a case was submitted", "submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    purged_at = models.DateTimeField(_("case body purged"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CasePresentationQuerySet.as_manager()

    BODY_FIELDS = ("sex_gender", "history", "symptoms_medications", "goals_of_care", "tried")
    TEXT_FIELDS = ("presenting_question", "history", "symptoms_medications", "goals_of_care", "tried")

    class Meta:
        verbose_name = _("case presentation")
        verbose_name_plural = _("case presentations")
        ordering = ["session", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "presenter"], name="case_unique_session_presenter")]
        indexes = [models.Index(fields=["session", "state"]), models.Index(fields=["presenter", "state"])]

    def __str__(self):
        return f"{self.presenter} · {self.session}"

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES and self.purged_at is None

    def text_fields(self) -> dict[str, str]:
        """The free-text answers by field name, as screening reads them."""
        return {name: getattr(self, name) for name in self.TEXT_FIELDS}


class CaseEvent(models.Model):
    """One change of a case's state: who made it, when, and why (a returned case says what to change)."""

    case = models.ForeignKey(CasePresentation, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    from_state = models.CharField(_("from"), max_length=12, choices=CasePresentation.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=CasePresentation.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case_id}: {self.from_state or '—'} → {self.to_state}"


# Case attachments are documents and pictures only: nothing else a presenter needs to show a panel.
CASE_ATTACHMENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic")


def attachment_upload_to(instance, filename):
    return random_name(folder="cases", extension=ACCEPTED[instance.content_type].extension)


class CaseAttachmentFieldFile(FieldFile):
    def save(self, name, content, save=True):
        from .attachments import inspect_case_file

        kind = inspect_case_file(content)
        self.instance.content_type = kind.content_type
        self.instance.file_name = posixpath.basename(name or "")[:255]
        super().save(name, content, save)


class CaseAttachmentField(models.FileField):
    attr_class = CaseAttachmentFieldFile


class CaseAttachment(models.Model):
    """A PDF or picture the presenter adds; served only by the case's permission-checked download view."""

    case = models.ForeignKey(
        CasePresentation, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case")
    )
    file = CaseAttachmentField(_("file"), upload_to=attachment_upload_to, max_length=255)
    content_type = models.CharField(_("file type"), max_length=100, editable=False)
    file_name = models.CharField(_("file name"), max_length=255, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.file_name

    @property
    def href(self) -> str:
        return reverse("cases:attachment", args=[self.case_id, self.pk])


class CaseView(models.Model):
    """Someone read a case or downloaded one of its attachments: the access log the hub can account for."""

    case = models.ForeignKey(CasePresentation, on_delete=models.CASCADE, related_name="views", verbose_name=_("case"))
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("viewer")
    )
    attachment_name = models.CharField(_("attachment"), max_length=255, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("case view")
        verbose_name_plural = _("case views")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return f"{self.viewer} · {self.case_id}"


class Recommendation(models.Model):
    """What the panel recommends after the session, written by a facilitator and sent to the presenter."""

    case = models.OneToOneField(
        CasePresentation, on_delete=models.CASCADE, related_name="recommendation", verbose_name=_("case")
    )
    summary = models.TextField(_("summary of the discussion"))
    recommendations = models.TextField(_("recommendations"), help_text=_("One recommendation per line."))
    resources = models.TextField(_("resources"), blank=True, help_text=_("One resource per line (title or link)."))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    sent_at = models.DateTimeField(_("sent"))
    helpful = models.BooleanField(_("helpful"), null=True, blank=True)
    feedback = models.TextField(_("presenter's comment"), blank=True)
    feedback_at = models.DateTimeField(_("feedback given"), null=True, blank=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return str(self.case)

    @property
    def recommendation_list(self) -> list[str]:
        return [line.strip(" -•*\t") for line in self.recommendations.splitlines() if line.strip(" -•*\t")]

    @property
    def resource_list(self) -> list[str]:
        return [line.strip(" -•*\t") for line in self.resources.splitlines() if line.strip(" -•*\t")]
