"""The signed-in user comes from the cache (accounts/user_cache.py), and never outlives a change to their row.

Alice is signed in; what staff, another tab or a background task change about her shows on her next request.
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


def test_a_password_changed_elsewhere_signs_her_out(alice, clinician):
    clinician.set_password(NEW_PASSWORD)
    clinician.save()

    assert not _signed_in(alice)


def test_a_deactivated_account_is_signed_out_at_once(alice, clinician):
    clinician.is_active = False
    clinician.save()

    assert not _signed_in(alice)


def test_a_deleted_account_is_signed_out_at_once(alice, clinician):
    clinician.delete()

    assert not _signed_in(alice)


def test_staff_changing_her_language_shows_on_her_next_page(alice, clinician):
    staff_copy = User.objects.get(pk=clinician.pk)  # the row as staff load it in the admin
    staff_copy.preferred_language = "fr"
    staff_copy.save()

    assert '<html lang="fr">' in alice.get(reverse("accounts:profile")).content.decode()


def test_a_deletion_cancelled_by_an_update_shows_at_once(alice, clinician):
    clinician.deletion_requested_at = timezone.now()
    clinician.save(update_fields=["deletion_requested_at"])
    assert "due to be deleted" in alice.get(reverse("my_data")).content.decode()

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
