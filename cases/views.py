"""Case pages. Every case is looked up through `queries`/`access` with the viewer, so a case someone may not see
is a 404 exactly like one that does not exist; every reading of a case or attachment is logged."""

from __future__ import annotations

import posixpath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.uploads import ACCEPTED
from sessions.queries import session_for_page

from . import access, queries, screening, services
from .forms import CaseForm, DeclineForm, FeedbackForm, InviteForm, RecommendationForm, ReturnForm, SubmitForm
from .models import CasePresentation, display_name

State = CasePresentation.State


def _or_404(value):
    if value is None:
        raise Http404
    return value


def _refused(request, error: services.CaseError, target: str):
    messages.error(request, error.message)
    return redirect(target)


@login_required
@require_GET
def session_cases(request, session_id):
    """The panel's list of a session's cases; facilitators also invite presenters and answer offers here."""
    session = _or_404(queries.panel_session(request.user, session_id))
    is_facilitator = access.is_on_panel(request.user, session, roles=access.FACILITATOR_ROLES)
    context = {
        "session": session,
        "cases": queries.session_cases_for(request.user, session),
        "is_facilitator": is_facilitator,
        "panel_open": queries.panel_is_open(session),
        "panel_opens_at": access.panel_opens_at(session),
        "decline_form": DeclineForm(),
    }
    if is_facilitator:
        registrants = queries.invitable_registrants(session)
        context["invite_form"] = InviteForm(registrants=registrants) if registrants.exists() else None
    return render(request, "cases/session_cases.html", context)


@login_required
@require_POST
def invite(request, session_id):
    session = _or_404(queries.panel_session(request.user, session_id))
    target = reverse("cases:session_cases", args=[session.pk])
    if not access.is_on_panel(request.user, session, roles=access.FACILITATOR_ROLES):
        raise Http404
    form = InviteForm(request.POST, registrants=queries.invitable_registrants(session))
    if not form.is_valid():
        messages.error(request, _("Pick a registrant of this session who does not present yet."))
        return redirect(target)
    presenter = form.cleaned_data["presenter"]
    try:
        services.invite(session=session, presenter=presenter, by=request.user)
    except services.CaseError as error:
        return _refused(request, error, target)
    messages.success(
        request,
        _("%(name)s is invited to present; they were emailed the deadline.") % {"name": display_name(presenter)},
    )
    return redirect(target)


@login_required
@require_POST
def offer(request, session_id):
    """A registrant offers a case from the session page."""
    session = _or_404(session_for_page(pk=session_id))
    try:
        case = services.offer(session=session, presenter=request.user)
    except services.CaseError as error:
        return _refused(request, error, session.get_absolute_url())
    if case.state == State.OFFERED:
        messages.success(request, _("Thank you: the facilitator was told of your offer and will answer by email."))
    return redirect(session.get_absolute_url())


@login_required
@require_POST
def answer_offer(request, pk):
    case = _or_404(queries.facilitated_case(request.user, pk))
    target = reverse("cases:session_cases", args=[case.session_id])
    try:
        if request.POST.get("action") == "accept":
            services.accept_offer(case=case, by=request.user)
            messages.success(request, _("Offer accepted: the presenter was emailed the deadline."))
        else:
            form = DeclineForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.decline_offer(case=case, by=request.user, reason=reason)
            messages.success(request, _("Offer declined: the registrant was told."))
    except services.CaseError as error:
        return _refused(request, error, target)
    return redirect(target)


@login_required
@require_GET
def detail(request, pk):
    case = _or_404(queries.readable_case(request.user, pk))
    services.log_view(case=case, viewer=request.user)
    is_presenter = case.presenter_id == request.user.pk
    is_facilitator = access.is_on_panel(request.user, case.session, roles=access.FACILITATOR_ROLES)
    recommendation = getattr(case, "recommendation", None)
    session_held = case.session.starts_at <= timezone.now()
    context = {
        "case": case,
        "session": case.session,
        "is_presenter": is_presenter,
        "is_facilitator": is_facilitator,
        "events": list(case.events.all()) if (is_presenter or is_facilitator) else [],
        "recommendation": recommendation,
        "return_form": ReturnForm() if is_facilitator and case.state in (State.SUBMITTED, State.APPROVED) else None,
        "can_approve": is_facilitator and case.state == State.SUBMITTED,
        "can_recommend": is_facilitator and case.state == State.APPROVED and session_held and recommendation is None,
        "feedback_form": FeedbackForm()
        if is_presenter and recommendation and recommendation.feedback_at is None
        else None,
    }
    return render(request, "cases/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    case = _or_404(queries.own_case(request.user, pk))
    if not case.is_editable:
        messages.info(request, _("This case is no longer a draft."))
        return redirect(case.get_absolute_url())
    form = CaseForm(request.POST or None, request.FILES or None, instance=case)
    if request.method == "POST":
        if request.POST.get("remove"):
            attachment = case.attachments.filter(pk=request.POST["remove"]).first()
            if attachment is not None:
                services.remove_attachment(attachment=attachment, by=request.user)
                messages.success(request, _("Attachment removed."))
            return redirect("cases:edit", pk=case.pk)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in CaseForm.Meta.fields}
            try:
                services.save_draft(case=case, by=request.user, fields=fields)
                if form.cleaned_data.get("attachment"):
                    services.add_attachment(case=case, by=request.user, file=form.cleaned_data["attachment"])
            except services.CaseError as error:
                return _refused(request, error, case.get_absolute_url())
            if request.POST.get("action") == "submit":
                return redirect("cases:submit", pk=case.pk)
            messages.success(request, _("Draft saved."))
            return redirect("cases:edit", pk=case.pk)
    returned = case.events.filter(to_state=State.RETURNED).last() if case.state == State.RETURNED else None
    return render(
        request,
        "cases/edit.html",
        {
            "case": case,
            "session": case.session,
            "form": form,
            "attachments": list(case.attachments.all()),
            "return_reason": returned.reason if returned else "",
        },
    )


def _numbered(findings):
    """Findings numbered in reading order, grouped by where they were found (answers first, then attachments)."""
    numbered = list(enumerate(findings, start=1))
    groups: dict[str, dict] = {}
    for number, item in numbered:
        group = groups.setdefault(item.source, {"label": item.source_label, "source": item.source, "items": []})
        group["items"].append((number, item))
    return numbered, list(groups.values())


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, pk):
    """Screening before review: each finding highlighted with why; the presenter edits or explains, then confirms."""
    case = _or_404(queries.own_case(request.user, pk))
    if not case.is_editable:
        messages.info(request, _("This case was already submitted."))
        return redirect(case.get_absolute_url())
    form = SubmitForm(request.POST or None)
    explanations = {
        key.removeprefix("explain-"): value for key, value in request.POST.items() if key.startswith("explain-")
    }
    unexplained: set[str] = set()
    missing: list[str] = []
    if request.method == "POST":
        confirmed = form.is_valid()
        try:
            outcome = services.submit(case=case, by=request.user, confirmed=confirmed, explanations=explanations)
        except services.CaseError as error:
            return _refused(request, error, case.get_absolute_url())
        if outcome.submitted:
            messages.success(request, _("Your case was submitted. The facilitator reviews it and you are emailed."))
            return redirect(case.get_absolute_url())
        findings, unexplained, missing = outcome.findings, outcome.unexplained, outcome.missing
    else:
        findings = screening.screen_case(case)
    numbered, groups = _numbered(findings)
    answers = []
    for name, text in case.text_fields().items():
        mine = [(number, item) for number, item in numbered if item.source == name]
        if text:
            answers.append({"label": screening._field_label(name), "html": screening.highlight(text, mine)})
    return render(
        request,
        "cases/submit.html",
        {
            "case": case,
            "session": case.session,
            "form": form,
            "answers": answers,
            "groups": groups,
            "findings_count": len(findings),
            "explanations": explanations,
            "unexplained": unexplained,
            "missing": [screening._field_label(name) for name in missing],
        },
    )


@login_required
@require_POST
def review(request, pk):
    case = _or_404(queries.facilitated_case(request.user, pk))
    try:
        if request.POST.get("action") == "approve":
            services.approve(case=case, by=request.user)
            messages.success(request, _("Case approved: the panel can read it and the presenter was emailed."))
        else:
            form = ReturnForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.return_for_changes(case=case, by=request.user, reason=reason)
            messages.success(request, _("Case returned: the presenter was emailed your reason."))
    except services.CaseError as error:
        return _refused(request, error, case.get_absolute_url())
    return redirect(case.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def recommendations(request, pk):
    case = _or_404(queries.facilitated_case(request.user, pk))
    if case.state != State.APPROVED:
        raise Http404
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_recommendations(case=case, by=request.user, **form.cleaned_data)
        except services.CaseError as error:
            return _refused(request, error, case.get_absolute_url())
        messages.success(request, _("Recommendations sent to the presenter."))
        return redirect(case.get_absolute_url())
    return render(request, "cases/recommendations.html", {"case": case, "session": case.session, "form": form})


@login_required
@require_POST
def feedback(request, pk):
    case = _or_404(queries.own_case(request.user, pk))
    recommendation = getattr(case, "recommendation", None)
    if recommendation is None:
        raise Http404
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the recommendations helped (yes or no)."))
        return redirect(case.get_absolute_url())
    services.give_feedback(
        recommendation=recommendation,
        by=request.user,
        helpful=form.cleaned_data["helpful"],
        comment=form.cleaned_data["comment"],
    )
    messages.success(request, _("Thank you for telling the panel."))
    return redirect(case.get_absolute_url())


@login_required
@require_GET
def attachment(request, pk, attachment_id):
    """The one door to case attachments: readable case, logged, always a download that cannot run."""
    case = _or_404(queries.readable_case(request.user, pk))
    item = _or_404(case.attachments.filter(pk=attachment_id).first())
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    services.log_view(case=case, viewer=request.user, attachment_name=item.file_name)
    kind = ACCEPTED.get(item.content_type)
    stem = posixpath.splitext(item.file_name)[0] or "attachment"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{stem}.{kind.extension}" if kind else item.file_name,
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def panel_home(request):
    """The upcoming sessions whose panel the viewer sits on, with their cases at each stage (404 for others)."""
    sessions = queries.panel_upcoming_sessions(request.user)
    if not sessions and not access.panel_sessions(request.user).exists():
        raise Http404
    return render(request, "cases/panel_home.html", {"sessions": sessions})
