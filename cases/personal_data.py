"""What cases keep about a person: the cases they presented (with the panel's recommendations and their
feedback), and their name on state changes, views and recommendations of others' cases."""

from django.utils.translation import gettext_lazy as _

from core.personal_data import Provider, rows

from .models import CaseAttachment, CaseEvent, CasePresentation, CaseView, Recommendation


def export(user) -> dict:
    cases = CasePresentation.objects.filter(presenter=user)
    return {
        "case_presentations": rows(
            cases,
            [
                "session__title",
                "state",
                "presenting_question",
                "age_range",
                "sex_gender",
                "setting_of_care",
                "history",
                "symptoms_medications",
                "goals_of_care",
                "tried",
                "submitted_at",
                "approved_at",
                "purged_at",
            ],
        ),
        "case_recommendations": rows(
            Recommendation.objects.filter(case__presenter=user),
            ["case__session__title", "summary", "recommendations", "resources", "sent_at", "helpful", "feedback"],
        ),
    }


def erase(user) -> None:
    for attachment in CaseAttachment.objects.filter(case__presenter=user):
        attachment.file.delete(save=False)
    CasePresentation.objects.filter(presenter=user).delete()
    # Others' cases keep their history; the person who acted or read is no longer named.
    CaseEvent.objects.filter(actor=user).update(actor=None)
    CaseView.objects.filter(viewer=user).update(viewer=None)
    Recommendation.objects.filter(written_by=user).update(written_by=None)


PROVIDER = Provider(
    label=_("Case presentations"),
    models=(CasePresentation, CaseEvent, CaseView, Recommendation),
    extra_models=(CaseAttachment,),
    export=export,
    erase=erase,
    erases=_("The cases you presented, their attachments and the panel's recommendations to you."),
    keeps=_("Cases of other presenters you reviewed or read stay, without your name."),
)
