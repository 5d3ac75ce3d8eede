"""The programme's pages staff write in admin, in English and French: FAQ, newsletters, semi-annual reports, About.

Text fields hold a little HTML (paragraphs, headings, lists, links, emphasis); what is shown is
sanitised with nh3 (core.formatting.sanitize_html), so nothing staff paste can run in a visitor's
browser. Per-language columns come from django-modeltranslation (content/translation.py); an empty
French field falls back to the English one.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import help_text_naming_tags

HTML_HELP = help_text_naming_tags(
    _(
        "Paragraphs separated by a blank line. Headings, lists, links, bold and italic may be written in HTML "
        "(<h2>, <ul>, <a href>, <strong>, <em>); anything else is removed when the page is shown."
    )
)


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class FaqTopic(models.Model):
    title = models.CharField(_("topic"), max_length=200)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Topics are shown in this order.")
    )

    class Meta:
        verbose_name = _("FAQ topic")
        verbose_name_plural = _("FAQ topics")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class FaqEntry(models.Model):
    topic = models.ForeignKey(FaqTopic, on_delete=models.CASCADE, related_name="entries", verbose_name=_("topic"))
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), help_text=HTML_HELP)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(pgettext_lazy("a FAQ question", "published"), default=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.question


class ArchivedDocument(models.Model):
    """An issue of an archive (newsletter, report): its page, its PDF, or both, shown once published."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    published_on = models.DateField(_("published on"), default=timezone.localdate)
    summary = models.TextField(_("summary"), blank=True, help_text=HTML_HELP)
    body = models.TextField(_("text"), blank=True, help_text=HTML_HELP)
    is_published = models.BooleanField(pgettext_lazy("an archived document", "published"), default=False)

    objects = PublishedQuerySet.as_manager()

    url_name: str

    class Meta:
        abstract = True
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(self.url_name, args=[self.slug])


class Newsletter(ArchivedDocument):
    """One issue of the newsletter."""

    pdf = models.FileField(_("PDF"), upload_to="newsletters/", blank=True)

    url_name = "content:newsletter"

    class Meta(ArchivedDocument.Meta):
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")


class Report(ArchivedDocument):
    """A semi-annual report of the programme, for the period it covers."""

    period = models.CharField(_("period covered"), max_length=100, help_text=_("For example: April to September 2026."))
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)

    url_name = "content:report"

    class Meta(ArchivedDocument.Meta):
        verbose_name = _("semi-annual report")
        verbose_name_plural = _("semi-annual reports")


class Page(models.Model):
    """A page of prose staff keep up to date, such as About Project ECHO (its hubs are listed under it)."""

    class Slot(models.TextChoices):
        ABOUT = "about", _("About Project ECHO")

    slot = models.CharField(_("page"), max_length=20, choices=Slot.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=HTML_HELP)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.get_slot_display()
