"""The link in an evaluation email: a signature over (person, session), so it opens that person's form without
a password. Its validity (30 days) and single use are kept by the EvaluationRequest row, not by the signature:
the row's `expires_at` and `answered_at` say when it stops working, and clocks can be injected in tests."""

from django.core import signing

SALT = "echo.evaluation.link"


def make_token(*, user_id: int, session_id: int) -> str:
    return signing.Signer(salt=SALT).sign_object([user_id, session_id], compress=False)


def read_token(token: str) -> tuple[int, int] | None:
    """(user id, session id), or None when the token was cut, changed or forged."""
    try:
        value = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(type(part) is int for part in value)):
        return None
    return value[0], value[1]
