from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from outreach.forms import ProfileJoinForm
from outreach.models import Subscriber
from outreach.subscriptions import subscription_of

from .forms import ProfileForm


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user = form.save()
            translation.activate(user.preferred_language)
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=request.user)
    subscriber = subscription_of(request.user)
    context = {
        "form": form,
        "on_mailing_list": subscriber is not None and subscriber.status == Subscriber.Status.SUBSCRIBED,
        "mailing_form": ProfileJoinForm(auto_id="mailing_%s"),
    }
    return render(request, "accounts/profile.html", context)


@require_POST
def set_language(request):
    """Django's language switch, remembered on the account of a signed-in user, who is told that their emails and
    certificates follow (in the language they chose)."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        with translation.override(language):
            messages.info(
                request,
                _("Your emails and certificates will be in %(language)s too. Your profile can change that.")
                % {"language": translation.get_language_info(language)["name_local"]},
            )
    return response
