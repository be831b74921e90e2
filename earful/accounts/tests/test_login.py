from __future__ import annotations

import pytest
from django.test import Client

from earful.accounts.models import User
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
