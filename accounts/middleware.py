import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation


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
        if request.path_info.startswith(reverse("admin:index")):
            # Staff work in the programme's time: every admin time is Eastern, as the header says once.
            zone_name = settings.DEFAULT_VIEWER_TIME_ZONE
        timezone.activate(zoneinfo.ZoneInfo(zone_name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
