"""The consent sentence the mailing-list forms show, and store as it was shown.

Canada's anti-spam law (CASL) asks that a request for express consent say what the person will
receive, who asks (name and mailing address) and that consent may be withdrawn at any time. The
sentence is rendered in the visitor's language with the sender from settings; the exact text shown
is kept with each subscriber, with CONSENT_VERSION. Change the wording: bump the version.
"""

from django.conf import settings
from django.utils.translation import gettext

CONSENT_VERSION = "2026-12-01"


def consent_wording() -> str:
    """The consent sentence in the active language."""
    return gettext(
        "Yes, I want to receive emails from %(sender)s about Palliative Care ECHO: announcements of sessions and "
        "communities of practice, the newsletter and the semi-annual reports. Sender: %(sender)s, %(address)s, "
        "%(contact)s. I can withdraw my consent at any time with the unsubscribe link in every email."
    ) % {
        "sender": settings.MAILING_SENDER_NAME,
        "address": settings.MAILING_SENDER_ADDRESS,
        "contact": settings.CONTACT_EMAIL,
    }


def sender_context() -> dict[str, str]:
    """What every outreach email's footer names: who sends it and their mailing address."""
    return {"sender_name": settings.MAILING_SENDER_NAME, "sender_address": settings.MAILING_SENDER_ADDRESS}
