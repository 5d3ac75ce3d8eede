"""A visitor who followed an emailed invitation link and creates an account from it.

The link carries a secret that was sent to the invited address, so opening it proves the visitor reads that
mailbox, as much as allauth's own confirmation link would. The sign-up form therefore starts with that address
(still editable: some people keep a work and a personal address), and an account created with it is confirmed
at once instead of being sent a second email to the mailbox the visitor just came from. Someone who types
another address confirms that one as usual, and the invited address is not added to their account.
"""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from .continuation import continue_after_sign_in

SESSION_KEY = "accounts:invited-email"


def signup_url_for_invitee(request: HttpRequest, *, email: str, come_back_to: str) -> str:
    """The sign-up link an invitation page offers: prefilled with `email`, then back to `come_back_to`."""
    request.session[SESSION_KEY] = email.strip().lower()
    # Also kept in the session: when the address is confirmed by email, the link may open in a new tab.
    continue_after_sign_in(request, come_back_to)
    return f"{reverse('account_signup')}?{urlencode({'email': email, 'next': come_back_to})}"


def opened_invitation_for(request: HttpRequest, email: str) -> bool:
    """True if this visitor opened an invitation sent to `email` (compared as allauth stores addresses)."""
    invited = request.session.get(SESSION_KEY)
    return bool(invited) and invited == email.strip().lower()
