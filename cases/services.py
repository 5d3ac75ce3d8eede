"""What facilitators and presenters do with a case; every state change goes through `_move`.

Each change locks the case row, checks the state it starts from, records a `CaseEvent` (who, when, why) and
queues its emails in the same transaction, so a double click or two tabs change a case once and email once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollment.models import Registration
from sessions.models import Session

from . import access, emails, screening
from .models import CaseAttachment, CaseEvent, CasePresentation, CaseView, Recommendation, display_name

State = CasePresentation.State


class CaseError(Exception):
    """A refused action, with the message to show the person who tried it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def deadline_for(session: Session) -> dt.datetime:
    return session.starts_at - dt.timedelta(days=settings.CASE_DEADLINE_DAYS)


def _require_facilitator(user, session: Session) -> None:
    if not access.is_on_panel(user, session, roles=access.FACILITATOR_ROLES):
        raise CaseError(_("Only a facilitator of this session's hub can do this."))


def _require_upcoming(session: Session, now: dt.datetime) -> None:
    if session.is_cancelled or session.starts_at <= now:
        raise CaseError(_("Cases are presented at upcoming sessions only."))


def _is_registrant(user, session: Session) -> bool:
    return Registration.objects.registered().filter(user=user, session=session).exists()


def _locked(case: CasePresentation) -> CasePresentation:
    return CasePresentation.objects.select_for_update().select_related("session__series", "presenter").get(pk=case.pk)


def _move(case: CasePresentation, *, to: str, by, now: dt.datetime, reason: str = "", from_state: str | None = None):
    """The one place a case changes state: record who, when and why, and email those it concerns."""
    event = CaseEvent.objects.create(
        case=case,
        from_state=case.state if from_state is None else from_state,
        to_state=to,
        actor=by,
        at=now,
        reason=reason,
    )
    case.state = to
    if to == State.SUBMITTED:
        case.submitted_at = now
    elif to == State.APPROVED:
        case.approved_at = now
    case.save()
    event.case = case
    emails.queue_case_event(event)
    return event


def invite(*, session: Session, presenter, by, now: dt.datetime | None = None) -> CasePresentation:
    """A facilitator asks a registrant to present; the presenter is emailed the deadline."""
    now = now or timezone.now()
    _require_facilitator(by, session)
    _require_upcoming(session, now)
    if not _is_registrant(presenter, session):
        raise CaseError(_("Only people registered for this session can be invited to present."))
    with transaction.atomic():
        Session.objects.select_for_update().filter(pk=session.pk).first()
        case = CasePresentation.objects.filter(session=session, presenter=presenter).first()
        if case is not None and case.state != State.DECLINED:
            if case.state == State.OFFERED:
                return accept_offer(case=case, by=by, now=now)
            raise CaseError(_("%(name)s already presents a case at this session.") % {"name": display_name(presenter)})
        if case is None:
            case = CasePresentation(session=session, presenter=presenter, state=State.DRAFT)
        previous = case.state if case.pk else ""
        case.deadline_at = deadline_for(session)
        case.state = State.DRAFT
        case.save()
        _record_and_email(case, from_state=previous, to=State.DRAFT, by=by, now=now)
    return case


def _record_and_email(case, *, from_state: str, to: str, by, now, reason: str = "") -> None:
    event = CaseEvent.objects.create(case=case, from_state=from_state, to_state=to, actor=by, at=now, reason=reason)
    event.case = case
    emails.queue_case_event(event)


def offer(*, session: Session, presenter, now: dt.datetime | None = None) -> CasePresentation:
    """A registrant offers to present a case; the session's facilitators are asked to accept it."""
    now = now or timezone.now()
    _require_upcoming(session, now)
    if not _is_registrant(presenter, session):
        raise CaseError(_("Register for this session first, then offer a case."))
    try:
        with transaction.atomic():
            case, created = CasePresentation.objects.get_or_create(
                session=session, presenter=presenter, defaults={"state": State.OFFERED}
            )
            if not created:
                case = _locked(case)
                if case.state != State.DECLINED:
                    return case  # already offered or presenting: nothing changes, nothing is sent again
                previous = case.state
                case.state = State.OFFERED
                case.save()
            else:
                previous = ""
            _record_and_email(case, from_state=previous, to=State.OFFERED, by=presenter, now=now)
    except IntegrityError:
        # Two tabs offered at once: the other one won, and its offer is this one.
        return CasePresentation.objects.get(session=session, presenter=presenter)
    return case


def accept_offer(*, case: CasePresentation, by, now: dt.datetime | None = None) -> CasePresentation:
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _require_facilitator(by, case.session)
        if case.state != State.OFFERED:
            raise CaseError(_("This offer was already answered."))
        case.deadline_at = deadline_for(case.session)
        _move(case, to=State.DRAFT, by=by, now=now)
    return case


def decline_offer(*, case: CasePresentation, by, reason: str, now: dt.datetime | None = None) -> CasePresentation:
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _require_facilitator(by, case.session)
        if case.state != State.OFFERED:
            raise CaseError(_("This offer was already answered."))
        _move(case, to=State.DECLINED, by=by, now=now, reason=reason.strip())
    return case


def save_draft(*, case: CasePresentation, by, fields: dict) -> CasePresentation:
    """The presenter's answers, saved as they are (a draft may be incomplete)."""
    with transaction.atomic():
        case = _locked(case)
        if case.presenter_id != by.pk or not case.is_editable:
            raise CaseError(_("This case cannot be edited now."))
        for name, value in fields.items():
            setattr(case, name, value)
        case.full_clean(exclude=["screening"])
        case.save()
    return case


def add_attachment(*, case: CasePresentation, by, file) -> CaseAttachment:
    with transaction.atomic():
        case = _locked(case)
        if case.presenter_id != by.pk or not case.is_editable:
            raise CaseError(_("This case cannot be edited now."))
        attachment = CaseAttachment(case=case)
        attachment.file.save(file.name, file, save=True)
    return attachment


def remove_attachment(*, attachment: CaseAttachment, by) -> None:
    with transaction.atomic():
        case = _locked(attachment.case)
        if case.presenter_id != by.pk or not case.is_editable:
            raise CaseError(_("This case cannot be edited now."))
        stored = attachment.file.name
        storage = attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(stored))


REQUIRED_TO_SUBMIT = ("presenting_question", "age_range", "setting_of_care", "history")


@dataclass
class SubmitOutcome:
    submitted: bool
    findings: list[screening.CaseFinding]
    unexplained: set[str]
    missing: list[str]


def submit(
    *, case: CasePresentation, by, confirmed: bool, explanations: dict[str, str], now: dt.datetime | None = None
) -> SubmitOutcome:
    """Screen the case; submit it for review once every finding is edited away or explained and it is confirmed
    de-identified. Otherwise nothing changes and the outcome says what is left."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        if case.presenter_id != by.pk or not case.is_editable:
            raise CaseError(_("This case cannot be submitted now."))
        findings = screening.screen_case(case)
        kept = {key: text.strip() for key, text in explanations.items() if text.strip()}
        unexplained = {item.fingerprint for item in findings if item.fingerprint not in kept}
        missing = [name for name in REQUIRED_TO_SUBMIT if not getattr(case, name)]
        if unexplained or missing or not confirmed:
            return SubmitOutcome(False, findings, unexplained, missing)
        case.screening = screening.as_stored(findings, kept)
        case.deidentified_confirmed_at = now
        _move(case, to=State.SUBMITTED, by=by, now=now)
    return SubmitOutcome(True, findings, set(), [])


def approve(*, case: CasePresentation, by, now: dt.datetime | None = None) -> CasePresentation:
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _require_facilitator(by, case.session)
        if case.state != State.SUBMITTED:
            raise CaseError(_("Only a case in review can be approved."))
        _move(case, to=State.APPROVED, by=by, now=now)
    return case


def return_for_changes(*, case: CasePresentation, by, reason: str, now: dt.datetime | None = None):
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(_("Say what the presenter should change."))
    with transaction.atomic():
        case = _locked(case)
        _require_facilitator(by, case.session)
        if case.state not in (State.SUBMITTED, State.APPROVED):
            raise CaseError(_("Only a submitted case can be returned."))
        _move(case, to=State.RETURNED, by=by, now=now, reason=reason)
    return case


def write_recommendations(
    *, case: CasePresentation, by, summary: str, recommendations: str, resources: str, now: dt.datetime | None = None
) -> Recommendation:
    """After the session: the panel's recommendations, emailed to the presenter once."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked(case)
        _require_facilitator(by, case.session)
        if case.state != State.APPROVED:
            raise CaseError(_("Recommendations are written for approved cases."))
        if case.session.starts_at > now:
            raise CaseError(_("Recommendations are written after the session."))
        if Recommendation.objects.filter(case=case).exists():
            raise CaseError(_("The recommendations for this case were already sent."))
        recommendation = Recommendation(
            case=case,
            summary=summary.strip(),
            recommendations=recommendations.strip(),
            resources=resources.strip(),
            written_by=by,
            sent_at=now,
        )
        try:
            recommendation.full_clean(exclude=["case"])
        except ValidationError as error:
            raise CaseError(" ".join(error.messages)) from error
        recommendation.save()
        emails.queue_recommendations(recommendation)
    return recommendation


def give_feedback(*, recommendation: Recommendation, by, helpful: bool, comment: str, now=None) -> Recommendation:
    now = now or timezone.now()
    if recommendation.case.presenter_id != by.pk:
        raise CaseError(_("Only the presenter can say whether the recommendations helped."))
    Recommendation.objects.filter(pk=recommendation.pk).update(
        helpful=helpful, feedback=(comment or "").strip(), feedback_at=now
    )
    recommendation.refresh_from_db()
    return recommendation


def log_view(*, case: CasePresentation, viewer, attachment_name: str = "") -> None:
    CaseView.objects.create(case=case, viewer=viewer, attachment_name=attachment_name[:255])


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Empty the bodies and delete the attachments of cases whose session ended `CASE_RETENTION_DAYS` ago.

    The presenting question, age range and setting (the de-identified summary), the state history, the view log
    and the recommendations stay. Each case is claimed by a conditional UPDATE, so two beats purge it once.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.CASE_RETENTION_DAYS)
    due = CasePresentation.objects.filter(session__ends_at__lte=cutoff, purged_at__isnull=True).values_list(
        "pk", flat=True
    )
    purged = 0
    for pk in list(due):
        with transaction.atomic():
            cleared = {name: "" for name in CasePresentation.BODY_FIELDS}
            claimed = CasePresentation.objects.filter(pk=pk, purged_at__isnull=True).update(
                purged_at=now, screening=[], **cleared
            )
            if not claimed:
                continue
            attachments = list(CaseAttachment.objects.filter(case_id=pk))
            stored = [(attachment.file.storage, attachment.file.name) for attachment in attachments]
            CaseAttachment.objects.filter(case_id=pk).delete()
            transaction.on_commit(lambda stored=stored: [storage.delete(name) for storage, name in stored])
            purged += 1
    return purged
