"""Turn session reminders off from a link in the reminder email (RFC 8058 one-click, and a page for people).

The link carries a signed token (django.core.signing) naming the account, so it
works without signing in, from any device, for as long as the account exists.
GET shows a confirmation page with a button (link scanners and previews fetch
URLs: a GET must change nothing); POST turns reminders off. Mail clients' own
"unsubscribe" button POSTs `List-Unsubscribe=One-Click` without a CSRF token:
the signature is the proof, so the view is exempt from CSRF. Only reminders
stop; emails about registrations and session changes keep coming.
"""

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import User

SALT = "echo.reminders.unsubscribe"
TEMPLATE = "notifications/reminders_unsubscribe.html"


def reminders_unsubscribe_token(user: User) -> str:
    return signing.Signer(salt=SALT).sign(str(user.pk))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def reminders_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_pk = int(signing.Signer(salt=SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return render(request, TEMPLATE, {"state": "invalid"}, status=400)
    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return render(request, TEMPLATE, {"state": "unknown"}, status=404)
    if request.method == "POST":
        if user.reminders_enabled:
            user.reminders_enabled = False
            user.save(update_fields=["reminders_enabled"])
        return render(request, TEMPLATE, {"state": "done"})
    return render(request, TEMPLATE, {"state": "confirm", "already_off": not user.reminders_enabled})
