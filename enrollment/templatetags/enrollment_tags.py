"""Fragments the catalog pages show about the viewer's own enrollment and registrations.

The catalog (series, sessions) must not import enrollment; its templates load
these tags instead, so the join link and "you are registered" states come from
one place.
"""

from django import template

from enrollment.models import Enrollment, Registration

register = template.Library()


@register.inclusion_tag("enrollment/includes/session_panel.html", takes_context=True)
def registration_panel(context, session):
    """What the viewer can do about one session; the join link only for its registrants."""
    user = context["request"].user
    registration = None
    if user.is_authenticated:
        registration = Registration.objects.filter(user=user, session=session).first()
    return {
        "session": session,
        "registration": registration,
        "is_registered": registration is not None and registration.status == Registration.Status.REGISTERED,
        "request": context["request"],
    }


@register.inclusion_tag("enrollment/includes/series_actions.html", takes_context=True)
def series_actions(context, series):
    """The call to action of a series page: enroll with a key, register, or why not."""
    user = context["request"].user
    enrollment = None
    if user.is_authenticated:
        enrollment = Enrollment.objects.filter(user=user, series=series).first()
    return {"series": series, "enrollment": enrollment, "request": context["request"]}
