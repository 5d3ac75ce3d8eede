"""The About page starts with the text the site showed before staff could edit it, in both languages."""

from django.db import migrations

EN_BODY = """<p>Project ECHO is a tele-mentoring model: a hub of experts and front-line clinicians (the spokes) meet in short virtual sessions that combine a brief teaching talk with discussion of real, de-identified cases.</p>
<p>Our communities of practice bring together physicians, nurses, personal support workers, paramedics, pharmacists, social workers and others across Canada, including rural, remote and Indigenous communities, to build capacity in palliative care where people live.</p>
<h2>How it works</h2>
<ol>
<li>Create an account with your email address.</li>
<li>Join a community of practice, with the enrollment key you received if it asks for one.</li>
<li>Pick the sessions you want: you get a confirmation with calendar invitations, reminders and the link to join.</li>
<li>Missed one? The recording and slides are sent to you.</li>
</ol>"""

FR_BODY = """<p>Le Projet ECHO est un modèle de télémentorat : un carrefour d’experts et des cliniciens de première ligne (les rayons) se réunissent lors de courtes séances virtuelles qui combinent un bref exposé et la discussion de cas réels dépersonnalisés.</p>
<p>Nos communautés de pratique réunissent des médecins, des infirmières et infirmiers, des préposés aux services de soutien à la personne, des paramédics, des pharmaciens, des travailleurs sociaux et d’autres intervenants de partout au Canada, y compris des communautés rurales, éloignées et autochtones, afin de renforcer les capacités en soins palliatifs là où les gens vivent.</p>
<h2>Comment ça fonctionne</h2>
<ol>
<li>Créez un compte avec votre adresse courriel.</li>
<li>Joignez-vous à une communauté de pratique, avec la clé d’adhésion que vous avez reçue si elle en demande une.</li>
<li>Choisissez les séances qui vous intéressent : vous recevez une confirmation avec des invitations de calendrier, des rappels et le lien pour participer.</li>
<li>Vous en avez manqué une? L’enregistrement et les diapositives vous sont envoyés.</li>
</ol>"""


def create_about(apps, schema_editor):
    Page = apps.get_model("content", "Page")
    Page.objects.get_or_create(
        slot="about",
        defaults={
            "title": "About Project ECHO",
            "title_en": "About Project ECHO",
            "title_fr": "À propos du Projet ECHO",
            "body": EN_BODY,
            "body_en": EN_BODY,
            "body_fr": FR_BODY,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]

    operations = [migrations.RunPython(create_about, migrations.RunPython.noop)]
