"""Hub managers are told by email when people ask to join their series by approval, at most once an hour.

Run hourly by Celery beat. A hub with requests waiting whose newest request has not been announced yet gets
one email per manager: how many people wait in each series, since when, and the link to the queue in the hub
portal. The outbox key `join-waiting:<hub>:<manager>:<newest request>:<t>` (`<t>` the moment it was asked)
makes a beat that runs twice, or late, send nothing twice, and a new email goes out only once a newer request
has arrived: a queue nobody has looked at yet is not announced again every hour. A request asked again after
a decline is a new request (its `requested_at` moves).

The email names no one: what people wrote about themselves stays in the portal, behind the manager's sign-in.
Only managers are told (facilitators see the queue but do not decide); an inactive account is told nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from django.urls import reverse

from accounts.models import User
from hubs.models import Hub, HubMembership
from notifications.models import OutboundEmail
from notifications.outbox import EmailToQueue, queue_bulk
from series.models import Series

from .calendar import absolute
from .emails import language_of, recipient_context
from .models import JoinRequest

TEMPLATE = "enrollment/email/join_requests_waiting"


@dataclasses.dataclass
class Waiting:
    """The requests waiting in one series of a hub."""

    series: Series  # its title is read in the manager's language, when the email is rendered
    count: int
    oldest: dt.datetime


@dataclasses.dataclass
class HubQueue:
    hub: Hub
    series: list[Waiting]
    newest: JoinRequest

    @property
    def count(self) -> int:
        return sum(each.count for each in self.series)


def waiting_by_hub() -> list[HubQueue]:
    """Every hub with requests waiting, its series longest-waiting first: one query."""
    pending = (
        JoinRequest.objects.filter(state=JoinRequest.State.PENDING)
        .select_related("series__hub")
        .order_by("requested_at", "pk")
    )
    by_hub: dict[int, dict[int, Waiting]] = defaultdict(dict)
    hubs: dict[int, Hub] = {}
    newest: dict[int, JoinRequest] = {}
    for join_request in pending:
        series = join_request.series
        hubs[series.hub_id] = series.hub
        waiting = by_hub[series.hub_id].setdefault(series.pk, Waiting(series, 0, join_request.requested_at))
        waiting.count += 1
        newest[series.hub_id] = join_request  # the last one read is the newest
    return [HubQueue(hubs[hub_id], list(series.values()), newest[hub_id]) for hub_id, series in by_hub.items()]


def _key(queue: HubQueue, manager: User) -> str:
    stamp = int(queue.newest.requested_at.timestamp() * 1_000_000)
    return f"join-waiting:{queue.hub.pk}:{manager.pk}:{queue.newest.pk}:{stamp}"


def _message(queue: HubQueue, manager: User) -> EmailToQueue:
    review_url = absolute(reverse("hubs:manage:join_requests", args=[queue.hub.slug]))
    return EmailToQueue(
        to=manager.email,
        language=language_of(manager),
        kind=OutboundEmail.Kind.JOIN_REQUEST,
        idempotency_key=_key(queue, manager),
        template=TEMPLATE,
        context={
            **recipient_context(manager),
            "hub": queue.hub,
            "count": queue.count,
            "series": queue.series,
            "review_url": review_url,
        },
    )


def queue_join_request_notices() -> int:
    """Queue the email to each manager of each hub with a request not yet announced; returns how many were new."""
    queues = waiting_by_hub()
    if not queues:
        return 0
    managers: dict[int, list[User]] = defaultdict(list)
    memberships = HubMembership.objects.filter(
        hub__in=[queue.hub for queue in queues], role=HubMembership.Role.MANAGER, user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("pk"):
        managers[membership.hub_id].append(membership.user)
    # queue_bulk renders only the emails whose keys are new: managers already told cost nothing but their key.
    return queue_bulk(messages=[_message(queue, manager) for queue in queues for manager in managers[queue.hub.pk]])
