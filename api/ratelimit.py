"""Requests per client address per minute for the API, counted in the shared
cache (Redis: one count for all app servers).

With Redis, a count costs one round trip: a Lua script increments the
address's counter for this minute and gives a new counter its lifetime, in
one atomic step, so servers counting at once never lose a request and no
counter is left without an expiry (django-ratelimit's add-then-incr takes
two). The minutes are the clock's, the same on every server. Without
REDIS_URL the cache is each process's memory and django-ratelimit counts
there, each process on its own (a limit per process). With Redis configured but not answering,
requests are let through rather than refused: the API is public, read-only
data, and a dead Redis must not take it down. That is logged at most once a
minute, and Redis is asked again only every few seconds, as the page cache does."""

import hashlib
import logging
import math
import time

import redis
from django.conf import settings
from django.core.cache import caches
from django_ratelimit.core import get_usage

from audit.client_ip import client_ip
from core.outages import Outage
from core.pagecache.store import redis_client

logger = logging.getLogger("api.ratelimit")

GROUP = "api"
PERIOD = 60
# A counter outlives its minute by a little, so a clock a second behind on
# another server still finds it.
EXPIRY_FUDGE = 2
_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
outage = Outage(
    logger, "API rate limit unavailable (%s: %s); requests are not limited until it answers."
)


def _address(group, request):
    return client_ip(request) or "unknown"


_scripts = {}


def _count_in_redis(client, request, per_minute, now):
    """(over the limit?, seconds left in this minute), counting this request."""
    script = _scripts.get(client)
    if script is None:
        # EVALSHA: the script's text crosses the network once per server.
        script = _scripts[client] = client.register_script(_COUNT)
    address = hashlib.sha256(_address(GROUP, request).encode()).hexdigest()[:32]
    minute = int(now // PERIOD)
    key = caches["default"].make_and_validate_key(f"api-ratelimit:{address}:{minute}")
    count = script(keys=[key], args=[PERIOD + EXPIRY_FUDGE], client=client)
    return int(count) > per_minute, math.ceil((minute + 1) * PERIOD - now)


def _count_in_memory(request, per_minute):
    usage = get_usage(request, group=GROUP, key=_address, rate=f"{per_minute}/m", increment=True)
    if usage is None:
        return False, 0
    return usage["should_limit"], usage["time_left"]


def retry_after(request):
    """Seconds the client must wait if it is over the limit, else None."""
    per_minute = settings.API_RATE_LIMIT_PER_MINUTE
    if per_minute <= 0 or outage.skipping():
        return None
    try:
        client = redis_client("default")
        if client is None:
            limited, time_left = _count_in_memory(request, per_minute)
        else:
            limited, time_left = _count_in_redis(client, request, per_minute, time.time())
    except (redis.RedisError, OSError) as error:
        outage.failed(error)
        return None
    if not limited:
        return None
    return max(1, time_left)
