"""Where cached pages live: Django's cache (Redis, shared by every app server)
holds the generation counter and the entries; each process keeps its own copies
of recent entries so that a hit costs one small Redis round trip (reading the
generation), not a transfer of the page.

An entry is valid while its generation is the current one and its expiry time
(bounded by the visibility horizon) has not passed. Nothing is ever deleted to
invalidate: moving the generation on makes every entry on every server invalid
at once, and Redis drops the old ones when their time runs out.
"""

import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from core.outages import Outage

logger = logging.getLogger("core.pagecache")

GENERATION_KEY = "pagecache:generation"
ENTRY_KEY = "pagecache:page:{}"


class Unavailable(Exception):
    """The shared cache could not be reached (or is being left alone after a failure)."""


class Entry(NamedTuple):
    generation: int
    expires_at: float  # POSIX time, by django.utils.timezone.now()
    status: int
    headers: tuple  # (name, value) pairs
    content: bytes

    def valid(self, generation, now):
        return self.generation == generation and now < self.expires_at


class _Outage(Outage):
    """The page cache's outage (core.outages). The first successful call after a
    failure moves the generation on: content may have been written while no one
    could move it, and entries made before the outage must not come back."""

    def __init__(self):
        super().__init__(
            logger, "Page cache unavailable (%s: %s); pages are built uncached until it answers."
        )
        self.generation_owed = False

    def failed(self, error):
        self.generation_owed = True
        super().failed(error)

    def forget(self):
        super().forget()
        self.generation_owed = False


_outage = _Outage()


def _shared():
    return caches[settings.PAGE_CACHE_ALIAS]


def call(operation):
    """operation(cache), or Unavailable if the shared cache fails or is resting."""
    if _outage.skipping():
        raise Unavailable
    cache = _shared()
    try:
        result = operation(cache)
        if _outage.generation_owed:
            _outage.generation_owed = False
            _increment(cache)
    except Exception as error:
        # Any failure of the cache client (refused, timed out, reset, a protocol
        # error) means the same thing to a reader: build the page without it.
        _outage.failed(error)
        raise Unavailable from error
    return result


def key(*parts):
    """A cache key for what `parts` (strings, or anything str() names) identify."""
    return hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()


def _fresh_generation():
    # Microseconds since the epoch: larger than any generation counted up before
    # the key was lost (evicted or Redis restarted empty), so an old entry that
    # survived elsewhere can never match it.
    return time.time_ns() // 1000


class _Clients:
    """One long-lived redis-py client per CACHES entry that is Redis.

    Django's RedisCache builds a new client object for every call (a dict of
    some 170 response callbacks each time), which costs as much as the round
    trip itself; what runs on every request keeps its own client instead,
    built from the same CACHES entry."""

    def __init__(self):
        self.clients = {}

    def get(self, alias):
        config = settings.CACHES[alias]
        location = config["LOCATION"]
        if not isinstance(location, str):
            location = tuple(location)
        client = self.clients.get(location)
        if client is None:
            # The primary: with replicas listed, Django writes to the first server.
            servers = location.split(",") if isinstance(location, str) else location
            client = redis.Redis.from_url(servers[0], **config.get("OPTIONS", {}))
            self.clients[location] = client
        return client


_clients = _Clients()


def redis_client(alias=None):
    """The long-lived redis-py client of CACHES[alias] (the page cache's by
    default), or None when that cache is not Redis."""
    alias = alias or settings.PAGE_CACHE_ALIAS
    if not isinstance(caches[alias], RedisCache):
        return None
    return _clients.get(alias)


class _GenerationReader:
    """The generation read on every hit, with the long-lived client (Django
    stores integers unpickled, so the raw value is the counter)."""

    def read(self, cache):
        if not isinstance(cache, RedisCache):
            return cache.get(GENERATION_KEY)
        value = _clients.get(settings.PAGE_CACHE_ALIAS).get(
            cache.make_and_validate_key(GENERATION_KEY)
        )
        return None if value is None else int(value)


_reader = _GenerationReader()


def _read_generation(cache):
    generation = _reader.read(cache)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _increment(cache):
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet: any fresh value invalidates as well
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)


def current_generation():
    """The generation entries must carry to be served; Unavailable if unknown."""
    return call(_read_generation)


def generation_settled():
    """False while this process owes the shared cache a generation move (it
    failed, and the first call that succeeds moves it). Code that reads
    GENERATION_KEY in Redis itself must go through current_generation() then."""
    return not _outage.generation_owed


def bump_generation():
    """Make every cached page and fragment, on every server, invalid now."""
    try:
        call(_increment)
    except Unavailable:
        _outage.generation_owed = True


class LocalCopies:
    """This process's copies of shared entries, least recently used dropped
    first, bounded in bytes (settings.PAGE_CACHE_LOCAL_MB)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = OrderedDict()
        self.size = 0

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        limit = settings.PAGE_CACHE_LOCAL_MB * 1024 * 1024
        size = len(entry.content) + len(key)
        if size > limit:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old.content) + len(key)
            self.entries[key] = entry
            self.size += size
            while self.size > limit:
                dropped_key, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.content) + len(dropped_key)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


local_copies = LocalCopies()


def get(key, generation, now):
    """The valid entry for `key`: this process's copy, else the shared one."""
    entry = local_copies.get(key)
    if entry is not None and entry.valid(generation, now):
        return entry
    entry = call(lambda cache: cache.get(ENTRY_KEY.format(key)))
    if entry is not None and entry.valid(generation, now):
        local_copies.put(key, entry)
        return entry
    return None


def put(key, entry, now):
    timeout = max(1, math.ceil(entry.expires_at - now))
    call(lambda cache: cache.set(ENTRY_KEY.format(key), entry, timeout))
    local_copies.put(key, entry)


def forget_outage():
    """Try the shared cache again on the next request (after reconfiguring it),
    and warn again should that one fail too."""
    _outage.forget()


def reset():
    """Forget everything cached, here and (if reachable) in the shared cache.
    For tests and operators; content changes never need it."""
    forget_outage()
    local_copies.clear()
    bump_generation()
