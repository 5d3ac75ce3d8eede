"""Public verification of a document by its number, the lookup form, and the PDF download."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from core import ratelimit
from enrollment.emails import language_of

from . import services
from .models import Certificate, normalize_number
from .pdf import render_pdf, term

# Only unknown numbers count: someone checking a real document is never held back.
UNKNOWN_NUMBERS_PER_ADDRESS = ratelimit.Limit("certificate-lookup:address", attempts=20, window_seconds=60 * 60)


def _too_many(request, lockout: ratelimit.Lockout) -> HttpResponse:
    minutes = max(1, (lockout.seconds_left + 59) // 60)
    response = render(request, "certificates/too_many.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(lockout.seconds_left)
    return response


@require_GET
def lookup(request):
    """/certificates/?number=…: the form on the verification page, for a number typed from paper."""
    raw = request.GET.get("number", "")
    number = normalize_number(raw)
    if number:
        return redirect("certificates:verify", number=number)
    return render(request, "certificates/verify.html", {"state": "form", "typed": raw.strip()}, status=200)


@require_GET
def verify(request, number: str):
    attempt = ratelimit.consume([ratelimit.counter(UNKNOWN_NUMBERS_PER_ADDRESS, ratelimit.client_address(request))])
    if not attempt.allowed:
        return _too_many(request, attempt.lockout)
    normalized = normalize_number(number)
    certificate = Certificate.objects.select_related("series").filter(number=normalized).first() if normalized else None
    if certificate is None:
        return render(request, "certificates/verify.html", {"state": "unknown", "typed": number}, status=404)
    attempt.succeeded()  # a real number: checking it never counts against anyone
    if normalized != number:
        return redirect("certificates:verify", number=normalized)
    content = certificate.content
    # The bodies' terms in the reader's language, as the PDF prints them ("Certifié" in French).
    language = translation.get_language()
    accreditations = [
        {**item, "credit_type": term(item, "credit_type", language), "category": term(item, "category", language)}
        for item in content["accreditations"]
    ]
    context = {
        "state": certificate.state,
        "certificate": certificate,
        "content": content,
        "accreditations": accreditations,
    }
    response = render(request, "certificates/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def download(request, number: str):
    """The PDF, for its learner, national staff and the series' hub managers; 404 for anyone else."""
    certificate = (
        Certificate.objects.select_related("user", "series__hub").filter(number=normalize_number(number)).first()
    )
    if certificate is None or not services.download_allowed(certificate=certificate, user=request.user):
        raise Http404("No such document among yours.")
    language = request.GET.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = language_of(certificate.user)
    with timezone.override(certificate.user.effective_time_zone):
        pdf = render_pdf(certificate, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.kind}-{certificate.number}-{language}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
