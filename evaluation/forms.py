"""The evaluation as a form: one field per question (two for intent to change), built from the form's questions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Intent, Likert, Question
from .services import GivenAnswer

TEXT_MAX_LENGTH = 2000


def _field_name(question: Question) -> str:
    return f"q{question.pk}"


class AnswerForm(forms.Form):
    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = _field_name(question)
            common = {"label": question.text, "required": question.required, "help_text": question.help_text}
            if question.kind == Question.Kind.LIKERT:
                self.fields[name] = forms.TypedChoiceField(
                    choices=Likert.choices, coerce=int, widget=forms.RadioSelect, **common
                )
            elif question.kind == Question.Kind.INTENT:
                self.fields[name] = forms.ChoiceField(choices=Intent.choices, widget=forms.RadioSelect, **common)
                self.fields[f"{name}_text"] = forms.CharField(
                    label=_("If so, what will you change?"),
                    required=False,
                    max_length=TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            else:
                self.fields[name] = forms.CharField(
                    max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}), **common
                )

    def answers(self) -> list[GivenAnswer]:
        given = []
        for question in self.questions:
            name = _field_name(question)
            value = self.cleaned_data.get(name)
            if question.kind == Question.Kind.LIKERT:
                given.append(GivenAnswer(question=question, rating=value if value not in ("", None) else None))
            elif question.kind == Question.Kind.INTENT:
                given.append(
                    GivenAnswer(question=question, intent=value or "", text=self.cleaned_data.get(f"{name}_text", ""))
                )
            else:
                given.append(GivenAnswer(question=question, text=value or ""))
        return given

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(answer.is_empty for answer in self.answers()):
            raise forms.ValidationError(_("Answer at least one question, or close this page."), code="empty")
        return cleaned
