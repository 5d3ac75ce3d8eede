"""Writes: a newsletter sent to the mailing list becomes an issue of the public archive."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .models import Newsletter


def archive_newsletter(
    *, title_en: str, title_fr: str, body_en: str, body_fr: str, published_on: dt.date
) -> tuple[Newsletter, bool]:
    """Publish an issue with this text; the same title on the same day is the issue already there (created False)."""
    slug = f"{slugify(title_en)[:60] or 'newsletter'}-{published_on.isoformat()}"
    existing = Newsletter.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            issue = Newsletter.objects.create(
                slug=slug,
                title_en=title_en,
                title_fr=title_fr,
                body_en=body_en,
                body_fr=body_fr,
                published_on=published_on,
                is_published=True,
            )
    except IntegrityError:
        # Two staff members at once: the other one archived it.
        return Newsletter.objects.get(slug=slug), False
    return issue, True
