"""Running the same action in many threads at the same instant, as a burst of users does."""

import threading

from django.db import connection


def all_at_once(action, items) -> list:
    """Run action(item) for every item at the same moment, each in a thread with its own database connection.

    Returns the results (in the order the threads finished); fails the test with the first errors raised."""
    barrier = threading.Barrier(len(items))
    results, errors = [], []

    def run(item):
        try:
            barrier.wait(timeout=30)
            results.append(action(item))
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    return results
