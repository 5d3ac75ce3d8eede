"""Asking to join a series that registers by approval, and taking the request back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from series.models import Series

from . import join_queue, queries, services
from .forms import JoinRequestForm
from .models import Enrollment, JoinRequest
from .registration import registration_state
from .views import STATE_REFUSED_STATUS, _published_series


@login_required
@require_http_methods(["GET", "POST"])
def ask_to_join(request, slug):
    """The request form of a series by approval, or where the viewer's request stands."""
    series = _published_series(request, slug)
    if series.registration_mode != Series.RegistrationMode.APPROVAL:
        return redirect("series:detail", slug=series.slug)
    enrollment = queries.enrollment_for(user=request.user, series=series)
    if enrollment is not None and enrollment.status != Enrollment.Status.WITHDRAWN:
        return redirect("enrollment:register", slug=series.slug)
    join_request = join_queue.request_for(user=request.user, series=series)
    pending = join_request is not None and join_request.state == JoinRequest.State.PENDING
    availability = registration_state(series)
    ask_consent = services.needs_privacy_consent(user=request.user)
    form = JoinRequestForm(request.POST if request.method == "POST" and not pending else None, ask_consent=ask_consent)
    status = 200
    if request.method == "POST":
        if pending:
            # A second tab or a double click: the request already waits, nothing more to do.
            messages.info(request, _("You already asked to join this series. Your request is waiting for approval."))
            return redirect("enrollment:ask_to_join", slug=series.slug)
        if not availability.takes_registrations:
            status = STATE_REFUSED_STATUS
        elif form.is_valid():
            try:
                services.ask_to_join(
                    user=request.user,
                    series=series,
                    note=form.cleaned_data["note"],
                    consent=form.cleaned_data.get("consent", False),
                )
            except services.EnrollmentError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Your request to join %(series)s was sent. You will be told by email when it is answered.")
                    % {"series": series.title},
                )
                return redirect("enrollment:ask_to_join", slug=series.slug)
    context = {
        "series": series,
        "join_request": join_request,
        "pending": pending,
        "form": form,
        "facts": join_queue.profile_facts(request.user),
        "is_full": availability.is_full,
        "closed_message": "" if availability.takes_registrations else availability.message,
    }
    return render(request, "enrollment/ask_to_join.html", context, status=status)


@login_required
@require_POST
def withdraw_join_request(request, slug):
    series = _published_series(request, slug)
    if services.withdraw_join_request(user=request.user, series=series):
        messages.success(request, _("Your request to join %(series)s was withdrawn.") % {"series": series.title})
    else:
        messages.info(
            request, _("Your request to join %(series)s was not waiting any more.") % {"series": series.title}
        )
    return redirect("enrollment:my_learning")
