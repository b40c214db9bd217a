"""What a process remembers of a shared server it could not reach (Redis, for
the page cache, the visit counts and the API's rate limit).

After a failure the server is left alone for `retry_seconds`, so a dead Redis
costs one connection attempt every few seconds rather than one per request,
and the failure is logged at most once every `warn_every_seconds`."""

import math
import threading
import time


class Outage:
    retry_seconds = 2.0
    warn_every_seconds = 60.0

    def __init__(self, logger, message):
        """`message` is a logging format taking the error's type name and the error."""
        self.logger = logger
        self.message = message
        self.lock = threading.Lock()
        self.retry_at = 0.0
        self.last_warning = -math.inf

    def failed(self, error):
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + self.retry_seconds
            warn = now - self.last_warning >= self.warn_every_seconds
            if warn:
                self.last_warning = now
        if warn:
            self.logger.warning(self.message, type(error).__name__, error)

    def skipping(self):
        return time.monotonic() < self.retry_at

    def forget(self):
        """Try again on the next call, and warn again should that one fail too."""
        with self.lock:
            self.retry_at = 0.0
            self.last_warning = -math.inf
