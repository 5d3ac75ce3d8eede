"""A new cohort of a community of practice: the series copied as a draft, its sessions shifted, a key of its own."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.i18n import every_language, field_in
from series.models import Series
from sessions.models import Session
from sessions.schedule import shift_wall_clock

from ..models import EnrollmentKey, tidy_key


def duplicate_as_cohort(
    *, series: Series, title: str, slug: str, weeks: int, key_code: str = "", key_label: str = ""
) -> Series:
    """Copy a series as a new draft cohort: same settings, sessions shifted by whole weeks, a new key if given.

    Shifting by whole weeks keeps each session on the same weekday and the same
    Eastern wall-clock time, whatever daylight-saving change lies in between.
    """
    with transaction.atomic():
        source_sessions = list(Session.objects.filter(series=series).prefetch_related("presenters"))
        copy = Series.objects.get(pk=series.pk)
        copy.pk = None
        copy.id = None
        copy._state.adding = True
        # The new title is typed in the series' language; the other language's title would name the old cohort.
        for field, _value in every_language(copy, "title").items():
            setattr(copy, field, "")
        setattr(copy, field_in("title", copy.language), title)
        copy.slug = slug
        copy.status = Series.Status.DRAFT
        copy.previous_cohort = series
        shift = dt.timedelta(weeks=weeks)
        if copy.registration_opens_at:
            copy.registration_opens_at = shift_wall_clock(copy.registration_opens_at, shift)
        if copy.registration_closes_at:
            copy.registration_closes_at = shift_wall_clock(copy.registration_closes_at, shift)
        copy.full_clean()
        copy.save()
        for source in source_sessions:
            session = Session(
                series=copy,
                **every_language(source, "title", "description"),
                starts_at=shift_wall_clock(source.starts_at, shift),
                ends_at=shift_wall_clock(source.ends_at, shift),
                join_url=source.join_url,
                capacity=source.capacity,
            )
            session.full_clean()
            session.save()
            session.presenters.set(source.presenters.all())
        if key_code:
            key = EnrollmentKey(series=copy, code=tidy_key(key_code), label=key_label or title, is_active=True)
            key.full_clean()
            key.save()
    return copy
