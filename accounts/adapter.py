from dataclasses import dataclass
from urllib.parse import urlsplit
from uuid import uuid4

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from notifications.outbox import queue_rendered_email

from .continuation import take_continuation
from .invited import opened_invitation_for


@dataclass(frozen=True)
class PortalSite:
    """What allauth's templates read as `current_site`: the site's name in the reader's language, not the host."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    return PortalSite(name=str(settings.SITE_NAME), domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """The one place allauth's behaviour is adjusted for the portal."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = translation.get_language() or "en"
        if commit:
            user.save()
        return user

    def get_login_redirect_url(self, request):
        """Back to what the visitor was doing when asked to sign in (a key typed on the home page)."""
        return take_continuation(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """After creating an account (and confirming it), the same place as after signing in."""
        return take_continuation(request) or super().get_signup_redirect_url(request)

    def is_email_verified(self, request, email):
        """An address the visitor received an invitation at, by following its link, needs no second email."""
        return opened_invitation_for(request, email) or super().is_email_verified(request, email)

    def send_mail(self, template_prefix, email, context):
        """Verification, password-reset and notice emails go through the outbox, so a broker outage loses none.

        They are written in the account holder's preferred language (the page's language for an address that
        has no account), whatever language the page that caused them was in.
        """
        language = self._language_for(email)
        with translation.override(language):
            message = self.render_mail(template_prefix, email, {"email": email, **context, **self._base_context()})
        body_html = ""
        if isinstance(message, EmailMultiAlternatives):
            body_html = next((body for body, mimetype in message.alternatives if mimetype == "text/html"), "")
        queue_rendered_email(
            to=email,
            language=language,
            kind="account",
            # Each of allauth's emails is distinct (a new key or code each time), so each gets a key of its own.
            idempotency_key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid4().hex}",
            subject=message.subject,
            body_text=message.body,
            body_html=body_html,
        )

    def _base_context(self) -> dict:
        request = allauth_context.request
        return {"request": request, "current_site": portal_site()}

    @staticmethod
    def _language_for(email: str) -> str:
        from accounts.models import User

        preferred = User.objects.filter(email__iexact=email).values_list("preferred_language", flat=True).first()
        return preferred or translation.get_language() or "en"
