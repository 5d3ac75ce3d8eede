"""Where a visitor was going when the site asked them to sign in: taken up again after sign-in or sign-up.

allauth carries `next` through the sign-in form, but not always through creating an account and
confirming the address (the link may be opened later, in a new tab). What a page needs after
sign-in is kept in the visitor's session instead, and the account adapter sends them back to it.
"""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "accounts:continue-after-sign-in"


def continue_after_sign_in(request: HttpRequest, path: str) -> None:
    request.session[SESSION_KEY] = path


def take_continuation(request: HttpRequest) -> str | None:
    """The path to go back to (once), if one was kept and it is on this site."""
    path = request.session.pop(SESSION_KEY, None)
    if path and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return None
