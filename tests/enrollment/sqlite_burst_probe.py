"""Run by test_sqlite_concurrency in a process of its own, on an SQLite file (the `make run` default).

Migrates the file named by DATABASE_URL, then fires simultaneous register POSTs through the
whole request stack, each thread with its own connection, and prints what came back as JSON.
"""

import json
import threading

import django

django.setup()

from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from enrollment.models import Registration  # noqa: E402
from notifications.models import OutboundEmail  # noqa: E402
from tests import factories  # noqa: E402


def burst(posts):
    """Each (client, data) posts to the register page at the same moment; returns the status codes."""
    barrier = threading.Barrier(len(posts))
    statuses = []

    def run(client, url, data):
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(url, data).status_code)
        except Exception as error:  # noqa: BLE001 (reported, the test asserts there is none)
            statuses.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def signed_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def main():
    call_command("migrate", verbosity=0)
    series = factories.SeriesFactory(slug="burst")
    roomy = factories.SessionFactory(series=series)
    last_seat = factories.SessionFactory(series=series, capacity=1)
    url = reverse("enrollment:register", args=[series.slug])
    consent = {"consent": "on"}

    # A double click on a slow link, then two more tabs: five POSTs from one person.
    alice = factories.UserFactory(email="alice@example.org")
    alice_client = signed_in(alice)
    double_click = burst([(alice_client, url, {"sessions": [roomy.pk], **consent})] * 5)

    # Three people race for the last seat.
    racers = [factories.UserFactory(email=f"racer{n}@example.org") for n in range(3)]
    race = burst([(signed_in(user), url, {"sessions": [last_seat.pk], **consent}) for user in racers])

    print(
        json.dumps(
            {
                "double_click": double_click,
                "alice_registrations": Registration.objects.filter(user=alice).count(),
                "alice_emails": OutboundEmail.objects.filter(recipient=alice.email).count(),
                "race": race,
                "last_seat": sorted(Registration.objects.filter(session=last_seat).values_list("status", flat=True)),
                # Tasks run in-process (no broker): every email is delivered before its request is answered.
                "email_keys": sorted(OutboundEmail.objects.values_list("idempotency_key", flat=True)),
                "email_statuses": sorted(set(OutboundEmail.objects.values_list("status", flat=True))),
                "delivered_keys": sorted(
                    message.extra_headers["X-Echo-Idempotency-Key"] for message in getattr(mail, "outbox", [])
                ),
            }
        )
    )


main()
