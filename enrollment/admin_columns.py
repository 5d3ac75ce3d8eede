"""Who a registrant is, the same way in every admin list and export of enrollments and registrations."""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from accounts.choices import PracticeSetting
from hubs.models import SpokeMembership

SETTING_LABELS = dict(PracticeSetting.choices)


def practice_settings_text(user) -> str:
    return "; ".join(str(SETTING_LABELS.get(value, value)) for value in (user.practice_settings or []))


def spokes_text(user) -> str:
    return "; ".join(membership.spoke.name for membership in user.active_spoke_memberships)


PERSON_HEADER = [
    _("name"),
    _("email"),
    _("profession"),
    _("province or territory"),
    _("practice settings"),
    _("spoke"),
]


def person_cells(user) -> list[str]:
    """Who the learner is, in the columns of PERSON_HEADER (needs the queryset from with_people)."""
    return [
        user.get_full_name(),
        user.email,
        user.get_profession_display(),
        user.get_province_display(),
        practice_settings_text(user),
        spokes_text(user),
    ]


def with_people(queryset, *, hub_ids: list[int] | None):
    """The learner and their active spokes, in two queries whatever the number of rows.

    A hub manager (hub_ids given) sees only the spokes of their own hubs: another hub's
    spoke names are that hub's business.
    """
    memberships = SpokeMembership.objects.filter(status=SpokeMembership.Status.ACTIVE).select_related("spoke")
    if hub_ids is not None:
        memberships = memberships.filter(spoke__hub__in=hub_ids)
    return queryset.select_related("user").prefetch_related(
        Prefetch("user__spoke_memberships", queryset=memberships, to_attr="active_spoke_memberships")
    )


class PersonColumnsMixin:
    """Who the registrant is: the columns staff asked for, shared by enrollments and registrations."""

    def _visible_hub_ids(self, request) -> list[int] | None:
        return self._hub_ids(request) if self._scoped(request) else None

    @admin.display(description=_("name"), ordering="user__last_name")
    def person_name(self, obj):
        return obj.user.get_full_name() or "—"

    @admin.display(description=_("email"), ordering="user__email")
    def person_email(self, obj):
        return obj.user.email

    @admin.display(description=_("profession"), ordering="user__profession")
    def person_profession(self, obj):
        return obj.user.get_profession_display()

    @admin.display(description=_("province or territory"), ordering="user__province")
    def person_province(self, obj):
        return obj.user.get_province_display()

    @admin.display(description=_("practice settings"))
    def person_settings(self, obj):
        return practice_settings_text(obj.user)

    @admin.display(description=_("spoke"))
    def person_spokes(self, obj):
        return spokes_text(obj.user)
