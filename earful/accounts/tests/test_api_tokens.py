from __future__ import annotations

import re

import pytest
from django.test import Client

from earful.accounts.models import ApiToken
from earful.accounts.services import create_api_token, revoke_api_token

RAW_TOKEN = re.compile(r"ea_[A-Za-z0-9_-]{40,}")
CUSTOMERS = "/api/v1/customers"


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_alice_s_token_reads_the_api_and_records_when_it_was_used(alice):
    response = alice.api.get(CUSTOMERS)

    assert response.status_code == 200
    assert ApiToken.objects.get(member=alice.member, name="tests").last_used_at is not None


def test_a_request_without_a_token_gets_401_with_the_error_shape(db):
    response = Client().get(CUSTOMERS)

    assert response.status_code == 401
    assert response.json() == {
        "detail": [
            {
                "field": "Authorization",
                "message": "send a valid token: Authorization: Bearer <token>",
            }
        ]
    }


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ea_not-a-real-token-at-all-not-a-real-token-at-all",
        "Bearer not-even-our-prefix",
        "Token {alice}",
        "{alice}",
    ],
)
def test_an_invalid_token_gets_401(alice, header):
    client = Client(headers={"Authorization": header.format(alice=alice.token)})

    assert client.get(CUSTOMERS).status_code == 401


def test_a_revoked_token_gets_401(alice):
    revoke_api_token(token=ApiToken.objects.get(member=alice.member, name="tests"))

    assert alice.api.get(CUSTOMERS).status_code == 401


def test_the_token_of_a_deactivated_user_gets_401(alice):
    alice.member.user.is_active = False
    alice.member.user.save()

    assert alice.api.get(CUSTOMERS).status_code == 401


def test_a_token_created_on_the_tokens_page_is_shown_once_and_works(alice):
    created = alice.client.post("/settings/tokens/", {"name": "CI pipeline"})

    assert created.status_code == 200
    html = created.content.decode()
    raw_tokens = RAW_TOKEN.findall(html)
    assert len(raw_tokens) == 1
    raw = raw_tokens[0]
    assert "Copy this token now" in html
    assert bearer(raw).get(CUSTOMERS).status_code == 200

    later = alice.client.get("/settings/tokens/").content.decode()
    assert "CI pipeline" in later
    assert raw not in later
    assert not RAW_TOKEN.search(later)
    assert raw[:10] in later  # the start of it, to tell tokens apart


def test_a_token_without_a_name_is_refused_on_the_tokens_page(alice):
    before = ApiToken.objects.count()

    response = alice.client.post("/settings/tokens/", {"name": ""})

    assert response.status_code == 200
    assert not RAW_TOKEN.search(response.content.decode())
    assert ApiToken.objects.count() == before


def test_revoking_a_token_on_the_tokens_page_stops_it_and_unlists_it(alice):
    new = create_api_token(member=alice.member, name="laptop script")

    revoked = alice.client.post(f"/settings/tokens/{new.token.pk}/revoke/")

    assert revoked.status_code == 302
    assert revoked["Location"] == "/settings/tokens/"
    assert bearer(new.raw).get(CUSTOMERS).status_code == 401
    assert "laptop script" not in alice.client.get("/settings/tokens/").content.decode()
    assert alice.api.get(CUSTOMERS).status_code == 200  # her other token still works


def test_revoking_needs_a_post(alice):
    new = create_api_token(member=alice.member, name="laptop script")

    assert alice.client.get(f"/settings/tokens/{new.token.pk}/revoke/").status_code == 405
    assert bearer(new.raw).get(CUSTOMERS).status_code == 200


def test_charlie_gets_404_revoking_alice_s_token(alice, charlie):
    token = ApiToken.objects.get(member=alice.member, name="tests")

    response = charlie.client.post(f"/settings/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert alice.api.get(CUSTOMERS).status_code == 200


def test_bob_gets_404_revoking_alice_s_token_in_the_same_organization(alice, bob):
    token = ApiToken.objects.get(member=alice.member, name="tests")

    assert bob.client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    assert alice.api.get(CUSTOMERS).status_code == 200


def test_the_tokens_page_lists_only_your_own_tokens(alice, bob):
    create_api_token(member=alice.member, name="alice's export job")

    page = bob.client.get("/settings/tokens/").content.decode()

    assert "alice&#x27;s export job" not in page
    assert "alice's export job" not in page


def test_a_viewer_may_not_manage_tokens(persona_with_role):
    viewer = persona_with_role("viewer")

    assert viewer.client.get("/settings/tokens/").status_code == 403
    assert viewer.client.post("/settings/tokens/", {"name": "x"}).status_code == 403
