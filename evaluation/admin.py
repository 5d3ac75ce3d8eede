"""Staff edit each series' evaluation form in both languages; results are read on their own pages."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from . import services
from .models import EvaluationForm, EvaluationRequest, Question


class QuestionInline(TranslationTabularInline):
    model = Question
    extra = 0
    fields = ["position", "kind", "text", "help_text", "required", "session"]
    autocomplete_fields = ["session"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new series form starts from the default's questions (copied on save); a blank row invites additions.
        return 1


@admin.register(EvaluationForm)
class EvaluationFormAdmin(TranslationAdmin):
    list_display = ["title", "series", "is_active", "named_answers", "question_count", "results"]
    list_filter = ["is_active", "named_answers"]
    search_fields = ["title", "series__title"]
    autocomplete_fields = ["series"]
    inlines = [QuestionInline]
    fieldsets = [
        (None, {"fields": ["series", "title", "introduction", "is_active", "named_answers"]}),
    ]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).select_related("series").annotate(questions_total=Count("questions"))

    @admin.display(description=_("questions"), ordering="questions_total")
    def question_count(self, form):
        return form.questions_total

    @admin.display(description=_("results"))
    def results(self, form):
        if form.series_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("evaluation:staff_series", args=[form.series_id]), _("See the results")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "series" in form.base_fields:
            form.base_fields["series"].help_text = _(
                "The questions of the default form are copied into a new series' form when you add none of your own."
            )
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.questions.exists():
            services.copy_default_questions(form=form.instance)


@admin.register(EvaluationRequest)
class EvaluationRequestAdmin(admin.ModelAdmin):
    """Who was asked and whether they answered; never what they answered."""

    list_display = ["user", "session", "created_at", "reminded_at", "answered_at", "expires_at"]
    list_filter = [("answered_at", admin.EmptyFieldListFilter), "session__series"]
    search_fields = ["user__email", "user__last_name", "session__title"]
    list_select_related = ["user", "session"]
    readonly_fields = ["user", "session", "created_at", "reminded_at", "answered_at", "expires_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
