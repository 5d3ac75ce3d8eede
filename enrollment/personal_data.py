"""What enrollment keeps about a person: the series they joined, the sessions they registered for, attendance."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.personal_data import Provider, rows

from .models import AttendanceChange, Enrollment, JoinRequest, Registration, SeriesInvitation


def export(user) -> dict:
    return {
        "enrollments": rows(
            Enrollment.objects.filter(user=user),
            ["series__title", "status", "key__code", "enrolled_at", "waitlisted_at"],
        ),
        "registrations": rows(
            Registration.objects.filter(user=user),
            [
                "session__series__title",
                "session__title",
                "session__starts_at",
                "status",
                "registered_at",
                "attended_minutes",
                "imported_minutes",
            ],
        ),
        "requests_to_join": rows(
            JoinRequest.objects.filter(user=user),
            ["series__title", "state", "note", "requested_at", "decided_at", "message"],
        ),
        "series_invitations": rows(
            SeriesInvitation.objects.filter(Q(user=user) | Q(email=user.email.lower())),
            ["series__title", "email", "name", "created_at", "sent_at", "opened_at", "joined_at", "declined_at"],
        ),
        "attendance_changes": rows(
            AttendanceChange.objects.filter(registration__user=user),
            ["registration__session__title", "changed_at", "minutes_before", "minutes_after", "reason"],
        ),
    }


def erase(user) -> None:
    """Registrations and attendance stay, on the anonymous account: sessions' counts and reach do not change."""
    from accounts.privacy import identifying_strings, redact

    names = identifying_strings(user)
    for change in AttendanceChange.objects.filter(registration__user=user):
        change.reason = redact(change.reason, names)
        change.save(update_fields=["reason"])
    AttendanceChange.objects.filter(changed_by=user).update(changed_by=None)
    # What they wrote to reviewers, and what reviewers wrote back to them, goes; that a request was decided stays.
    JoinRequest.objects.filter(user=user).update(note="", message="")
    JoinRequest.objects.filter(decided_by=user).update(decided_by=None)
    # An invitation is only an address and a name: nothing of it is kept once the person is gone.
    SeriesInvitation.objects.filter(Q(user=user) | Q(email=user.email.lower())).delete()
    SeriesInvitation.objects.filter(invited_by=user).update(invited_by=None)


PROVIDER = Provider(
    label=_("Registrations and attendance"),
    models=(Enrollment, Registration, AttendanceChange, JoinRequest, SeriesInvitation),
    export=export,
    erase=erase,
    erases=_(
        "Anything staff wrote about your attendance that names you, your notes to and from the reviewers of "
        "requests to join, and invitations sent to your address."
    ),
    keeps=_(
        "Which sessions were attended and for how long, on the anonymous record: each session's attendance and "
        "the programme's figures stay as they were."
    ),
)
