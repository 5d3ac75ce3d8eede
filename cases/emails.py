"""The emails a case's changes send, written in the transaction of the change (through the outbox).

Idempotency keys: `case-event:<event>:<recipient>` (each recorded change emails each person it concerns once;
a retried transaction writes the same event again or nothing) and `case-recommendations:<case>` (the panel's
recommendations once).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from enrollment.calendar import absolute
from enrollment.emails import language_of, recipient_context
from notifications.models import OutboundEmail
from notifications.outbox import queue_email

from .access import facilitators_of, panel_opens_at, panelists_of
from .models import CaseEvent, CasePresentation, Recommendation, display_name

State = CasePresentation.State

TEMPLATE = "cases/email/case_update"


def _message(event: CaseEvent) -> tuple[str, Any, Any]:
    """Who hears of this change ("presenter" or "facilitators"), the heading and the paragraph."""
    case = event.case
    title = case.session.title
    presenter = display_name(case.presenter)
    if event.to_state == State.DRAFT and event.from_state == State.OFFERED:
        return (
            "presenter",
            _("Your case offer was accepted"),
            format_lazy(_("The facilitator accepted your offer to present a case at “{title}”."), title=title),
        )
    if event.to_state == State.DRAFT:
        return (
            "presenter",
            _("You are invited to present a case"),
            format_lazy(
                _(
                    "The facilitator invites you to present a patient case at “{title}”. The panel will discuss it "
                    "and send you written recommendations after the session."
                ),
                title=title,
            ),
        )
    if event.to_state == State.OFFERED:
        return (
            "facilitators",
            _("A registrant offers a case"),
            format_lazy(_("{name} offers to present a case at “{title}”."), name=presenter, title=title),
        )
    if event.to_state == State.DECLINED:
        return (
            "presenter",
            _("Your case offer was not taken up"),
            format_lazy(_("The facilitator did not take up your offer to present at “{title}”."), title=title),
        )
    if event.to_state == State.SUBMITTED:
        return (
            "facilitators",
            _("A case is ready for review"),
            format_lazy(
                _("{name} submitted a case for “{title}”. Check it for personal health information and approve it."),
                name=presenter,
                title=title,
            ),
        )
    if event.to_state == State.RETURNED:
        return (
            "presenter",
            _("Your case needs changes"),
            format_lazy(
                _("The facilitator returned your case for “{title}”. Edit it and submit it again."), title=title
            ),
        )
    return (
        "presenter",
        _("Your case is approved"),
        format_lazy(
            _("The facilitator approved your case for “{title}”. The panel reads it before the session."), title=title
        ),
    )


def _panel_message(event: CaseEvent) -> tuple[Any, Any]:
    return (
        _("A case is ready for the panel"),
        format_lazy(
            _("A case for “{title}” was approved for the panel. Read it before the session."),
            title=event.case.session.title,
        ),
    )


def queue_case_event(event: CaseEvent) -> None:
    case = event.case
    audience, heading, paragraph = _message(event)
    recipients = [case.presenter] if audience == "presenter" else facilitators_of(case.session)
    show_deadline = audience == "presenter" and event.to_state in CasePresentation.EDITABLE_STATES
    _queue(event, recipients, heading=heading, paragraph=paragraph, deadline=show_deadline)
    if event.to_state == State.APPROVED:
        heading, paragraph = _panel_message(event)
        _queue(event, panelists_of(case.session), heading=heading, paragraph=paragraph, opens=True)


def _queue(event: CaseEvent, recipients: list, *, heading, paragraph, deadline=False, opens=False) -> None:
    case = event.case
    for user in recipients:
        queue_email(
            to=user.email,
            language=language_of(user),
            kind=OutboundEmail.Kind.CASE,
            idempotency_key=f"case-event:{event.pk}:{user.pk}",
            template=TEMPLATE,
            context={
                **recipient_context(user),
                "heading": heading,
                "paragraph": paragraph,
                "reason": event.reason,
                "case": case,
                "session": case.session,
                "deadline_at": case.deadline_at if deadline else None,
                "panel_opens_at": panel_opens_at(case.session) if opens else None,
                "case_url": absolute(reverse("cases:detail", args=[case.pk])),
            },
        )


def queue_recommendations(recommendation: Recommendation) -> None:
    case = recommendation.case
    user = case.presenter
    queue_email(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.CASE,
        idempotency_key=f"case-recommendations:{case.pk}",
        template="cases/email/recommendations",
        context={
            **recipient_context(user),
            "case": case,
            "session": case.session,
            "recommendation": recommendation,
            "case_url": absolute(reverse("cases:detail", args=[case.pk])),
        },
    )
