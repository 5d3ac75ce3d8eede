"""Enrollment and registration rules: the one place views, admin actions and tasks change seats.

Locking contract (after pretix's quota locking):

* Capacity is checked only inside ``transaction.atomic()``, after ``SELECT … FOR UPDATE``
  on the scarce row: the series row for enrollments, the session rows for registrations.
  A count read before the lock is never trusted.
* Each transaction locks once, as late as possible but before the availability check:
  all the rows it needs in a single statement, in primary-key order, so two
  transactions never wait on each other in opposite orders. Where a transaction needs
  both kinds (leaving a series), it locks the series first, then its sessions; every
  function here keeps that order.
* The unique constraints on (user, series) and (user, session) are the last guard:
  under the lock, an existing row is reused, so a double click, a second tab or the
  back button leaves the same rows and gives the same result.

Every email is written to the outbox by ``enrollment.emails`` inside the same
transaction as the change that causes it.

By topic: ``keys`` (finding and using enrollment keys), ``enrollments`` (joining a series and its
waitlist), ``join_requests`` (asking to join a series by approval, and staff's decision), ``seats``
(picking sessions, waitlists, cancelling, leaving), ``attendance`` (minutes from a participant report,
staff adjustments), ``locks`` (the row locks and the counts read under them). Callers use
the names below (``from enrollment import services``; ``services.register(...)``).
"""

from .attendance import AdjustmentResult, AttendanceResult, adjust_attendance, record_attendance
from .enrollments import enroll, enroll_by_key, promote_enrollments_from_waitlist
from .errors import EnrollmentError, InvalidKey
from .join_requests import (
    DecisionResult,
    approve_join_requests,
    ask_to_join,
    decline_join_requests,
    withdraw_join_request,
)
from .keys import check_code_free, find_active_key, generate_key
from .seats import (
    RegistrationResult,
    after_capacity_change,
    cancel_registration,
    capacity_raised,
    leave_series,
    move_from_waitlist,
    needs_privacy_consent,
    promote_from_waitlist,
    register,
)

__all__ = [
    "check_code_free",
    "generate_key",
    "AdjustmentResult",
    "AttendanceResult",
    "DecisionResult",
    "approve_join_requests",
    "ask_to_join",
    "decline_join_requests",
    "withdraw_join_request",
    "adjust_attendance",
    "EnrollmentError",
    "InvalidKey",
    "RegistrationResult",
    "cancel_registration",
    "after_capacity_change",
    "capacity_raised",
    "enroll",
    "enroll_by_key",
    "find_active_key",
    "leave_series",
    "move_from_waitlist",
    "needs_privacy_consent",
    "promote_enrollments_from_waitlist",
    "promote_from_waitlist",
    "record_attendance",
    "register",
]
