from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core import ratelimit

from . import services, subscriptions
from .consent import CONSENT_VERSION
from .forms import PartnerInquiryForm, ProfileJoinForm, StayConnectedForm
from .models import Subscriber


def client_address(request) -> str:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return ""


def current_language() -> str:
    return (translation.get_language() or "en")[:2]


def _submission_counters(request, form_name: str) -> list[ratelimit.Counter]:
    """Public forms count every submission per client address, accepted or not (no CAPTCHA: it shuts out screen
    readers)."""
    address = client_address(request)
    if not address:
        return []
    limit = ratelimit.Limit(
        f"public-form:{form_name}",
        attempts=settings.OUTREACH_SUBMISSIONS_PER_ADDRESS,
        window_seconds=settings.OUTREACH_ADDRESS_WINDOW_SECONDS,
    )
    return [ratelimit.counter(limit, address)]


def _too_many(request, lockout: ratelimit.Lockout):
    response = render(request, "outreach/too_many.html", status=429)
    response["Retry-After"] = str(lockout.seconds_left)
    return response


def _consent(form, request) -> subscriptions.Consent:
    return subscriptions.Consent(
        text=form.consent_text, version=CONSENT_VERSION, language=current_language(), source=request.path
    )


@require_http_methods(["GET", "POST"])
def partner_interest(request):
    if request.method == "POST":
        attempt = ratelimit.consume(_submission_counters(request, "partner"))
        if not attempt.allowed:
            return _too_many(request, attempt.lockout)
        form = PartnerInquiryForm(request.POST)
        if form.is_valid():
            # A bot that filled the hidden field is thanked like everyone else; nothing is recorded.
            if not form.is_bot():
                services.submit_inquiry(data=form.inquiry_data(), language=current_language())
            return redirect("outreach:partner_interest_thanks")
    else:
        form = PartnerInquiryForm()
    return render(request, "outreach/partner_interest.html", {"form": form})


def partner_interest_thanks(request):
    return render(request, "outreach/partner_interest_thanks.html")


@require_http_methods(["GET", "POST"])
def stay_connected(request):
    if request.method == "POST":
        attempt = ratelimit.consume(_submission_counters(request, "stay-connected"))
        if not attempt.allowed:
            return _too_many(request, attempt.lockout)
        form = StayConnectedForm(request.POST)
        if form.is_valid():
            if not form.is_bot():
                data = form.cleaned_data
                subscriptions.request_subscription(
                    details=subscriptions.Details(
                        email=data["email"],
                        name=data["name"],
                        profession=data["profession"],
                        province=data["province"],
                        language=data["language"],
                    ),
                    consent=_consent(form, request),
                    user=request.user if request.user.is_authenticated else None,
                )
            return redirect("outreach:stay_connected_check_email")
    else:
        initial = {"language": current_language()}
        user = request.user
        if user.is_authenticated:
            initial.update(
                email=user.email,
                name=user.get_full_name(),
                profession=user.profession,
                province=user.province,
                language=user.preferred_language,
            )
        form = StayConnectedForm(initial=initial)
    subscriber = subscriptions.subscription_of(request.user) if request.user.is_authenticated else None
    on_the_list = subscriber is not None and subscriber.status == Subscriber.Status.SUBSCRIBED
    return render(request, "outreach/stay_connected.html", {"form": form, "on_the_list": on_the_list})


def stay_connected_check_email(request):
    return render(request, "outreach/stay_connected_check_email.html", {"days": settings.OUTREACH_UNCONFIRMED_DAYS})


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET asks (link scanners and previews open links: only a person pressing the button joins); POST confirms."""
    if request.method == "GET":
        return render(request, "outreach/confirm.html", {"state": "ask"})
    result = subscriptions.confirm(token=token)
    status = 400 if result.outcome is subscriptions.Confirmation.INVALID else 200
    return render(
        request,
        "outreach/confirm.html",
        {"state": result.outcome.value, "subscriber": result.subscriber, "days": settings.OUTREACH_UNCONFIRMED_DAYS},
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Leave the list from the link in any mailing, without signing in.

    Mail clients' own unsubscribe button POSTs `List-Unsubscribe=One-Click` (RFC 8058) with no session and no CSRF
    token: the signature is the proof, so the view is exempt from CSRF. A GET only asks, since link scanners open
    every link in an email.
    """
    try:
        subscriber = subscriptions.subscriber_for_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "outreach/unsubscribe.html", {"state": "invalid"}, status=400)
    if subscriber is None:
        # The request was never confirmed and has been purged: there is nothing to leave.
        return render(request, "outreach/unsubscribe.html", {"state": "gone"})
    if request.method == "POST":
        how = "one-click" if request.POST.get("List-Unsubscribe") == "One-Click" else "email link"
        subscriptions.withdraw(subscriber=subscriber, how=how)
        return render(request, "outreach/unsubscribe.html", {"state": "done"})
    state = "already" if subscriber.status == Subscriber.Status.WITHDRAWN else "ask"
    return render(request, "outreach/unsubscribe.html", {"state": state})


@login_required
@require_POST
def profile_join(request):
    form = ProfileJoinForm(request.POST)
    if form.is_valid():
        subscriptions.join_from_profile(user=request.user, consent=_consent(form, request))
        messages.success(request, _("You are on the mailing list. Every email has a link to leave it."))
    else:
        messages.error(request, _("Check the consent box to join the mailing list: nothing was changed."))
    return redirect("accounts:profile")


@login_required
@require_POST
def profile_leave(request):
    subscriber = subscriptions.subscription_of(request.user)
    if subscriber is not None:
        subscriptions.withdraw(subscriber=subscriber, how="profile")
    messages.success(request, _("You have left the mailing list. We will send you no more mailings."))
    return redirect("accounts:profile")
