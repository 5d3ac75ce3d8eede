"""Reads for the public pages."""

from django.db.models import Prefetch, QuerySet

from .models import FaqEntry, FaqTopic, Page


def faq_topics() -> QuerySet[FaqTopic]:
    """Topics that have published questions, each with those questions (two queries)."""
    published = FaqEntry.objects.published()
    return (
        FaqTopic.objects.filter(entries__is_published=True)
        .distinct()
        .prefetch_related(Prefetch("entries", queryset=published, to_attr="published_entries"))
    )


def page(slot: str) -> Page | None:
    return Page.objects.filter(slot=slot).first()
