"""Post-session evaluation: a form per series, who was asked, and what was answered, kept apart.

Identity and answers live in different tables on purpose. An `EvaluationRequest` says that a person
was asked about a session and whether they answered; a `Response` holds the answers with no link to
the request, a random id (so row order says nothing about who answered first) and only the day it
was given. Staff read aggregates and free text; a response names its author only when the form
says answers are named.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from series.models import Series
from sessions.models import Session


class EvaluationForm(models.Model):
    """The questions asked after each session of a series; the default form serves every series without one."""

    series = models.OneToOneField(
        Series,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluation_form",
        verbose_name=_("series"),
        help_text=_("Leave empty only for the default form, used by every series that has no form of its own."),
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the questions."))
    named_answers = models.BooleanField(
        _("answers are named"),
        default=False,
        help_text=_("Off: staff see answers without who gave them. On: the form tells people their name is kept."),
    )
    is_active = models.BooleanField(
        _("send evaluation requests"), default=True, help_text=_("Off: attendees of this series are not asked.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")
        ordering = ["series__title"]
        constraints = [
            # One form per series (the one-to-one) and one default form (series empty): one index covers both.
            models.UniqueConstraint(
                Coalesce("series", Value(0)),
                name="evaluation_form_one_default",
                violation_error_message=_("There is already a default form; edit that one."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_default(self) -> bool:
        return self.series_id is None


class Question(models.Model):
    """One item of a form: a Likert statement, the intent-to-change question, or free text."""

    class Kind(models.TextChoices):
        LIKERT = "likert", _("Agreement, from strongly disagree to strongly agree")
        INTENT = "intent", _("Intent to change practice, with what will change")
        TEXT = "text", _("Free text")

    form = models.ForeignKey(EvaluationForm, on_delete=models.CASCADE, related_name="questions", verbose_name=_("form"))
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluation_questions",
        verbose_name=_("only for session"),
        help_text=_("Leave empty to ask after every session of the series."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LIKERT)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["form", "position", "pk"]

    def __str__(self):
        return self.text

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.session_id and (self.form.series_id is None or self.session.series_id != self.form.series_id):
            raise ValidationError({"session": _("Choose a session of this form's series.")})


class Likert(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, _("Strongly disagree")
    DISAGREE = 2, _("Disagree")
    NEUTRAL = 3, _("Neither agree nor disagree")
    AGREE = 4, _("Agree")
    STRONGLY_AGREE = 5, _("Strongly agree")


class Intent(models.TextChoices):
    YES = "yes", _("Yes, I will change something in my practice")
    UNSURE = "unsure", _("I am not sure yet")
    NO = "no", _("No, my practice already reflects what was taught")


class EvaluationRequestQuerySet(models.QuerySet):
    def unanswered(self):
        return self.filter(answered_at__isnull=True)

    def open(self, *, now=None):
        return self.unanswered().filter(expires_at__gt=now or timezone.now())


class EvaluationRequest(models.Model):
    """An attendee was asked to evaluate a session: the identity side, with no answers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="evaluation_requests",
        verbose_name=_("user"),
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="evaluation_requests", verbose_name=_("session")
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    expires_at = models.DateTimeField(_("link expires"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = EvaluationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation request")
        verbose_name_plural = _("evaluation requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="evaluation_request_unique_user_session")
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(answered_at__isnull=True), name="evaluation_unanswered"),
        ]

    def __str__(self):
        return f"{self.user} · {self.session}"

    def is_expired(self, *, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class Response(models.Model):
    """One person's answers about one session, stored without a link to who was asked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form = models.ForeignKey(EvaluationForm, on_delete=models.PROTECT, related_name="responses", verbose_name=_("form"))
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="evaluation_responses")
    # The day only: an exact time could be matched against the request's answered_at.
    submitted_on = models.DateField(_("answered on"))
    language = models.CharField(_("language"), max_length=8)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("respondent"),
        help_text=_("Kept only when the form says answers are named."),
    )

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")
        ordering = ["-submitted_on"]
        indexes = [models.Index(fields=["session", "submitted_on"])]

    def __str__(self):
        return f"{self.session} · {self.submitted_on}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True, choices=Likert.choices)
    intent = models.CharField(max_length=10, blank=True, choices=Intent.choices)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="evaluation_answer_unique"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="evaluation_rating_range"
            ),
        ]

    def __str__(self):
        return str(self.question)
