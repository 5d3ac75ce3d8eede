"""Email hooks the enrollment services call inside their transactions.

Each function writes outbox rows in the current transaction and returns nothing.
"""


def enrollment_confirmed(*, enrollment) -> None:
    pass


def registrations_confirmed(*, user, registrations) -> None:
    pass


def waitlist_joined(*, registration) -> None:
    pass


def promoted_from_waitlist(*, registration) -> None:
    pass


def registrations_cancelled(*, user, registrations) -> None:
    pass
