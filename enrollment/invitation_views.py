"""The link in a series invitation: see what it is, sign in or create an account, then accept or decline.

Every outcome is a page that says what happened and what to do next; nothing enrolls until the person
presses "Accept". The token is the proof: any signed-in account may accept (the page says which account
will join when it is not the invited address), once.
"""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.continuation import continue_after_sign_in
from accounts.invited import signup_url_for_invitee
from series.models import Series

from .models import SeriesInvitation
from .services import invitations as services
from .services.errors import EnrollmentError
from .views import after_enrollment

STATUSES = {"invalid": 404, "used": 410, "declined": 410}


def _page(request, invitation, state: str, **extra):
    context = {"invitation": invitation, "series": invitation.series if invitation else None, "state": state}
    return render(request, "enrollment/series_invitation.html", {**context, **extra}, status=STATUSES.get(state, 200))


def _find(token: str) -> SeriesInvitation | None:
    return (
        SeriesInvitation.objects.select_related("series", "series__hub")
        .filter(token=token, series__status=Series.Status.PUBLISHED)
        .first()
    )


@require_http_methods(["GET", "POST"])
def series_invitation(request, token):
    invitation = _find(token)
    if invitation is None:
        return _page(request, None, "invalid")
    user = request.user if request.user.is_authenticated else None
    if request.method == "GET":
        services.mark_opened(invitation=invitation)
    answer = request.POST.get("answer") if request.method == "POST" else None
    try:
        if answer == "decline":
            services.decline(invitation=invitation, user=user)
            return _page(request, invitation, "declined_now")
        if user is None:
            # Creating an account and confirming the address may take a while: come back here afterwards.
            continue_after_sign_in(request, request.path)
            if invitation.joined_at is None and invitation.declined_at is None:
                signup_url = signup_url_for_invitee(request, email=invitation.email, come_back_to=request.path)
            else:
                signup_url = f"{reverse('account_signup')}?next={request.path}"
            return _page(
                request,
                invitation,
                "anonymous",
                signup_url=signup_url,
                login_url=f"{reverse('account_login')}?next={request.path}",
            )
        if answer == "accept":
            return after_enrollment(request, services.accept(invitation=invitation, user=user))
        services.ensure_answerable(invitation, user)
    except services.InvitationError as error:
        return _page(request, invitation, error.code)
    except EnrollmentError as error:
        return _page(request, invitation, "refused", refusal=error.message)
    other_address = (user.email or "").lower() != invitation.email
    return _page(request, invitation, "valid", other_address=other_address)
