"""The API's rate limit on a redis-server of these tests' own: one round trip
per request, exact counts when servers count at once, a lifetime on every
counter, and 429 with Retry-After through the whole stack."""

import threading

import pytest
import redis
from django.test import RequestFactory

from api import ratelimit
from core.pagecache import store
from tests.site.visit_redis import redis_server, use_redis  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_redis(redis_server, settings):  # noqa: F811
    use_redis(settings, redis_server.url)
    ratelimit.outage.forget()
    yield redis_server
    ratelimit.outage.forget()
    store.forget_outage()


def _request(address):
    return RequestFactory().get("/api/v1/articles/", REMOTE_ADDR=address)


class CountingClient(redis.Redis):
    """A redis-py client that counts the commands it sends."""

    sent = 0

    def execute_command(self, *args, **options):
        type(self).sent += 1
        return super().execute_command(*args, **options)


def test_one_round_trip_per_request_and_a_lifetime_on_the_counter(on_redis, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    client = CountingClient.from_url(on_redis.url)
    ratelimit._count_in_redis(client, _request("203.0.113.8"), 3, 1_000_010.0)  # loads the script
    CountingClient.sent = 0
    # 1_000_010 s is 50 s into its minute.
    answers = [
        ratelimit._count_in_redis(client, _request("203.0.113.9"), 3, 1_000_010.0) for _ in range(4)
    ]
    assert CountingClient.sent == 4
    assert answers == [(False, 10), (False, 10), (False, 10), (True, 10)]
    keys = client.keys("*api-ratelimit*")
    assert len(keys) == 2
    assert all(0 < client.ttl(key) <= ratelimit.PERIOD + ratelimit.EXPIRY_FUDGE for key in keys)
    # The next minute is counted afresh.
    assert ratelimit._count_in_redis(client, _request("203.0.113.9"), 3, 1_000_020.0)[0] is False


def test_servers_counting_at_once_let_exactly_the_limit_through(on_redis, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 25
    # Two "servers", each with its own client (its own connections), four threads each.
    servers = [redis.Redis.from_url(on_redis.url) for _ in range(2)]
    results, lock = [], threading.Lock()

    def send(client):
        for _ in range(10):
            limited, _ = ratelimit._count_in_redis(client, _request("203.0.113.7"), 25, 2e6)
            with lock:
                results.append(limited)

    threads = [threading.Thread(target=send, args=(servers[n % 2],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(False) == 25 and results.count(True) == 55


def test_the_site_answers_429_with_retry_after_from_redis(api, content, on_redis, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    statuses = [api.get("/api/v1/tags/", REMOTE_ADDR="203.0.113.5").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = api.get("/api/v1/tags/", REMOTE_ADDR="203.0.113.5")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "rate_limited"
    assert api.get("/api/v1/tags/", REMOTE_ADDR="203.0.113.6").status_code == 200
