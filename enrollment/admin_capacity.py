"""The admin forms that edit a capacity hand freed seats to the waitlist (the session and series forms, the inline)."""

from django.contrib import messages
from django.utils.translation import ngettext

from . import services


def promote_after_capacity_edit(model_admin, request, form, *, series=None, session=None) -> None:
    """After a saved form raised a capacity: promote in order, in the admin's transaction, and tell staff who moved."""
    if "capacity" not in form.changed_data or not form.initial:
        return
    promoted = services.after_capacity_change(old=form.initial.get("capacity"), series=series, session=session)
    if promoted:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)s person moved up from the waitlist and was emailed.",
                "%(count)s people moved up from the waitlist and were emailed.",
                len(promoted),
            )
            % {"count": len(promoted)},
            messages.SUCCESS,
        )
