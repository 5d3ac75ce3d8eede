import zoneinfo

from django.conf import settings
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation

# The admin's address, looked up once per URL configuration and script prefix instead of on every request.
_admin_prefixes: dict = {}


def _admin_prefix() -> str:
    key = (get_resolver(get_urlconf()), get_script_prefix())
    prefix = _admin_prefixes.get(key)
    if prefix is None:
        if len(_admin_prefixes) > 8:  # URL configurations swapped by tests: keep only a few
            _admin_prefixes.clear()
        prefix = _admin_prefixes[key] = reverse("admin:index")
    return prefix


class UserPreferencesMiddleware:
    """Show a signed-in user the portal in their own language and time zone.

    Runs after LocaleMiddleware (which already honoured the switch cookie and
    Accept-Language for everyone else) and after authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.preferred_language in dict(settings.LANGUAGES):
                translation.activate(user.preferred_language)
                request.LANGUAGE_CODE = user.preferred_language
            zone_name = user.effective_time_zone
        else:
            zone_name = settings.DEFAULT_VIEWER_TIME_ZONE
        if request.path_info.startswith(_admin_prefix()):
            # Staff work in the programme's time: every admin time is Eastern, as the header says once.
            zone_name = settings.DEFAULT_VIEWER_TIME_ZONE
        timezone.activate(zoneinfo.ZoneInfo(zone_name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
