"""Fragments the catalog pages show about the viewer's own enrollment and registrations.

The catalog templates (series, sessions) load these tags, so the join link and
"you are registered" states come from one place. Each tag costs a fixed number of queries: none for visitors; for a
signed-in learner one (registration_panel), and none (series_actions) given a series read by
enrollment.catalog.series_for_page for that viewer, which annotates their enrollment and seats (any other
series costs series_actions two or three); a series by approval that the viewer is not in costs one more, their
request to join.

My learning's closing parts (calendar feed and key box) are here too: drawn once for everyone, the learner's own
feed address put in.
"""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.templatetags.shared_parts import render_shared
from enrollment import forms
from enrollment.models import Enrollment, JoinRequest, Registration, SeriesInvitation
from enrollment.queries import enrollment_waitlist_position
from enrollment.registration import registration_state
from series.models import Series

register = template.Library()


def _viewer(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return request, (user if user is not None and user.is_authenticated else None)


def _sign_in_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


@register.inclusion_tag("enrollment/includes/session_panel.html", takes_context=True)
def registration_panel(context, session):
    """What the viewer can do about one session; the join link only for its registrants."""
    request, user = _viewer(context)
    registration = None
    if user is not None:
        registration = (
            Registration.objects.filter(user=user, session=session)
            .exclude(status=Registration.Status.CANCELLED)
            .only("pk", "status", "session_id")
            .first()
        )
    is_registered = registration is not None and registration.status == Registration.Status.REGISTERED
    now = timezone.now()
    upcoming = session.starts_at > now and not session.is_cancelled
    has_ended = session.ends_at <= now
    register_url = reverse("enrollment:register", args=[session.series.slug])
    return {
        "session": session,
        "registration": registration,
        "is_registered": is_registered,
        "is_waitlisted": registration is not None and registration.status == Registration.Status.WAITLISTED,
        "show_join_link": is_registered and bool(session.join_url) and not session.is_cancelled and not has_ended,
        "has_ended": has_ended,
        "has_materials": bool(context.get("resources")),
        "can_register": upcoming and registration is None,
        "register_url": register_url if user is not None else _sign_in_url(register_url),
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': register_url})}",
        "signed_in": user is not None,
        "request": request,
    }


def _viewer_place(series: Series, user) -> tuple[str | None, int, int | None]:
    """The viewer's enrollment status in the series, their upcoming seats in it and their place on its waitlist:
    from what `catalog.viewer_place` set on the series when it has it, else two or three queries."""
    if user is None:
        return None, 0, None
    if hasattr(series, "viewer_enrollment_status"):
        return series.viewer_enrollment_status, series.viewer_upcoming_count, series.viewer_waitlist_position
    enrollment = Enrollment.objects.filter(user=user, series=series).exclude(status=Enrollment.Status.WITHDRAWN).first()
    upcoming_count = Registration.objects.filter(
        user=user,
        session__series=series,
        status=Registration.Status.REGISTERED,
        session__ends_at__gt=timezone.now(),
    ).count()
    if enrollment is None:
        return None, upcoming_count, None
    return enrollment.status, upcoming_count, enrollment_waitlist_position(enrollment=enrollment)


def _viewer_request(series: Series, user) -> tuple[str | None, object]:
    """The state of the viewer's request to join a series by approval, and when they asked: one query, made only
    for a series by approval that the viewer is not in."""
    if user is None:
        return None, None
    found = JoinRequest.objects.filter(user=user, series=series).values_list("state", "requested_at").first()
    return found or (None, None)


def _own_invitation_url(user, series) -> str:
    """The link of the viewer's unanswered invitation to a series by invitation only, if they have one: 1 query."""
    invitation = (
        SeriesInvitation.objects.filter(
            series=series, email=(user.email or "").lower(), joined_at__isnull=True, declined_at__isnull=True
        )
        .only("token")
        .first()
    )
    return reverse("enrollment:series_invitation", args=[invitation.token]) if invitation else ""


@register.inclusion_tag("enrollment/includes/series_actions.html", takes_context=True)
def series_actions(context, series):
    """The call to action of a series page: enroll with a key, register, or why not."""
    request, user = _viewer(context)
    availability = registration_state(series)
    status, upcoming_count, position = _viewer_place(series, user)
    needs_key = series.registration_mode == Series.RegistrationMode.KEY
    needs_approval = series.registration_mode == Series.RegistrationMode.APPROVAL
    enrolled = status == Enrollment.Status.ACTIVE
    join_state, join_requested_at = _viewer_request(series, user) if needs_approval and status is None else (None, None)
    if needs_approval and status is None:
        target = reverse("enrollment:ask_to_join", args=[series.slug])
    else:
        target = reverse(
            "enrollment:enroll" if needs_key and not enrolled else "enrollment:register", args=[series.slug]
        )
    waitlist_target = reverse("enrollment:enroll", args=[series.slug])
    waitlisted = status == Enrollment.Status.WAITLISTED
    invitation_only = series.registration_mode == Series.RegistrationMode.INVITATION
    return {
        "series": series,
        "invitation_only": invitation_only,
        "invitation_url": _own_invitation_url(user, series) if invitation_only and user and status is None else "",
        "is_enrolled": enrolled,
        "is_waitlisted": waitlisted,
        "waitlist_position": position if waitlisted else None,
        "is_full": availability.is_full,
        "waitlist_url": waitlist_target if user is not None else _sign_in_url(waitlist_target),
        "is_open": availability.takes_registrations,
        "closed_message": "" if availability.takes_registrations else availability.message,
        "needs_key": needs_key,
        "needs_approval": needs_approval,
        "join_state": join_state,
        "join_requested_at": join_requested_at,
        "upcoming_count": upcoming_count,
        "action_url": target if user is not None else _sign_in_url(target),
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': target})}",
        "signed_in": user is not None,
        "request": request,
    }


@register.inclusion_tag("enrollment/includes/invitation_preview.html")
def invitation_preview(preview):
    """What sending a checked list would do (enrollment.invitation_lists.Preview): who is invited, and every line
    that is not, with its reason. The hub portal and the admin show the same report."""
    return {"preview": preview}


@register.simple_tag
def blank_key_form(auto_id: str) -> str:
    """{% blank_key_form "mylearning_%s" %}: the empty key box's field, the same for everyone (enrollment.forms)."""
    return forms.blank_key_form(auto_id=auto_id)


# Where the learner's own calendar-feed address goes in My learning's shared closing parts: no character that
# escaping changes, so it comes through the template as it went in.
FEED_PATH_HOLE = "\x00calendar-feed-path\x00"
HOST_HOLE = "\x00request-host\x00"


@register.simple_tag(takes_context=True)
def my_learning_closing(context) -> str:
    """My learning's calendar-feed section and key box. All of it is the same for everyone but the learner's private
    feed address (and the form's CSRF token), so it is rendered once per language (and per "link changed" notice)
    and kept; the address is put in for each learner, escaped as the template escapes it."""
    request = context["request"]
    html = render_shared(
        context,
        "enrollment/includes/my_learning_closing.html",
        {
            "renewed": "renewed" if request.GET.get("calendar") == "renewed" else "",
            "site_url": settings.SITE_URL,
            "feed_path": FEED_PATH_HOLE,
            "host": HOST_HOLE,
        },
    )
    feed_path = escape(reverse("enrollment:calendar_feed", args=[request.user.calendar_token]))
    # Escaped values put where the template escaped them: escaping works character by character.
    return mark_safe(html.replace(FEED_PATH_HOLE, feed_path).replace(HOST_HOLE, escape(request.get_host())))  # noqa: S308
