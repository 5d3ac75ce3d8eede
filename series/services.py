"""Staff actions on series: publishing, unpublishing, archiving."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.page_cache import invalidate_public_pages

from .models import Series


def set_status(*, series_ids: list[int], status: str) -> int:
    """Publish, unpublish (back to draft) or archive several series; returns how many changed."""
    if status not in Series.Status.values:
        raise ValidationError(_("Unknown status."))
    changed = Series.objects.filter(pk__in=series_ids).exclude(status=status).update(status=status)
    if changed:
        # update() sends no post_save: the cached catalogue must hear of it here.
        invalidate_public_pages()
    return changed
