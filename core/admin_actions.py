"""An admin action that first asks for something (a new title, a reason): one form page shared by every admin."""

from django.contrib import admin
from django.template.response import TemplateResponse


def action_form_response(model_admin, request, queryset, *, form, action, title, intro, submit, summary=()):
    """The page an action shows before it runs: the form, the selected rows carried along, submit and cancel.

    The action runs again with ``apply`` in the POST when the form is sent.
    """
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "intro": intro,
        "summary": summary,
        "submit_label": submit,
        "form": form,
        "action": action,
        "selected": queryset.values_list("pk", flat=True),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/action_form.html", context)
