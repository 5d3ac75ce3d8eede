from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from series import hub_queries

from . import queries
from .models import Newsletter, Page, Report


@require_GET
def faq(request):
    """Questions grouped by topic (2 queries)."""
    return render(request, "content/faq.html", {"topics": queries.faq_topics()})


@require_GET
def newsletters(request):
    return render(request, "content/newsletters.html", {"issues": Newsletter.objects.published()})


@require_GET
def newsletter(request, slug):
    issue = get_object_or_404(Newsletter.objects.published(), slug=slug)
    return render(request, "content/newsletter.html", {"issue": issue})


@require_GET
def reports(request):
    return render(request, "content/reports.html", {"reports": Report.objects.published()})


@require_GET
def report(request, slug):
    report = get_object_or_404(Report.objects.published(), slug=slug)
    return render(request, "content/report.html", {"report": report})


@require_GET
def about(request):
    """About Project ECHO as staff wrote it, then the hub partners that run it."""
    return render(
        request,
        "content/about.html",
        {"page": queries.page(Page.Slot.ABOUT), "hubs": hub_queries.hubs_with_spoke_kinds()},
    )
