"""The signed-in user comes from the cache (accounts/user_cache.py), and never outlives a change to their row.

Alice is signed in; what staff, another tab or a background task change about her shows on her next request.
Her kept row is dropped when the change commits: the test's own transaction never does, so each change is made
inside `django_capture_on_commit_callbacks(execute=True)`, which runs what its commit runs.
"""

import pickle

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import privacy
from accounts.models import User

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a new long passphrase 123"


@pytest.fixture
def alice(clinician):
    browser = Client()
    browser.force_login(clinician)
    assert browser.get(reverse("accounts:profile")).status_code == 200  # her row is now in the cache
    return browser


def _signed_in(browser) -> bool:
    return browser.get(reverse("enrollment:my_learning")).status_code == 200


def test_her_row_is_read_once_then_from_the_cache(alice, django_assert_num_queries):
    # None: she and her header's hub links come from the cache (the 404 page has the whole header)
    with django_assert_num_queries(0):
        response = alice.get("/no-such-page/")
    assert response.status_code == 404 and "Sign out" in response.content.decode()


def test_the_cache_never_holds_her_password_hash(alice, clinician):
    kept = cache.get(f"auth-user:{clinician.pk}")
    assert kept is not None and kept[1][0] == str(clinician.pk)
    assert clinician.password and clinician.password.encode() not in pickle.dumps(kept)


def test_a_password_changed_elsewhere_signs_her_out(alice, clinician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        clinician.set_password(NEW_PASSWORD)
        clinician.save()

    assert not _signed_in(alice)


def test_a_deactivated_account_is_signed_out_at_once(alice, clinician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        clinician.is_active = False
        clinician.save()

    assert not _signed_in(alice)


def test_a_deleted_account_is_signed_out_at_once(alice, clinician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        clinician.delete()

    assert not _signed_in(alice)


def test_staff_changing_her_language_shows_on_her_next_page(alice, clinician, django_capture_on_commit_callbacks):
    staff_copy = User.objects.get(pk=clinician.pk)  # the row as staff load it in the admin
    staff_copy.preferred_language = "fr"
    with django_capture_on_commit_callbacks(execute=True):
        staff_copy.save()

    assert '<html lang="fr">' in alice.get(reverse("accounts:profile")).content.decode()


def test_a_deletion_cancelled_by_an_update_shows_at_once(alice, clinician, django_capture_on_commit_callbacks):
    clinician.deletion_requested_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        clinician.save(update_fields=["deletion_requested_at"])
    assert "due to be deleted" in alice.get(reverse("my_data")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.cancel_deletion(user=clinician)  # QuerySet.update(): no signal, the service forgets her row

    assert "due to be deleted" not in alice.get(reverse("my_data")).content.decode()


def test_her_own_password_change_keeps_her_signed_in_and_saves_only_what_it_changed(alice, clinician):
    response = alice.post(
        reverse("account_change_password"),
        {"oldpassword": "correct horse battery", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.get(pk=clinician.pk).check_password(NEW_PASSWORD)
    assert _signed_in(alice)


class _CacheReads:
    """Each read the default cache is asked for (one round trip each), with the keys it asked for."""

    def __init__(self, monkeypatch):
        from django.core.cache import caches

        self.reads: list[list[str]] = []
        backend = caches["default"]
        for name, keys_of in (("get", lambda key, *a, **k: [key]), ("get_many", lambda keys, *a, **k: list(keys))):
            original = getattr(backend, name)

            def spy(*args, _original=original, _keys_of=keys_of, **kwargs):
                self.reads.append(_keys_of(*args, **kwargs))
                return _original(*args, **kwargs)

            monkeypatch.setattr(backend, name, spy)


def test_a_session_seen_before_is_read_with_her_user_in_one_round_trip(redis_cache, clinician, monkeypatch):
    alice = Client()
    alice.force_login(clinician)
    assert alice.get("/no-such-page/").status_code == 404  # her row, her header's parts: now in the cache
    reads = _CacheReads(monkeypatch)

    response = alice.get("/no-such-page/")  # the whole header, nothing of a page's own

    assert response.status_code == 404 and "Sign out" in response.content.decode()
    assert len(reads.reads) == 1
    (keys,) = reads.reads
    session_key = alice.cookies["sessionid"].value
    assert f"auth-user:{clinician.pk}" in keys and any(key.endswith(session_key) for key in keys)


def test_a_wrong_guess_of_whose_session_it_is_still_gives_her_own_account(alice, clinician, outsider, monkeypatch):
    from accounts import user_cache

    charlie = Client()
    charlie.force_login(outsider)
    assert charlie.get(reverse("accounts:profile")).status_code == 200  # his entry is in the cache too
    user_cache._session_users[alice.cookies["sessionid"].value] = str(outsider.pk)  # as if the process mixed them
    reads = _CacheReads(monkeypatch)

    page = alice.get(reverse("accounts:profile")).content.decode()

    assert 'value="Tremblay"' in page and "Nobody" not in page
    assert len(reads.reads) >= 2  # the guess read Charlie's entry along; hers was then read as usual


def test_signing_out_in_another_tab_signs_her_out_here_too(alice):
    other_tab = Client()
    other_tab.cookies = alice.cookies
    assert _signed_in(alice)  # this process now reads her session with her user

    assert other_tab.post(reverse("account_logout")).status_code == 302
    stale = Client()
    stale.cookies["sessionid"] = alice.cookies["sessionid"].value  # the tab that still has the old cookie

    assert not _signed_in(stale)


def test_the_session_read_along_is_the_one_stored_now(alice, monkeypatch):
    from django.contrib.sessions.backends.cached_db import SessionStore

    from accounts.sessions import SessionStore as PortalStore

    assert _signed_in(alice)
    stored = SessionStore(alice.cookies["sessionid"].value)
    stored["note from another process"] = "changed"
    stored.save()  # what another process writes, through Django's own cached_db backend

    seen = []
    original = PortalStore.load

    def load(self):
        data = original(self)
        seen.append(dict(data))
        return data

    monkeypatch.setattr(PortalStore, "load", load)
    assert _signed_in(alice)
    assert seen and seen[0].get("note from another process") == "changed"


def test_each_request_carries_its_own_signed_in_user_not_a_stand_in(alice, clinician, outsider):
    bob = Client()
    bob.force_login(outsider)

    for browser, person in ((alice, clinician), (bob, outsider), (alice, clinician)):
        response = browser.get(reverse("accounts:profile"))
        assert type(response.wsgi_request.user) is User  # the row itself: no lazy object's detour on each read
        assert response.wsgi_request.user.pk == person.pk
        assert f'name="last_name" value="{person.last_name}"' in response.content.decode()  # her profile, his


def test_signing_out_leaves_the_request_and_the_next_page_anonymous(alice):
    response = alice.post(reverse("account_logout"))

    assert not response.wsgi_request.user.is_authenticated
    assert not _signed_in(alice)
