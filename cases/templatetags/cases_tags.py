"""What the session page and My learning show about case presentations, for the viewer only."""

from django import template
from django.utils import timezone

from cases import access, queries
from cases.models import CasePresentation

register = template.Library()


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@register.inclusion_tag("cases/includes/session_panel.html", takes_context=True)
def case_panel(context, session):
    """The panel sees how many cases there are; a registrant sees their own case or can offer one. Visitors see
    nothing (so the cached public page never says anything about cases)."""
    user = _user(context)
    facts = {"session": session, "request": context.get("request"), "show": False}
    if user is None or session.is_cancelled:
        return facts
    on_panel = access.is_on_panel(user, session)
    viewer = queries.viewer_facts(user, session)
    own = viewer.own
    upcoming = session.starts_at > timezone.now()
    can_offer = upcoming and viewer.is_registrant and (own is None or own.state == CasePresentation.State.DECLINED)
    facts.update(
        show=on_panel or own is not None or can_offer,
        on_panel=on_panel,
        approved_count=queries.approved_count(session) if on_panel else 0,
        own=own,
        can_offer=can_offer,
    )
    return facts


@register.inclusion_tag("cases/includes/my_cases.html", takes_context=True)
def my_cases(context):
    user = _user(context)
    return {"cases": queries.my_cases(user) if user else [], "request": context.get("request")}
