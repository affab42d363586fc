"""The admin login lockout: a username locks after its own failures; an address only at a higher limit."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from partnership.auth import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "right-horse-battery-staple"
OFFICE = "192.0.2.10"


@pytest.fixture
def accounts(db):
    users = get_user_model().objects
    users.create_superuser("root", "root@example.org", PASSWORD)
    for name in ["ana", "ben", "chi"]:
        users.create_user(name, password=PASSWORD, is_staff=True)


def login(username: str, password: str, address: str = OFFICE, **headers) -> int:
    response = Client().post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )
    return response.status_code


def test_a_good_login_of_another_account_does_not_reset_the_guesses_at_the_superuser(accounts):
    """Four guesses at root, a good login as ana, repeated: root is locked all the same."""
    for _ in range(3):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            login("root", "guess")
        assert login("ana", PASSWORD) == 302
    assert login("root", PASSWORD) == 429
    assert login("root", PASSWORD, address="198.51.100.1") == 429
    assert login("ana", PASSWORD) == 302


def test_one_editors_wrong_passwords_do_not_lock_the_others_at_the_same_address(accounts):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login("ana", "typo")
    assert login("ana", PASSWORD) == 429
    assert login("ben", PASSWORD) == 302
    assert login("chi", PASSWORD) == 302


def test_a_success_clears_only_that_usernames_failures(accounts):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login("ana", "typo")
        login("ben", "typo")
    assert login("ana", PASSWORD) == 302
    assert login("ana", "typo") == 200  # ana starts again from one failure
    assert login("ben", "typo") == 429  # ben's fifth failure: his count was kept


@override_settings(AXES_ADDRESS_FAILURE_LIMIT=12)
def test_an_address_spraying_many_usernames_is_locked_at_its_own_limit(accounts):
    for n in range(12):
        login(f"user{n}", "guess")  # each username fails once: none is near its limit
    assert login("ben", PASSWORD) == 429
    assert login("ben", PASSWORD, address="198.51.100.1") == 302


@override_settings(AXES_ADDRESS_FAILURE_LIMIT=3, NUM_PROXIES=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(accounts):
    """One proxy: the last X-Forwarded-For entry is the client; what the client itself wrote is ignored."""
    for n in range(3):
        login(f"user{n}", "guess", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7")
    assert login("ben", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7") == 429
    assert login("ben", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8") == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.1", "10.0.0.1"),
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "6.6.6.6, 203.0.113.1", "203.0.113.1"),
        (2, "6.6.6.6, 203.0.113.1, 10.0.0.9", "203.0.113.1"),
        (2, "203.0.113.1", "203.0.113.1"),
        (1, "", "10.0.0.1"),
        (1, " , ", "10.0.0.1"),
    ],
)
def test_the_client_address_rule(settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
