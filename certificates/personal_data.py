"""What certificates keep about a person: the documents issued to them, with their name and licence number.

Accrediting bodies (CFPC Mainpro+, CCCEP) expect a provider to answer for a document it issued
years later, so by default a deleted account's documents stay verifiable, "issued to a deleted
account", with the name and licence number erased; CERTIFICATES_KEPT_AFTER_ACCOUNT_DELETION=False
deletes them with the account instead.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.personal_data import Provider, rows

from .models import Certificate


def export(user) -> dict:
    return {
        "certificates": rows(
            Certificate.objects.filter(user=user),
            ["number", "series__title", "kind", "state", "learner_name", "credits", "issued_at", "reissue"],
        )
    }


def erase(user) -> None:
    documents = Certificate.objects.filter(user=user)
    if not settings.CERTIFICATES_KEPT_AFTER_ACCOUNT_DELETION:
        documents.delete()
        return
    for certificate in documents:
        certificate.learner_name = ""
        certificate.content = {**certificate.content, "learner": {"name": "", "licence_number": ""}}
        certificate.save(update_fields=["learner_name", "content"])


PROVIDER = Provider(
    label=_("Certificates and statements of attendance"),
    models=(Certificate,),
    export=export,
    erase=erase,
    erases=_("Your name and licence number on the documents issued to you."),
    keeps=_(
        "Each document's number, programme and credits, so that an accrediting body can still check it: it is "
        "shown as issued to a deleted account."
    ),
)
