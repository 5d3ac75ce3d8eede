"""Who attended a session: the one definition evaluations and the reach figures share.

Until a series can say what counts as attending (minimum minutes, share of the session), a registrant
attended when any minutes are recorded for them. Everything that counts attendance filters through
`attended_q`, so a finer rule changes here and nowhere else.
"""

from django.db.models import Q


def attended_q(prefix: str = "") -> Q:
    """Registrations that count as attended; `prefix` reaches them from another model ("registrations__")."""
    return Q(**{f"{prefix}attended_minutes__gt": 0})
