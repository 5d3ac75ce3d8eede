"""The default evaluation form, in English and French, so a new series asks its attendees without any setup."""

from django.db import migrations

QUESTIONS = [
    (
        "likert",
        "The session met its learning objectives.",
        "La séance a atteint ses objectifs d’apprentissage.",
    ),
    (
        "likert",
        "What was discussed is relevant to my practice.",
        "Ce qui a été abordé est pertinent pour ma pratique.",
    ),
    (
        "likert",
        "I feel more confident applying what was discussed.",
        "Je me sens plus en confiance pour appliquer ce qui a été abordé.",
    ),
    (
        "intent",
        "Will you change something in your practice because of this session?",
        "Changerez-vous quelque chose dans votre pratique à la suite de cette séance?",
    ),
    (
        "text",
        "What should we cover in a future session?",
        "Quels sujets devrions-nous aborder lors d’une prochaine séance?",
    ),
]


def create_default_form(apps, schema_editor):
    EvaluationForm = apps.get_model("evaluation", "EvaluationForm")
    Question = apps.get_model("evaluation", "Question")
    if EvaluationForm.objects.filter(series__isnull=True).exists():
        return
    form = EvaluationForm.objects.create(
        series=None,
        title="Session evaluation",
        title_en="Session evaluation",
        title_fr="Évaluation de la séance",
        introduction="About a minute: five questions, all optional.",
        introduction_en="About a minute: five questions, all optional.",
        introduction_fr="Environ une minute : cinq questions, toutes facultatives.",
    )
    for position, (kind, english, french) in enumerate(QUESTIONS, start=1):
        Question.objects.create(
            form=form, kind=kind, position=position, text=english, text_en=english, text_fr=french
        )


def remove_default_form(apps, schema_editor):
    apps.get_model("evaluation", "EvaluationForm").objects.filter(series__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(create_default_form, remove_default_form)]
