"""Invitations in Django admin: the same list, check and send as the hub portal, for programme staff (any hub)
and hub managers with admin access (their hubs' series only), plus the list of invitations with their states.

Rows are never edited by hand: an invitation changes only when its person answers, its address is refused,
or staff send it again (the action below), all through `enrollment.services.invitations`.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hubs.admin_scoping import HubScopedAdminMixin
from hubs.scoping import MANAGE, is_national_staff, managed_hubs
from series.models import Series

from .invitation_forms import ConfirmInvitationsForm, InvitationListForm
from .invitation_lists import ListError, preview
from .invitation_queries import shown_state
from .models import SeriesInvitation
from .services import invitations as services
from .services.errors import EnrollmentError

STATE_LABELS = dict(SeriesInvitation.State.choices)


def invitable_series(user):
    """The series by invitation only `user` may invite people to from admin."""
    series = Series.objects.filter(registration_mode=Series.RegistrationMode.INVITATION).select_related("hub")
    if is_national_staff(user):
        return series
    return series.filter(hub__in=managed_hubs(user, roles=MANAGE))


@admin.register(SeriesInvitation)
class SeriesInvitationAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_manager_actions = ("view",)
    hub_lookup = "series__hub"
    list_display = ("email", "name", "series", "state_shown", "times_sent", "sent_at", "account")
    list_filter = (("series", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("series", "user")
    search_fields = ("email", "name")
    actions = ["send_again"]
    change_list_template = "admin/enrollment/seriesinvitation/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("state"))
    def state_shown(self, obj):
        return STATE_LABELS[shown_state(obj)]

    @admin.display(description=gettext_lazy("account that answered"))
    def account(self, obj):
        return obj.user.email if obj.user_id else ""

    @admin.action(description=gettext_lazy("Send the invitation again to those selected who have not answered"))
    def send_again(self, request, queryset):
        sent = 0
        for series in Series.objects.filter(pk__in=queryset.values("series_id")):
            if not invitable_series(request.user).filter(pk=series.pk).exists():
                raise PermissionDenied
            try:
                sent += services.send_again(
                    series=series, sent_by=request.user, only=queryset.filter(series=series).values("pk")
                )
            except EnrollmentError as error:
                self.message_user(request, f"{series.title}: {error.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext(
                "The invitation was sent again to %(count)d person.",
                "The invitation was sent again to %(count)d people.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path("invite/", self.admin_site.admin_view(self.invite_view), name="enrollment_seriesinvitation_invite"),
            *super().get_urls(),
        ]

    def invite_view(self, request):
        """Pick a series, paste or upload the list, check it, send: as in the hub portal."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        choices = invitable_series(request.user).order_by("title")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "series_choices": choices}
        chosen = None
        raw = request.POST.get("series") or request.GET.get("series") or ""
        if raw:
            chosen = choices.filter(pk=raw).first() if raw.isdigit() else None
            if chosen is None:
                raise Http404("No such series by invitation only among yours.")
        form = InvitationListForm()
        if request.method == "POST" and chosen is not None:
            if "entries" in request.POST:
                confirm = ConfirmInvitationsForm(request.POST)
                try:
                    if not confirm.is_valid():
                        raise ListError(_("The list to send was lost on the way. Check it again, then send."))
                    checked = preview(series=chosen, text=confirm.cleaned_data["entries"])
                    created = services.invite(series=chosen, people=checked.to_invite, invited_by=request.user)
                except (ListError, EnrollmentError) as error:
                    self.message_user(request, error.message, messages.ERROR)
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d invitation is on its way.",
                            "%(count)d invitations are on their way.",
                            len(created),
                        )
                        % {"count": len(created)},
                        messages.SUCCESS,
                    )
                changelist = reverse("admin:enrollment_seriesinvitation_changelist")
                return redirect(f"{changelist}?series__id__exact={chosen.pk}")
            form = InvitationListForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    checked = preview(series=chosen, text=form.cleaned_data["text"])
                except ListError as error:
                    form.add_error(None, error.message)
                else:
                    context["preview"] = checked
                    context["confirm_form"] = ConfirmInvitationsForm(initial={"entries": checked.as_text()})
        context.update({"form": form, "chosen": chosen, "title": _("Invite people to a series by invitation only")})
        return TemplateResponse(request, "admin/enrollment/seriesinvitation/invite.html", context)
