"""Requests per client address per minute for the API, counted by
django-ratelimit in the shared cache (Redis: one count for all app servers).

Without REDIS_URL the cache is each process's memory, so each process counts
on its own (a limit per process). With Redis configured but not answering,
requests are let through rather than refused: the API is public, read-only
data, and a dead Redis must not take it down. That is logged at most once a
minute, and Redis is asked again only every few seconds, as the page cache does."""

import logging
import math
import threading
import time

import redis
from django.conf import settings
from django_ratelimit.core import get_usage

from audit.client_ip import client_ip

logger = logging.getLogger("api.ratelimit")

GROUP = "api"
RETRY_SECONDS = 2.0
WARN_EVERY_SECONDS = 60.0


class _Outage:
    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at = 0.0
        self.last_warning = -math.inf

    def skipping(self):
        return time.monotonic() < self.retry_at

    def failed(self, error):
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + RETRY_SECONDS
            warn = now - self.last_warning >= WARN_EVERY_SECONDS
            if warn:
                self.last_warning = now
        if warn:
            logger.warning(
                "API rate limit unavailable (%s: %s); requests are not limited until it answers.",
                type(error).__name__,
                error,
            )

    def reset(self):
        with self.lock:
            self.retry_at = 0.0
            self.last_warning = -math.inf


outage = _Outage()


def _address(group, request):
    return client_ip(request) or "unknown"


def retry_after(request):
    """Seconds the client must wait if it is over the limit, else None."""
    per_minute = settings.API_RATE_LIMIT_PER_MINUTE
    if per_minute <= 0 or outage.skipping():
        return None
    try:
        usage = get_usage(
            request, group=GROUP, key=_address, rate=f"{per_minute}/m", increment=True
        )
    except (redis.RedisError, OSError) as error:
        outage.failed(error)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])
