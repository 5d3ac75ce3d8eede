"""/me/data/: download my data and delete my account (the services are in accounts.privacy)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import personal_data
from core.formatting import format_written_date

from . import privacy
from .forms import DeleteAccountForm
from .models import DataExport


@login_required
def my_data(request):
    exports = list(request.user.data_exports.all()[:5])
    context = {
        "exports": exports,
        "pending": any(export.status == DataExport.Status.PENDING for export in exports),
        "valid_days": privacy._valid_days(),
        "providers": personal_data.providers(),
        "deletion_due": privacy.deletion_due_at(request.user),
    }
    return render(request, "accounts/my_data.html", context)


@login_required
@require_POST
def request_data_export(request):
    export = privacy.request_export(user=request.user)
    if export.status == DataExport.Status.READY:
        messages.success(request, _("Your data is ready: download it below. We also emailed you the link."))
    else:
        messages.success(
            request, _("We are preparing your data. You will get an email with the link when it is ready.")
        )
    return redirect("my_data")


@login_required
def download_data_export(request, token):
    """Only the owner, signed in, while the link is valid: anyone else gets the same 404."""
    export = DataExport.objects.filter(token=token, user=request.user).first()
    if export is None or not export.is_downloadable or not export.file:
        raise Http404("No such export for this account.")
    filename = f"echo-portal-data-{export.ready_at:%Y-%m-%d}.zip"
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename=filename)
    response["Content-Type"] = "application/zip"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        deleted_now = privacy.request_deletion(user=request.user)
        request.user.refresh_from_db(fields=["deletion_requested_at"])
        due = privacy.deletion_due_at(request.user)
        logout(request)
        if deleted_now:
            messages.success(request, _("Your account was deleted. Thank you for learning with us."))
        else:
            messages.success(
                request,
                _("Your account will be deleted on %(date)s. Sign in before then to keep it.")
                % {"date": format_written_date(due)},
            )
        return redirect("home")
    context = {
        "form": form,
        "providers": personal_data.providers(),
        "grace_days": privacy.grace_days(),
    }
    return render(request, "accounts/delete_account.html", context)
