from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from . import services
from .forms import PartnerInquiryForm
from .ratelimit import allow_submission


def client_address(request) -> str:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return ""


def current_language() -> str:
    return (translation.get_language() or "en")[:2]


def too_many(request):
    response = render(request, "outreach/too_many.html", status=429)
    response["Retry-After"] = str(settings.OUTREACH_ADDRESS_WINDOW_SECONDS)
    return response


@require_http_methods(["GET", "POST"])
def partner_interest(request):
    if request.method == "POST":
        if not allow_submission(form="partner", client_address=client_address(request)):
            return too_many(request)
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
