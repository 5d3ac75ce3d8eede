from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from core.admin_i18n import BilingualAdmin

from . import roles, services
from .admin_scoping import HubScopedAdminMixin, HubScopedInlineMixin
from .models import Hub, HubMembership, Spoke, SpokeInvitation, SpokeMembership


def _sync_admin_access(modeladmin, request, user_ids) -> None:
    """After hub roles changed in admin: the people concerned get, or lose, the hub's scoped admin; staff are told."""
    for user in User.objects.filter(pk__in={pk for pk in user_ids if pk}).order_by("email"):
        had_access = user.is_staff and user.groups.filter(name=roles.HUB_MANAGERS_GROUP).exists()
        has_access = roles.sync_hub_admin_access(user=user)
        if has_access and not had_access:
            modeladmin.message_user(
                request,
                _("%(person)s can now edit their hub’s programming in admin.") % {"person": user.email},
                messages.SUCCESS,
            )
        elif had_access and not has_access:
            modeladmin.message_user(
                request,
                _("%(person)s no longer has the hub managers’ admin access.") % {"person": user.email},
                messages.WARNING,
            )


class HubMembershipInline(HubScopedInlineMixin, admin.TabularInline):
    model = HubMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Hub)
class HubAdmin(HubScopedAdminMixin, BilingualAdmin):
    hub_lookup = "pk"
    list_display = ["name", "kind", "province", "spoke_count", "is_active"]
    list_filter = ["kind", "province", "is_active"]
    search_fields = ["name_en", "name_fr", "region_en", "region_fr", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [HubMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(spoke_total=Count("spokes", distinct=True))

    def save_formset(self, request, form, formset, change):
        if formset.model is not HubMembership:
            return super().save_formset(request, form, formset, change)
        # Everyone the inline names before or after the save: added, changed, reassigned or deleted rows.
        user_ids = {row.initial.get("user") for row in formset.initial_forms}
        user_ids |= {row.cleaned_data["user"].pk for row in formset.forms if row.cleaned_data.get("user")}
        super().save_formset(request, form, formset, change)
        _sync_admin_access(self, request, user_ids)

    def delete_model(self, request, obj):
        # Its memberships go with the hub (a hub with spokes cannot be deleted): so does the access they gave.
        user_ids = set(obj.memberships.values_list("user_id", flat=True))
        super().delete_model(request, obj)
        _sync_admin_access(self, request, user_ids)

    def delete_queryset(self, request, queryset):
        user_ids = set(HubMembership.objects.filter(hub__in=queryset).values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        _sync_admin_access(self, request, user_ids)

    @admin.display(description=_("spokes"), ordering="spoke_total")
    def spoke_count(self, obj):
        return obj.spoke_total


@admin.register(HubMembership)
class HubMembershipAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_lookup = "hub"
    list_display = ["user", "hub", "role", "created_at"]
    list_filter = ["role", ("hub", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "hub__name_en", "hub__name_fr"]
    autocomplete_fields = ["user", "hub"]
    list_select_related = ["user", "hub"]
    actions = ["grant_admin_access"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _sync_admin_access(self, request, {obj.user_id, form.initial.get("user")})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _sync_admin_access(self, request, {obj.user_id})

    def delete_queryset(self, request, queryset):
        user_ids = set(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        _sync_admin_access(self, request, user_ids)

    @admin.action(description=_("Let the selected managers into admin (restricted to their hubs)"))
    def grant_admin_access(self, request, queryset):
        granted = 0
        for membership in queryset.filter(role=HubMembership.Role.MANAGER).select_related("user"):
            try:
                services.grant_hub_manager_admin(user=membership.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                granted += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d manager can now use admin for their hub.",
                "%(count)d managers can now use admin for their hubs.",
                granted,
            )
            % {"count": granted},
            messages.SUCCESS,
        )


class SpokeMembershipInline(HubScopedInlineMixin, admin.TabularInline):
    model = SpokeMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "status", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Spoke)
class SpokeAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_lookup = "hub"
    list_display = ["name", "hub", "kind", "province", "rural_remote", "member_count", "archived_at"]
    list_filter = [
        ("hub", admin.RelatedOnlyFieldListFilter),
        "kind",
        "province",
        "rural_remote",
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "contact_name", "contact_email", "hub__name_en", "hub__name_fr"]
    list_select_related = ["hub"]
    inlines = [SpokeMembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(members=Count("memberships", filter=Q(memberships__status=SpokeMembership.Status.ACTIVE)))
        )

    @admin.display(description=_("members"), ordering="members")
    def member_count(self, obj):
        return obj.members


@admin.register(SpokeMembership)
class SpokeMembershipAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_lookup = "spoke__hub"
    list_display = ["user", "spoke", "hub_name", "status", "created_at"]
    list_filter = ["status", ("spoke__hub", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "spoke__name"]
    autocomplete_fields = ["user", "spoke"]
    list_select_related = ["user", "spoke__hub"]

    @admin.display(description=_("hub"), ordering="spoke__hub__name")
    def hub_name(self, obj):
        return obj.spoke.hub.name


@admin.register(SpokeInvitation)
class SpokeInvitationAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_lookup = "spoke__hub"
    list_display = ["email", "spoke", "created_at", "expires_at", "used_at", "declined_at"]
    list_filter = [
        ("used_at", admin.EmptyFieldListFilter),
        ("declined_at", admin.EmptyFieldListFilter),
        ("spoke__hub", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["email", "spoke__name"]
    list_select_related = ["spoke"]
    readonly_fields = [
        "spoke",
        "email",
        "language",
        "invited_by",
        "created_at",
        "expires_at",
        "used_at",
        "used_by",
        "declined_at",
    ]

    def has_add_permission(self, request):
        # Invitations are sent from the hub portal, which emails the link.
        return False
