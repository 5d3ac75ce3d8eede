"""Calendar feeds: a private one per person (a secret token in the URL) and a public one per series.

Google Calendar, Outlook and Apple Calendar subscribe to these URLs and poll
them, so they must answer without a session cookie, quickly, and in a fixed
number of queries whatever the number of sessions.
"""

import datetime as dt
import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_POST

from accounts.models import User
from notifications import ics
from series.models import Series
from sessions.models import Session

from .calendar import session_event
from .emails import language_of
from .models import Registration
from .visibility import may_see_all_of

# Old sessions stay in a feed for a while (attendance, credits), then drop out to keep the file small.
FEED_HISTORY = dt.timedelta(days=180)
CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
# What accounts.models.new_calendar_token makes; anything else cannot be a token (and never reaches the database).
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _calendar_response(content: bytes, *, filename: str, private: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        # The URL is the secret: keep it out of shared caches and search engines.
        response["Cache-Control"] = "private, max-age=900"
        response["X-Robots-Tag"] = "noindex, nofollow"
    else:
        response["Cache-Control"] = "public, max-age=900"
    return response


def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The sessions a person holds a seat in, join links included; cancelled sessions marked CANCELLED."""
    user = None
    if TOKEN_PATTERN.fullmatch(token):
        user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404("No calendar for this link.")
    registrations = (
        Registration.objects.filter(
            user=user,
            status=Registration.Status.REGISTERED,
            session__ends_at__gte=timezone.now() - FEED_HISTORY,
        )
        .select_related("session__series")
        .order_by("session__starts_at", "pk")
    )
    with translation.override(language_of(user)):
        events = [session_event(registration.session, with_join_link=True) for registration in registrations]
        content = ics.feed(events=events, name=ics.personal_feed_name())
    return _calendar_response(content, filename="echo-my-sessions.ics", private=True)


def series_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """A published series' sessions for anyone to subscribe to: no join links."""
    series = Series.objects.filter(slug=slug, status=Series.Status.PUBLISHED).first()
    if series is None or not may_see_all_of(request.user, series):
        raise Http404("No such series.")
    sessions = Session.objects.filter(series=series, ends_at__gte=timezone.now() - FEED_HISTORY).order_by(
        "starts_at", "pk"
    )
    events = []
    for session in sessions:
        session.series = series
        events.append(session_event(session, with_join_link=False))
    content = ics.feed(events=events, name=ics.series_feed_name(series.title))
    return _calendar_response(content, filename=f"{series.slug}.ics", private=False)


@login_required
@require_POST
def regenerate_token(request: HttpRequest) -> HttpResponse:
    """A new secret for the personal feed: the old link stops working at once (for a link that leaked)."""
    request.user.regenerate_calendar_token()
    return redirect(f"{reverse('enrollment:my_learning')}?calendar=renewed#calendar-feed")
