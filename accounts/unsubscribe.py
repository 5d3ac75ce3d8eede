"""Turn session reminders or programme emails off from a link in the email (RFC 8058 one-click, and a page).

The link carries a signed token (django.core.signing) naming the account, so it
works without signing in, from any device, for as long as the account exists.
GET shows a confirmation page with a button (link scanners and previews fetch
URLs: a GET must change nothing); POST turns the topic off. Mail clients' own
"unsubscribe" button POSTs `List-Unsubscribe=One-Click` without a CSRF token:
the signature is the proof, so the views are exempt from CSRF. Only that topic
stops; emails about registrations and session changes keep coming. The pages show
no address: whoever holds a forwarded email learns nothing about its owner.
"""

from dataclasses import dataclass

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import User


@dataclass(frozen=True)
class Topic:
    salt: str
    field: str
    template: str


REMINDERS = Topic(
    salt="echo.reminders.unsubscribe",
    field="reminders_enabled",
    template="notifications/reminders_unsubscribe.html",
)
PROGRAMME = Topic(
    salt="echo.programme.unsubscribe",
    field="programme_emails_enabled",
    template="accounts/programme_unsubscribe.html",
)
# Kept for callers that name the reminders' salt.
SALT = REMINDERS.salt


def _token(user: User, topic: Topic) -> str:
    return signing.Signer(salt=topic.salt).sign(str(user.pk))


def reminders_unsubscribe_token(user: User) -> str:
    return _token(user, REMINDERS)


def programme_unsubscribe_token(user: User) -> str:
    return _token(user, PROGRAMME)


def _unsubscribe(request: HttpRequest, token: str, topic: Topic) -> HttpResponse:
    try:
        user_pk = int(signing.Signer(salt=topic.salt).unsign(token))
    except (signing.BadSignature, ValueError):
        return render(request, topic.template, {"state": "invalid"}, status=400)
    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return render(request, topic.template, {"state": "unknown"}, status=404)
    enabled = getattr(user, topic.field)
    if request.method == "POST":
        if enabled:
            setattr(user, topic.field, False)
            user.save(update_fields=[topic.field])
        return render(request, topic.template, {"state": "done"})
    return render(request, topic.template, {"state": "confirm", "already_off": not enabled})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def reminders_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return _unsubscribe(request, token, REMINDERS)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def programme_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return _unsubscribe(request, token, PROGRAMME)
