"""Two tools of the series admin that save staff hours: a cohort copied from last year's, and a schedule of sessions.

`SeriesAdmin` lists `ProgrammingToolsMixin` among its bases: the "Duplicate as a new cohort…"
action (enrollment.services.cohorts does the copy) and the schedule page at
`<series>/schedule/` (sessions.schedule plans and creates the sessions).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_actions import action_form_response
from enrollment import services as enrollment_services
from enrollment.services.cohorts import duplicate_as_cohort
from sessions import schedule

from .admin_forms import DuplicateCohortForm, ScheduleForm


class ProgrammingToolsMixin:
    @admin.action(description=_("Duplicate as a new cohort…"), permissions=["add"])
    def duplicate_as_cohort(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one series to duplicate."), messages.ERROR)
            return None
        source = queryset.get()
        if "apply" in request.POST:
            form = DuplicateCohortForm(request.POST, source=source, user=request.user)
            if form.is_valid():
                try:
                    copy = duplicate_as_cohort(
                        series=source,
                        title=form.cleaned_data["title"],
                        slug=form.cleaned_data["slug"],
                        weeks=form.cleaned_data["weeks"],
                        key_code=form.cleaned_data["key_code"],
                        key_label=form.cleaned_data["key_label"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("“%(title)s” was created as a draft with %(count)d sessions. Check it, then publish it.")
                        % {"title": copy.title, "count": copy.sessions.count()},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:series_series_change", args=[copy.pk]))
        else:
            form = DuplicateCohortForm(
                source=source,
                initial={
                    "title": _("%(title)s (new cohort)") % {"title": source.title},
                    "slug": slugify(f"{source.slug[:100]}-new-cohort"),
                    "key_code": enrollment_services.generate_key(),
                    "key_label": _("New cohort"),
                },
            )
        return self.action_form_response(
            request,
            queryset,
            form=form,
            action="duplicate_as_cohort",
            title=_("Duplicate “%(title)s” as a new cohort") % {"title": source.title},
            intro=_(
                "The copy is a draft with the same settings and every session moved by the number of weeks you "
                "choose. Registrations and members are not copied."
            ),
            submit=_("Create the new cohort"),
        )

    def action_form_response(self, request, queryset, **kwargs):
        return action_form_response(self, request, queryset, **kwargs)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/schedule/",
                self.admin_site.admin_view(self.schedule_view),
                name="series_series_schedule",
            ),
            *super().get_urls(),
        ]

    def schedule_view(self, request, object_id):
        series = self.get_object(request, object_id)
        if series is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_change_permission(request, series):
            raise PermissionDenied
        form = ScheduleForm(request.POST or None)
        occurrences = []
        if request.method == "POST" and form.is_valid():
            try:
                occurrences = schedule.plan_schedule(
                    first_date=form.cleaned_data["first_date"],
                    start_time=form.cleaned_data["start_time"],
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    rule=form.cleaned_data["rule"],
                    count=form.cleaned_data["count"],
                    until=form.cleaned_data["until"],
                )
                if not occurrences:
                    raise ValidationError(_("These settings give no session: check the dates."))
                if "create" in request.POST:
                    created = schedule.create_scheduled_sessions(
                        series=series,
                        occurrences=occurrences,
                        title=form.cleaned_data["title"],
                        join_url=form.cleaned_data["join_url"],
                    )
                    self.message_user(
                        request,
                        ngettext("%(count)d session was created.", "%(count)d sessions were created.", len(created))
                        % {"count": len(created)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:series_series_change", args=[series.pk]))
            except ValidationError as error:
                form.add_error(None, error)
                occurrences = []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": series,
            "title": _("Schedule sessions for “%(title)s”") % {"title": series.title},
            "form": form,
            "occurrences": occurrences,
        }
        return TemplateResponse(request, "admin/series/series/schedule.html", context)
