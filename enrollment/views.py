import re
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.continuation import continue_after_sign_in
from cases import queries as case_queries
from certificates import queries as certificate_queries
from core import ratelimit
from core.csv_export import csv_response
from core.formatting import format_time
from core.page_cache import programme_fragment, programme_fragments, programme_value
from core.ratelimit import Lockout
from series.models import Series
from sessions.models import Session

from . import join_queue, picker, queries, services
from .credits import credit_summary, learner_series_credits
from .forms import EnrollmentKeyForm, RegistrationForm
from .key_limits import begin_key_guess
from .models import Enrollment, Registration
from .registration import count_active_enrollments, registration_state, with_programme_facts, with_registration_facts
from .visibility import may_see_all_of

PENDING_KEY = "enrollment:pending-key"
STATE_REFUSED_STATUS = 409  # a POST to a series that takes nothing now: nothing changed


def _published_series(request, slug: str) -> Series:
    """A published series the viewer may see all of (one by invitation only is a 404 to anyone not invited), with
    the facts `registration_state` needs, read in the same query (else each call would read them again)."""
    series = get_object_or_404(
        with_registration_facts(Series.objects.select_related("hub")), slug=slug, status=Series.Status.PUBLISHED
    )
    if not may_see_all_of(request.user, series):
        raise Http404("No such series.")
    return series


def _invitation_only_refusal(series: Series, enrollment: Enrollment | None) -> str:
    """What an invited person who has not accepted yet reads on the enroll and picker pages ("" otherwise)."""
    joined = enrollment is not None and enrollment.status != Enrollment.Status.WITHDRAWN
    if series.registration_mode != Series.RegistrationMode.INVITATION or joined:
        return ""
    return _("This series is by invitation only: follow the link in your invitation email and accept it first.")


def _client_address(request) -> str:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return ""


def _begin_guess(request) -> ratelimit.Attempt:
    return begin_key_guess(user_id=request.user.pk, client_address=_client_address(request))


def _locked_out(request, lockout: Lockout):
    response = render(
        request,
        "enrollment/key_locked.html",
        {
            "wait": timeuntil(lockout.retry_at, timezone.now()),
            "retry_time": format_time(lockout.retry_at),
        },
        status=429,
    )
    response["Retry-After"] = str(lockout.seconds_left)
    return response


def _try_key(form: EnrollmentKeyForm, guess: ratelimit.Attempt, attempt) -> Enrollment | None:
    """Run one key attempt, already counted: only a wrong key keeps counting against the account and the address."""
    if not form.is_valid():
        guess.succeeded()  # nothing was checked
        return None
    try:
        enrollment = attempt(form.cleaned_data["key"])
    except services.InvalidKey as error:
        form.add_error("key", error.message)
        return None
    except services.EnrollmentError as error:
        guess.succeeded()  # the key was right; something else stands in the way
        form.add_error("key", error.message)
        return None
    guess.succeeded()
    return enrollment


def after_enrollment(request, enrollment: Enrollment):
    """Once in a series (by key, waitlist or accepted invitation): to the session picker, or told of the waitlist."""
    series = enrollment.series
    if enrollment.status == Enrollment.Status.WAITLISTED:
        messages.info(
            request,
            _(
                "%(series)s is full. You are number %(position)s on its waitlist and will be told by email "
                "when a place opens."
            )
            % {"series": series.title, "position": queries.enrollment_waitlist_position(enrollment=enrollment)},
        )
        return redirect("enrollment:my_learning")
    messages.success(request, _("You are enrolled in %(series)s. Now pick your sessions.") % {"series": series.title})
    return redirect("enrollment:register", slug=series.slug)


def _asks_first(series: Series, enrollment: Enrollment | None) -> bool:
    """A series by approval, and the viewer is not in it: they ask to join rather than enroll or register."""
    in_series = enrollment is not None and enrollment.status != Enrollment.Status.WITHDRAWN
    return series.registration_mode == Series.RegistrationMode.APPROVAL and not in_series


def _to_ask_to_join(request, series: Series):
    messages.info(request, _("This series registers by approval: ask to join, and you will be told by email."))
    return redirect("enrollment:ask_to_join", slug=series.slug)


@login_required
@require_http_methods(["GET", "POST"])
def enroll(request, slug):
    """The enrollment-key form of one series."""
    series = _published_series(request, slug)
    enrollment = queries.enrollment_for(user=request.user, series=series)
    if enrollment is not None and enrollment.status == Enrollment.Status.ACTIVE:
        return redirect("enrollment:register", slug=series.slug)
    if _asks_first(series, enrollment):
        return _to_ask_to_join(request, series)
    availability = registration_state(series)
    needs_key = series.registration_mode == Series.RegistrationMode.KEY
    if refusal := _invitation_only_refusal(series, enrollment):
        context = {"series": series, "enrollment": None, "closed_message": refusal}
        return render(request, "enrollment/enroll.html", context, status=403 if request.method == "POST" else 200)
    if series.registration_mode == Series.RegistrationMode.OPEN and not availability.is_full:
        return redirect("enrollment:register", slug=series.slug)
    context = {"series": series, "enrollment": enrollment, "is_full": availability.is_full, "needs_key": needs_key}
    if enrollment is not None and enrollment.status == Enrollment.Status.WAITLISTED:
        context["waitlist_position"] = queries.enrollment_waitlist_position(enrollment=enrollment)
        return render(request, "enrollment/enroll.html", context)
    if not availability.takes_registrations:
        context["closed_message"] = availability.message
        return render(
            request, "enrollment/enroll.html", context, status=STATE_REFUSED_STATUS if request.method == "POST" else 200
        )
    if not needs_key:
        # An open series that is full: one button puts the learner on its waitlist.
        if request.method == "POST":
            try:
                enrollment = services.enroll(user=request.user, series=series, key=None)
            except services.EnrollmentError as error:
                messages.error(request, error.message)
            else:
                return after_enrollment(request, enrollment)
        return render(request, "enrollment/enroll.html", context)
    form = EnrollmentKeyForm(request.POST if request.method == "POST" else None, distributor=series.key_distributor)
    if request.method == "POST":
        guess = _begin_guess(request)
        if not guess.allowed:
            return _locked_out(request, guess.lockout)
        enrollment = _try_key(form, guess, lambda key: services.enroll(user=request.user, series=series, key=key))
        if enrollment is not None:
            return after_enrollment(request, enrollment)
    context["form"] = form
    return render(request, "enrollment/enroll.html", context)


@require_http_methods(["GET", "POST"])
def enroll_by_key(request):
    """'Have an enrollment key?': the key alone finds its series.

    Visitors sign in or create an account first; the key they typed is kept in their session and used
    as soon as they are back, so they land on the picker without typing it again.
    """
    if request.method == "POST" and not request.user.is_authenticated:
        form = EnrollmentKeyForm(request.POST)
        if form.is_valid():
            request.session[PENDING_KEY] = form.cleaned_data["key"]
            continue_after_sign_in(request, reverse("enrollment:enroll_by_key"))
            messages.info(request, _("Sign in or create an account to use your enrollment key."))
            return redirect(f"{reverse('account_login')}?{urlencode({'next': reverse('enrollment:enroll_by_key')})}")
        return render(request, "enrollment/enroll_by_key.html", {"form": form})
    pending = request.session.pop(PENDING_KEY, "") if request.user.is_authenticated else ""
    if request.method == "POST" or pending:
        # A pending key was posted (with its CSRF token) before signing in: this is that same submission.
        form = EnrollmentKeyForm(request.POST if request.method == "POST" else {"key": pending})
        guess = _begin_guess(request)
        if not guess.allowed:
            return _locked_out(request, guess.lockout)
        enrollment = _try_key(form, guess, lambda key: services.enroll_by_key(user=request.user, key=key))
        if enrollment is not None:
            return after_enrollment(request, enrollment)
    else:
        form = EnrollmentKeyForm()
    return render(request, "enrollment/enroll_by_key.html", {"form": form})


def _summary_url(series: Series, sessions: list[Session]) -> str:
    """The summary page of what this submission picked: the picks ride in the address, not in the session, so a
    registration writes nothing after its own transaction (the summary shows only the viewer's registrations)."""
    query = urlencode({"picked": [session.pk for session in sessions]}, doseq=True)
    return f"{reverse('enrollment:registered', args=[series.slug])}?{query}"


def _picked_ids(request) -> list[int]:
    """The session ids `_summary_url` wrote; anything else in the address is ignored (the page then shows all)."""
    return [
        int(value) for value in request.GET.getlist("picked") if value.isascii() and value.isdigit() and len(value) < 19
    ]


def _shared_published_series(request, slug: str) -> Series:
    """`_published_series` as every learner's picker reads it: kept with its registration facts, dropped with the
    programme and with every enrollment or registration (the facts count them), so never staler than a seat."""

    def read():
        series = with_registration_facts(Series.objects.all()).filter(slug=slug, status=Series.Status.PUBLISHED).first()
        return None if series is None else _with_page_words(series)

    series = programme_value(f"picker:series-page:{slug}", read, shows_seats=True)
    if series is None or not may_see_all_of(request.user, series):
        raise Http404("No such series.")
    return series


def _posted_series(request, slug: str) -> Series:
    """`_published_series` as a register POST reads it: the row with its hub, the end of its last session and what
    the picker page writes of it kept per programme version and language (a burst of learners posts the same series
    at once, and that reading was a quarter of each POST's CPU), the enrollment count, which every join moves, read
    now where it counts (a capacity)."""

    def read():
        series = (
            with_programme_facts(Series.objects.select_related("hub"))
            .filter(slug=slug, status=Series.Status.PUBLISHED)
            .first()
        )
        return None if series is None else _with_page_words(series)

    series = programme_value(f"register:series:{slug}", read)
    if series is None or not may_see_all_of(request.user, series):
        raise Http404("No such series.")
    return count_active_enrollments(series)


def _sessions_left(series: Series) -> list[Session]:
    """The sessions left to pick, as every learner sees them (kept per programme version: titles and times written
    out), without one that has begun since they were read."""
    now = timezone.now()
    kept = programme_value(f"picker:sessions:{series.pk}", lambda: queries.pickable_sessions(series=series))
    # Kept for up to PUBLIC_PAGE_CACHE_SECONDS: a session that has started since is no longer offered.
    return [session for session in kept if session.starts_at > now]


def _with_page_words(series: Series) -> Series:
    """What the picker page writes of its series (its title in the active language, its address and the form's), so
    that the kept series carries them: a translated title costs a lookup each time it is read, an address a
    reverse()."""
    series.page_title = series.title
    series.page_url = series.get_absolute_url()
    series.picker_url = reverse("enrollment:register", args=[series.slug])
    return series


def _submittable_sessions(series: Series) -> list[Session]:
    """What a submitted pick is checked against: the sessions left to pick as the picker shows them
    (`_sessions_left`: a session staff cancel or move is no longer picked once they save it), with their series
    (the service reads its registration state from it)."""
    sessions = _sessions_left(series)
    for session in sessions:
        session.series = series
    return sessions


@login_required
@require_http_methods(["GET", "POST"])
def register(request, slug):
    """Pick sessions of a series; consent on the first registration."""
    # With the facts the registration state is computed from: the view and the services it calls read them once.
    # The form shown (GET) reads what every learner sees from the programme's cache.
    series = _posted_series(request, slug) if request.method == "POST" else _shared_published_series(request, slug)
    context = {"series": series}
    availability = registration_state(series)
    if not availability.takes_registrations:
        context["closed_message"] = availability.message
        status = STATE_REFUSED_STATUS if request.method == "POST" else 200
        return render(request, "enrollment/register.html", context, status=status)
    if request.method == "POST":
        enrollment = queries.enrollment_for(user=request.user, series=series)
    else:
        # Their enrollment, read with the seats and holdings of the sessions left in one query (enrollment/picker.py).
        visit = picker.visit(series, user=request.user)
        enrollment = visit.enrollment
    if enrollment is not None and enrollment.status == Enrollment.Status.WAITLISTED:
        context["series_waitlisted"] = True
        context["waitlist_position"] = queries.enrollment_waitlist_position(enrollment=enrollment)
        return render(request, "enrollment/register.html", context)
    enrolled = enrollment is not None and enrollment.status == Enrollment.Status.ACTIVE
    if _asks_first(series, enrollment):
        return _to_ask_to_join(request, series)
    if refusal := _invitation_only_refusal(series, enrollment):
        context["closed_message"] = refusal
        return render(request, "enrollment/register.html", context, status=403 if request.method == "POST" else 200)
    if series.registration_mode == Series.RegistrationMode.KEY and not enrolled:
        messages.info(request, _("This series needs an enrollment key. Enter it to pick your sessions."))
        return redirect("enrollment:enroll", slug=series.slug)
    if availability.is_full and not enrolled:
        # Full: the series' waitlist is offered up front rather than after ticking sessions.
        return redirect("enrollment:enroll", slug=series.slug)

    ask_consent = services.needs_privacy_consent(user=request.user)
    refused = None
    if request.method == "POST":
        # A submission is checked against the sessions one can pick, without counting their seats or reading what
        # the learner holds: the service counts seats under the lock. Only a refused one redraws the picker below.
        form = RegistrationForm(
            request.POST, sessions=_submittable_sessions(series), ask_consent=ask_consent, drawn=False
        )
        if form.is_valid():
            chosen = form.chosen_sessions()
            try:
                result = services.register(
                    user=request.user,
                    sessions=chosen,
                    consent=form.cleaned_data.get("consent", False),
                    enrollment=enrollment,
                )
            except services.EnrollmentError as error:
                refused = error.message
            else:
                # The summary names what this submission took; the sessions already held come ticked in the picker
                # too, and are named only when nothing new was taken (the picker sent again).
                taken = {registration.session_id for registration in result.registered + result.waitlisted}
                summary = [session for session in chosen if session.pk in taken] or chosen
                # The address itself: `redirect()` would first try it as a URL pattern's name.
                return HttpResponseRedirect(_summary_url(series, summary))

    if request.method == "POST":
        # Refused or invalid: the picker as submitted, with the seats and holdings as they are now.
        sessions = queries.upcoming_sessions_with_seats(series=series)
        held = queries.registrations_in_series(user=request.user, series=series)
        for session in sessions:
            session.held = held.get(session.pk)
        form = RegistrationForm(
            request.POST, sessions=sessions, ask_consent=ask_consent, initial={"sessions": list(held)}
        )
        if refused is not None:
            form.full_clean()  # the picker as submitted, and why the service refused it
            form.add_error(None, refused)
        # Every session left to pick is full: the button says what pressing it does.
        pickable = [session for session in sessions if session.held is None]
        only_waitlists = bool(pickable) and all(session.seats_left == 0 for session in pickable)
        picker_form, has_sessions = form, bool(sessions)
    else:
        # What every learner sees kept, the seats and what this learner holds counted now (enrollment/picker.py).
        choices = visit.choices
        pickable = [choice for choice in choices if choice.held_status is None]
        only_waitlists = bool(pickable) and all(choice.seats_left == 0 for choice in pickable)
        picker_form, has_sessions = picker.form_html(choices, ask_consent=ask_consent), bool(choices)
    context.update({"picker_form": picker_form, "has_sessions": has_sessions, "only_waitlists": only_waitlists})
    return render(request, "enrollment/register.html", context)


@login_required
def registered(request, slug):
    """'You are registered for these sessions': what the submission picked (named in the address by the register
    view), or else all the viewer holds in the series' sessions still to come; only ever the viewer's own."""
    series = _published_series(request, slug)
    picked = _picked_ids(request)
    registrations = queries.with_waitlist_positions(
        Registration.objects.filter(user=request.user, session__series=series)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("session")
        .order_by("session__starts_at")
    )
    if picked:
        registrations = registrations.filter(session_id__in=picked)
    else:
        registrations = registrations.filter(session__ends_at__gt=timezone.now())
    registrations = list(registrations)
    return render(
        request,
        "enrollment/registered.html",
        {
            "series": series,
            "registered": [r for r in registrations if r.status == Registration.Status.REGISTERED],
            "waitlisted": [r for r in registrations if r.status == Registration.Status.WAITLISTED],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel_registration(request, pk):
    registration = get_object_or_404(Registration.objects.select_related("session__series"), pk=pk, user=request.user)
    session = registration.session
    if registration.status == Registration.Status.CANCELLED:
        # A second tab or a second click on "Yes, cancel": what they asked for is done, so say so, not "not found".
        messages.info(request, _("You are no longer registered for “%(title)s”.") % {"title": session.title})
        return redirect("enrollment:my_learning")
    if session.starts_at <= timezone.now():
        messages.error(request, _("This session has already started; it can no longer be cancelled."))
        return redirect("enrollment:my_learning")
    if request.method == "POST":
        try:
            services.cancel_registration(user=request.user, session=session)
        except services.EnrollmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("You are no longer registered for “%(title)s”.") % {"title": session.title})
        return redirect("enrollment:my_learning")
    return render(request, "enrollment/cancel_confirm.html", {"registration": registration, "session": session})


@login_required
@require_http_methods(["GET", "POST"])
def leave_series(request, slug):
    # A draft is nobody's page: not found, like a series that does not exist.
    series = get_object_or_404(Series.objects.exclude(status=Series.Status.DRAFT), slug=slug)
    enrollment = queries.enrollment_for(user=request.user, series=series)
    upcoming = list(
        Registration.objects.filter(user=request.user, session__series=series, session__starts_at__gt=timezone.now())
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("session")
        .order_by("session__starts_at")
    )
    enrolled = enrollment is not None and enrollment.status != Enrollment.Status.WITHDRAWN
    if not enrolled and not upcoming:
        if enrollment is None and not Registration.objects.filter(user=request.user, session__series=series).exists():
            raise Http404("Not enrolled in this series.")
        # Left already (a second tab, a second click): say it is done rather than "not found".
        messages.info(request, _("You have left %(series)s.") % {"series": series.title})
        return redirect("enrollment:my_learning")
    if request.method == "POST":
        try:
            services.leave_series(user=request.user, series=series)
        except services.EnrollmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("You have left %(series)s.") % {"series": series.title})
        return redirect("enrollment:my_learning")
    return render(request, "enrollment/leave_confirm.html", {"series": series, "upcoming": upcoming})


def _card_name(seat: queries.UpcomingSeat) -> str:
    return f"me:upcoming-session:{seat.session_id}"


# Where the learner's own registration goes in a shared upcoming card: its link to cancel names it.
CANCEL_URL_PLACEHOLDER = "\x00cancel-url\x00"
# A registration id no row has, to find where an id goes in the address of the link to cancel.
_ANY_REGISTRATION_ID = 918273645


def cancel_urls(ids: list[int]) -> dict[int, str]:
    """The address of the link to cancel each of these registrations: what `reverse` gives for each, for the price
    of one (My learning lists a dozen on every visit)."""
    if not ids:
        return {}
    before, after = reverse("enrollment:cancel_registration", args=[_ANY_REGISTRATION_ID]).split(
        f"/{_ANY_REGISTRATION_ID}/"
    )
    return {pk: f"{before}/{pk}/{after}" for pk in ids}


def _cancel_link(session: Session) -> str:
    """The link to cancel, under an upcoming card, with the URL left as a placeholder: all else in it (the title
    read out to screen readers) is the session's, so it is kept with the card."""
    if session.is_cancelled:
        return ""
    # The words the template said ("for <title>" read out to screen readers only), so the French stays.
    label = _('Cancel my registration<span class="visually-hidden"> for %(title)s</span>') % {
        "title": conditional_escape(session.title)
    }
    # The title is escaped; the placeholder has nothing to escape.
    return format_html('<p><a href="{}">{}</a></p>', CANCEL_URL_PLACEHOLDER, mark_safe(label))  # noqa: S308


def _upcoming_cards(seats: list[queries.UpcomingSeat]) -> list[str]:
    """My learning's card of each upcoming session: its title, series, time and join link (or that it was
    cancelled) are the same for every registrant, so rendered once per programme version and kept; only the URL
    of the link to cancel, which names the learner's registration, is put in for them."""
    by_name = {_card_name(seat): seat for seat in seats}

    def render_missing(names: list[str]) -> dict[str, str]:
        template = "enrollment/includes/upcoming_session.html"
        sessions = {name: by_name[name].registration().session for name in names}
        return {
            name: format_html(
                '<li class="card">\n  {}{}\n</li>',
                render_to_string(template, {"session": sessions[name]}),
                _cancel_link(sessions[name]),
            )
            for name in names
        }

    shared = programme_fragments(list(by_name), render_missing)
    urls = cancel_urls([seat.pk for seat in seats])
    cards = []
    for seat in seats:
        card = shared[_card_name(seat)]
        if CANCEL_URL_PLACEHOLDER in card:
            # A URL of ours: digits and slashes, nothing to escape.
            card = mark_safe(card.replace(CANCEL_URL_PLACEHOLDER, urls[seat.pk]))  # noqa: S308
        cards.append(card)
    return cards


def _series_cards(enrollments: list[Enrollment]) -> list[tuple[Enrollment, str | None]]:
    """Each enrollment with its "My series" card when the learner is in the series (the same card for every member,
    kept per programme version); None for a place on the waitlist, whose number is the learner's own."""
    enrolled = {
        f"me:series-card:{enrollment.series_id}": enrollment.series
        for enrollment in enrollments
        if enrollment.status == Enrollment.Status.ACTIVE
    }

    def render_missing(names: list[str]) -> dict[str, str]:
        template = "enrollment/includes/series_card.html"
        return {name: render_to_string(template, {"series": enrolled[name]}) for name in names}

    shared = programme_fragments(list(enrolled), render_missing)
    return [(enrollment, shared.get(f"me:series-card:{enrollment.series_id}")) for enrollment in enrollments]


def _lists_to_ask(user) -> dict[str, tuple[str, list]]:
    """Of My learning's lists that most learners have nothing in, those of other apps (documents, requests to join,
    case presentations): whether each has rows is asked in SQL beside the page's one query (queries.my_learning adds
    the series joined), so the empty ones cost no query. Each list's question is written in SQL beside its query
    (tests/enrollment/test_my_learning_sql.py holds each to the query's answer)."""
    return {
        "documents": certificate_queries.documents_sql(user=user),
        "join_requests": join_queue.shown_requests_sql(user=user),
        "cases": case_queries.my_cases_sql(user),
    }


# Where each of the learner's own parts goes in My learning's kept frame: no character that escaping changes.
_OWN_PART_HOLE = re.compile("\x00my-learning:([a-z_]+)\x00")
# The learner's own parts drawn from a template of their own, under the frame's flag that says there is one; those
# that show the request's CSRF token or read the viewer from the request get it.
_DRAWN_PARTS = {
    "waitlist": "waitlisted",
    "join_requests": "join_requests",
    "series": "enrollments",
    "past": "past",
    "cases": "has_cases",
    "credits": "credits",
    "documents": "documents",
}
_PARTS_WITH_REQUEST = {"join_requests", "cases"}
_OWN_PARTS = ("next_card", "later_cards", *_DRAWN_PARTS)


def _my_learning_frame(shape: dict[str, int | bool]) -> str:
    """My learning's page above its closing parts for learners whose lists are empty or not as `shape` says (how
    many seats to come, up to 2, and whether each other list has any): only headings and the words of empty lists,
    the same for all of them, so rendered once per language and kept, with a hole where each of their own parts
    goes."""
    name = "me:frame:" + ",".join(f"{key}={int(value)}" for key, value in shape.items())
    holes = {part: f"\x00my-learning:{part}\x00" for part in _OWN_PARTS}
    return programme_fragment(
        name, lambda: render_to_string("enrollment/my_learning/frame.html", {**shape, "holes": holes})
    )


@login_required
def my_learning(request):
    """The kept frame (`_my_learning_frame`) with the learner's own parts put in: their upcoming cards (kept per
    session, their links to cancel put in) and each list they have anything in, drawn for them."""
    all_past = request.GET.get("past") == "all"
    learning = queries.my_learning(user=request.user, all_past=all_past, asked=_lists_to_ask(request.user))
    has = learning.has_rows
    cards = _upcoming_cards(learning.upcoming)
    documents = list(certificate_queries.documents_of(user=request.user)) if has["documents"] else []
    join_requests = join_queue.requests_of(user=request.user) if has["join_requests"] else []
    shape = {
        "upcoming": min(len(cards), 2),
        "waitlisted": bool(learning.waitlisted),
        "join_requests": bool(join_requests),
        "enrollments": bool(learning.enrollments),
        "past": bool(learning.past),
        "has_cases": has["cases"],
        "credits": bool(learning.credits),
        "documents": bool(documents),
    }
    own = {"next_card": cards[0] if cards else "", "later_cards": "".join(cards[1:])}
    context = {"learning": learning, "user": request.user, "documents": documents, "join_requests": join_requests}
    if learning.enrollments:
        context["series_cards"] = _series_cards(learning.enrollments)
    if learning.credits:
        context["summary"] = summary = credit_summary(learning.credits)
        context["mainpro_year"] = summary.current_mainpro_year(today=timezone.localdate())
    for part, flag in _DRAWN_PARTS.items():
        own[part] = (
            render_to_string(
                f"enrollment/my_learning/{part}.html",
                context,
                request=request if part in _PARTS_WITH_REQUEST else None,
            )
            if shape[flag]
            else ""
        )
    # One pass, so nothing a part holds is taken for a hole; each part is HTML its template rendered and escaped.
    body = _OWN_PART_HOLE.sub(lambda found: own[found[1]], _my_learning_frame(shape))
    return render(request, "enrollment/my_learning.html", {"body": mark_safe(body)})  # noqa: S308


def _mainpro_rows(user):
    summary = credit_summary(learner_series_credits(user=user))
    documents = {document.series_id: document for document in certificate_queries.documents_of(user=user)}
    return summary, [(line, documents.get(line.series.pk)) for line in summary.mainpro_lines()]


@login_required
def mainpro_summary(request):
    """For your Mainpro+ account: each activity with the fields the claim form asks for."""
    summary, rows = _mainpro_rows(request.user)
    context = {"rows": rows, "mainpro_year": summary.current_mainpro_year(today=timezone.localdate())}
    return render(request, "enrollment/mainpro.html", context)


@login_required
def mainpro_csv(request):
    _summary, rows = _mainpro_rows(request.user)
    header = [
        _("Activity title"),
        _("Provider"),
        _("Category"),
        _("Certification type"),
        _("Delivery method"),
        _("Start date"),
        _("End date"),
        _("Credits"),
        _("Credit year"),
        _("Accreditation number"),
        _("Document number"),
    ]
    data = (
        [
            line.series.title,
            line.provider,
            line.accreditation.category,
            line.accreditation.credit_type,
            line.accreditation.get_delivery_display(),
            line.first_session.isoformat(),
            line.last_session.isoformat(),
            f"{line.credits:.2f}",
            f"{line.year_starts.isoformat()} – {line.year_ends.isoformat()}",
            line.accreditation.number,
            document.number if document and document.is_valid else "",
        ]
        for line, document in rows
    )
    return csv_response(filename="mainpro-credits.csv", header=header, rows=data)
