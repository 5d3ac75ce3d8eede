"""Publishing a series: what it needs before learners can see it, said in words, and publishing only then.

It lives in enrollment because the rule reads enrollment keys (a series in key mode needs one a learner can
use) as well as sessions (a series with none has nothing to register for).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from series import services as series_services
from series.models import Series
from sessions.models import Session

from .models import EnrollmentKey


def missing_for_publication(series: Series) -> list[str]:
    """What a series lacks before it can be published, one sentence each; empty when it is ready."""
    missing = []
    if not Session.objects.filter(series=series).scheduled().exists():
        missing.append(_("It has no sessions: add at least one."))
    if series.registration_mode == Series.RegistrationMode.KEY and not usable_keys(series).exists():
        missing.append(
            _("It takes registrations with an enrollment key but has no active key: add one, or open registration.")
        )
    return missing


def usable_keys(series: Series):
    """Active keys not expired nor used up (a key that opens later still counts: it will work)."""
    return EnrollmentKey.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now()),
        Q(max_uses__isnull=True) | Q(uses_count__lt=F("max_uses")),
        series=series,
        is_active=True,
    )


@dataclass(frozen=True)
class PublishResult:
    published: int
    refused: dict[Series, list[str]] = field(default_factory=dict)


def publish(*, series: list[Series]) -> PublishResult:
    """Publish each series that is ready; the others stay as they are, with what they lack."""
    refused = {}
    ready = []
    for one in series:
        missing = missing_for_publication(one)
        if missing:
            refused[one] = missing
        else:
            ready.append(one.pk)
    published = series_services.set_status(series_ids=ready, status=Series.Status.PUBLISHED) if ready else 0
    return PublishResult(published=published, refused=refused)
