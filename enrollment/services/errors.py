"""The one exception the enrollment rules raise, with a message written for the learner."""

from ..registration import Availability


class EnrollmentError(Exception):
    """A rule said no. ``message`` is written for the learner; ``code`` is for code and tests."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidKey(EnrollmentError):
    """No active key matches what was typed: counts as a wrong guess for rate limiting."""


def ensure_open(availability: Availability) -> None:
    """Enrollment and registration go through only while the series takes them (a full one has a waitlist)."""
    if not availability.takes_registrations:
        raise EnrollmentError(availability.message, code=availability.code)
