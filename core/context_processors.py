from django.conf import settings


def site(request):
    return {
        "SITE_URL": settings.SITE_URL,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "PRIVACY_POLICY_VERSION": settings.PRIVACY_POLICY_VERSION,
        "PRIVACY_OFFICER_NAME": settings.PRIVACY_OFFICER_NAME,
        "PRIVACY_OFFICER_EMAIL": settings.PRIVACY_OFFICER_EMAIL,
        "ACCOUNT_DELETION_GRACE_DAYS": settings.ACCOUNT_DELETION_GRACE_DAYS,
    }
