from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from earful.core.models import RateCount
from earful.core.ratelimit import Limit, client_address, seconds_until_allowed


def test_a_limit_reads_count_per_seconds_and_zero_means_off():
    assert Limit.parse("120/60", "X") == Limit(120, 60)
    assert Limit.parse("0", "X").count == 0
    with pytest.raises(ValueError, match="COUNT/SECONDS"):
        Limit.parse("lots", "EARFUL_RATE_LIMIT_PUBLIC")


def test_the_request_after_the_limit_waits_for_the_window_to_end(db):
    limit = Limit(3, 60)
    waits = [seconds_until_allowed("t", "1.2.3.4", limit, now=1000.0) for _ in range(4)]
    assert waits == [0, 0, 0, 20]  # the window 960-1020 ends in 20 s
    assert seconds_until_allowed("t", "1.2.3.4", limit, now=1021.0) == 0


def test_each_address_has_its_own_budget(db):
    limit = Limit(1, 60)
    assert seconds_until_allowed("t", "1.1.1.1", limit, now=10.0) == 0
    assert seconds_until_allowed("t", "2.2.2.2", limit, now=10.0) == 0


def test_client_addresses_are_never_kept_in_clear(db):
    seconds_until_allowed("t", "203.0.113.9", Limit(5, 60), now=10.0)
    keys = list(RateCount.objects.values_list("key", flat=True))
    assert len(keys) == 1
    assert not any("203.0.113.9" in key for key in keys)


def test_the_count_lives_in_the_database_so_every_process_shares_it(db):
    """A gunicorn worker is another process with its own memory: only the row is shared."""
    limit = Limit(3, 60)
    for _ in range(3):
        assert seconds_until_allowed("t", "1.2.3.4", limit, now=1000.0) == 0
    cache.clear()  # nothing kept in this process's memory counts
    assert seconds_until_allowed("t", "1.2.3.4", limit, now=1000.0) == 20
    assert RateCount.objects.get().count == 4


def test_a_new_window_counts_from_one_in_the_same_row(db):
    limit = Limit(1, 60)
    assert seconds_until_allowed("t", "1.2.3.4", limit, now=10.0) == 0
    assert seconds_until_allowed("t", "1.2.3.4", limit, now=70.0) == 0
    assert RateCount.objects.get().count == 1


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "6.6.6.6, 203.0.113.5", "10.0.0.1"),  # no proxy trusted: the connection's
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote 6.6.6.6 itself
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (3, "203.0.113.5", "203.0.113.5"),  # fewer than said: the left-most there is
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_is_the_nth_from_the_right_of_x_forwarded_for(
    settings, rf, proxies, forwarded, address
):
    settings.EARFUL_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == address


def public_flood(n: int, **extra):
    client = Client(REMOTE_ADDR="198.51.100.7")
    return [client.get("/s/no-such-survey/", **extra) for _ in range(n)]


@override_settings(EARFUL_RATE_LIMIT_PUBLIC="3/60")
def test_a_flood_on_a_public_door_gets_429_with_retry_after(db):
    from earful.core.ratelimit import AbuseLimitMiddleware  # noqa: F401  (settings read at init)

    replies = public_flood(5)
    assert [r.status_code for r in replies] == [404, 404, 404, 429, 429]
    assert int(replies[-1]["Retry-After"]) >= 1
    assert replies[-1].json()["detail"][0]["field"] == "rate"


@override_settings(EARFUL_RATE_LIMIT_PUBLIC="3/60")
def test_a_flooding_address_does_not_block_another_customer(db):
    public_flood(5)
    other = Client(REMOTE_ADDR="192.0.2.44")
    assert other.get("/s/no-such-survey/").status_code == 404


@override_settings(EARFUL_PUBLIC_MAX_BODY_BYTES=1024)
def test_an_oversized_answer_is_refused_before_it_is_read(db):
    reply = Client().post(
        "/api/v1/public/surveys/x/responses", "x" * 5000, content_type="application/json"
    )
    assert reply.status_code == 413
    assert reply.json()["detail"][0]["field"] == "body"


@override_settings(EARFUL_RATE_LIMIT_TOKEN="2/60")
def test_each_api_token_has_a_rate_limit(alice):
    codes = [alice.api.get("/api/v1/surveys").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
