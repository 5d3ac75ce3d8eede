"""Links that leave the site (emails, calendars, PDFs) are absolute, built from SITE_URL."""

from django.conf import settings


def absolute(path: str) -> str:
    """`/me/` → `https://echo.example.org/me/`; a link that is already absolute is returned as it is."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"
