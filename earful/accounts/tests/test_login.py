from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client

from earful.accounts.models import LoginAttempt, User
from earful.accounts.services import set_password

PAGES = ["/customers/", "/customers/import/", "/settings/tokens/", "/settings/roles/", "/surveys/"]


@pytest.fixture
def alice_password(alice) -> str:
    set_password(user=alice.member.user, password="correct horse battery")
    return "correct horse battery"


def test_the_login_page_asks_for_email_and_password(db):
    page = Client().get("/login/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="username" type="email"' in html
    assert 'name="password" type="password"' in html


def test_alice_signs_in_and_lands_where_she_was_going(alice, alice_password):
    client = Client()

    response = client.post(
        "/login/?next=/customers/",
        {"username": "alice@a.test", "password": alice_password, "next": "/customers/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/customers/"
    assert "alice@a.test" in client.get("/customers/").content.decode()


def test_alice_signs_in_with_her_email_typed_in_capitals(alice, alice_password):
    client = Client()

    response = client.post("/login/", {"username": "Alice@A.test", "password": alice_password})

    assert response.status_code == 302
    assert client.get("/customers/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(alice, alice_password):
    client = Client()

    response = client.post("/login/", {"username": "alice@a.test", "password": "nope"})

    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert client.get("/customers/").status_code == 302


def test_signing_out_ends_the_session(alice):
    signed_out = alice.client.post("/logout/")

    assert signed_out.status_code == 302
    assert signed_out["Location"] == "/login/"
    assert alice.client.get("/customers/").status_code == 302


@pytest.mark.parametrize("url", PAGES)
def test_pages_send_anonymous_visitors_to_the_login_page(db, url):
    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/login/?next={url}")


def test_a_signed_in_user_without_an_organization_gets_403_not_a_redirect_loop(db):
    client = Client()
    client.force_login(User.objects.create_user(email="drifter@x.test", password="x"))

    response = client.get("/customers/", follow=True)

    assert response.status_code == 403
    assert "not a member of any organization" in response.content.decode()
    assert response.redirect_chain == []


# The lock-out (accounts/signin.py): 5 failures in 15 minutes by default --------------------------


def _try(client: Client, password: str, email: str = "alice@a.test", **extra: str):
    return client.post("/login/", {"username": email, "password": password}, **extra)


def _age_attempts(minutes: int) -> None:
    """The clock moves on: every stored try becomes `minutes` older."""
    LoginAttempt.objects.update(at=F("at") - timedelta(minutes=minutes))


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(alice, alice_password):
    client = Client()
    assert [_try(client, f"wrong {n}").status_code for n in range(5)] == [200] * 5

    locked = _try(client, alice_password)

    assert locked.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in locked.content.decode()
    assert client.get("/customers/").status_code == 302  # not signed in


def test_the_lock_out_holds_from_another_address_and_expires(alice, alice_password):
    for n in range(5):
        _try(Client(REMOTE_ADDR="198.51.100.1"), f"wrong {n}")
    elsewhere = Client(REMOTE_ADDR="203.0.113.5")
    assert _try(elsewhere, alice_password).status_code == 429  # per account, any address

    _age_attempts(10)
    assert "Try again in 5 minutes." in _try(elsewhere, alice_password).content.decode()
    _age_attempts(6)
    assert _try(elsewhere, alice_password).status_code == 302


def test_a_success_clears_the_account_s_count(alice, alice_password):
    client = Client()
    for n in range(4):
        _try(client, f"wrong {n}")
    assert _try(client, alice_password).status_code == 302
    assert [_try(Client(), f"again {n}").status_code for n in range(4)] == [200] * 4


def test_one_address_trying_many_accounts_is_locked_out_too(alice, alice_password):
    spray = Client(REMOTE_ADDR="192.0.2.9")
    for n in range(20):
        _try(spray, "password1", email=f"user{n}@a.test")
    assert _try(spray, alice_password).status_code == 429
    assert _try(Client(REMOTE_ADDR="192.0.2.10"), alice_password).status_code == 302


def test_every_try_is_kept_for_the_audit_log(alice, alice_password):
    _try(Client(REMOTE_ADDR="198.51.100.1"), "wrong")
    _try(Client(REMOTE_ADDR="198.51.100.1"), alice_password)
    kept = list(LoginAttempt.objects.order_by("at").values_list("email", "address", "outcome"))
    assert kept == [
        ("alice@a.test", "198.51.100.1", "failed"),
        ("alice@a.test", "198.51.100.1", "succeeded"),
    ]


def test_the_limits_follow_the_settings(alice, alice_password, settings):
    settings.EARFUL_LOGIN_MAX_FAILURES = 2
    settings.EARFUL_LOGIN_LOCKOUT_MINUTES = 60
    client = Client()
    _try(client, "a")
    _try(client, "b")
    assert "Try again in 60 minutes." in _try(client, alice_password).content.decode()
