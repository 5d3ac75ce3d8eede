"""The portal's front page: the period's participation, the spokes and the hub's upcoming sessions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from certificates import queries as certificate_queries
from enrollment import join_queue, participation
from hubs import queries, scoping
from hubs.forms import PeriodForm
from reports.periods import recent_presets
from sessions import queries as session_queries

from .common import portal_context


@login_required
def dashboard(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW)
    period_form = PeriodForm(request.GET or None)
    period = period_form.period()
    spokes = list(queries.with_member_counts(scoping.spokes(request.user, hub)))
    return render(
        request,
        "hubs/manage/dashboard.html",
        portal_context(
            request,
            hub,
            period_form=period_form,
            period=period,
            spokes=spokes,
            active_spokes=[spoke for spoke in spokes if spoke.archived_at is None],
            pending_request_count=sum(spoke.request_count for spoke in spokes),
            series_request_count=join_queue.pending_count_for_hub(hub=hub),
            summary=participation.participation_summary(hub=hub, period=period),
            credits=certificate_queries.credits_earned_by_members(hub=hub, period=period),
            upcoming=session_queries.upcoming_for_hub(hub=hub),
            presets=recent_presets(years=2),
        ),
    )
