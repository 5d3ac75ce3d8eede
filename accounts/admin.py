from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User


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
