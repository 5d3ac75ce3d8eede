from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from . import privacy
from .models import AccessLog, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class EmailAddressInline(admin.TabularInline):
    model = EmailAddress
    fields = ("email", "verified", "primary")
    extra = 0


# allauth registers its email addresses under its own app, also named "Accounts": the admin index showed two
# "Accounts" sections. The addresses are edited with their user instead.
if admin.site.is_registered(EmailAddress):
    admin.site.unregister(EmailAddress)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [EmailAddressInline]
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ("last_name", "first_name", "email")
    list_display = ("email", "first_name", "last_name", "profession", "province", "is_staff", "date_joined")
    list_filter = ("is_staff", "is_active", "profession", "province", "preferred_language", "rural_remote")
    search_fields = ("email", "first_name", "last_name", "organisation", "licence_number")
    readonly_fields = ("date_joined", "last_login", "privacy_consent_version", "privacy_consent_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Name on certificates"), {"fields": ("first_name", "last_name", "licence_number")}),
        (
            _("Practice"),
            {"fields": ("profession", "practice_settings", "province", "organisation", "rural_remote")},
        ),
        (
            _("Preferences"),
            {"fields": ("preferred_language", "time_zone", "reminders_enabled", "programme_emails_enabled")},
        ),
        (_("Consent"), {"fields": ("privacy_consent_version", "privacy_consent_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and str(object_id).isdigit():
            subject = User.objects.filter(pk=object_id).first()
            if subject is not None:
                privacy.log_access(request, action=AccessLog.Action.USER_ADMIN, subject=subject)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Who looked at or exported whose personal data: for superusers only, read-only, kept a year."""

    list_display = ("at", "actor", "action", "subject", "detail")
    list_filter = ("action",)
    date_hierarchy = "at"
    search_fields = ("actor__email", "subject__email", "detail")
    list_select_related = ("actor", "subject")
    readonly_fields = ("at", "actor", "subject", "action", "detail", "path")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
