"""Counting visits (浏览次数) without defeating the page cache or writing to the
database once per view.

An article page, cached whole like any other, sends one small POST (a beacon,
static/js/visits.js) to articles.beacon. Each beacon:

- is dropped if it comes from a bot (crawlerdetect, by user agent) or a
  visitor already counted for the article within VISIT_DEDUP_SECONDS: the
  visitor is a keyed hash of article, address and user agent, kept in Redis
  with that lifetime only (never in the database, no cookie);
- otherwise adds one to a buffer in Redis (per article and day);
- answers the article's current count: its total in the database at the last
  flush (cached in Redis under the page-cache generation, so an unpublished
  article is looked up again and refused) plus what the buffer holds for it.

All of that is one Lua script, one round trip to Redis; only a total not kept
under the current generation costs a query and a second run of the script.

The buffer is written to ArticleVisitDay in one transaction once it holds
VISIT_FLUSH_THRESHOLD counts or its oldest count is VISIT_FLUSH_SECONDS old,
by whichever request notices first: no cron. Several app servers may notice at
once; a lock in Redis lets one flush, and the buffer is renamed away in the same
MULTI that resets its size, so counts arriving meanwhile start a new buffer and
none is lost or written twice. A batch whose write failed stays under its
flushing name and is written by the next flush.

Without Redis (no REDIS_URL), or while it does not answer, each process keeps
the buffer and the visitors it saw in its own memory and writes batches the
same way (one warning a minute, as the page cache does); de-duplication then
holds per process only.
"""

import datetime as dt
import hashlib
import hmac
import logging
import threading
import time
import uuid
from collections import Counter, OrderedDict

import redis
from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.client_ip import client_ip
from core.outages import Outage
from core.pagecache import store

from .models import Article, ArticleVisitDay

logger = logging.getLogger("articles.visits")

_REDIS_ERRORS = (redis.RedisError, store.Unavailable)

_crawlers = CrawlerDetect()

BUFFER = "visits:buffer"  # hash "pk:YYYY-MM-DD" -> count
PENDING = "visits:pending"  # hash pk -> count, the same counts by article
SIZE = "visits:size"
SINCE = "visits:since"  # POSIX time of the buffer's first count
FLUSHING = "visits:flushing"
FLUSHING_PENDING = "visits:flushing-pending"
LOCK = "visits:flush-lock"
TOTALS = "visits:totals:{}"  # per page-cache generation: hash pk -> total in the database
SEEN = "visits:seen:{}"

LOCK_SECONDS = 60
TOTALS_SECONDS = 24 * 3600
# Delete the lock only if it is still ours (it may have timed out and been taken).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


def is_bot(user_agent):
    """No browser sends an empty User-Agent; the rest crawlerdetect knows."""
    user_agent = (user_agent or "").strip()
    return not user_agent or _crawlers.is_crawler(user_agent)


def visitor(request, article_pk):
    """A keyed hash of who is reading which article: the address and user agent
    cannot be read back from it, and the same reader of another article is
    another visitor."""
    message = "\n".join((str(article_pk), client_ip(request) or "", _user_agent(request)))
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()[:32]


def _user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:512]


def total_subquery():
    """An article's total count as an expression on Article (for annotate)."""
    days = (
        ArticleVisitDay.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return Coalesce(Subquery(days), 0)


def _public_total(pk):
    """The article's total in the database, or None if readers may not see it."""
    return (
        Article.objects.published()
        .filter(pk=pk)
        .annotate(visits=total_subquery())
        .values_list("visits", flat=True)
        .first()
    )


def record(request, pk):
    """Count a beacon for article `pk`; the count to show, or None for an
    article readers may not see (nothing is counted for it)."""
    counted = not is_bot(_user_agent(request))
    seen = visitor(request, pk) if counted else None
    now = time.time()
    day = timezone.localdate().isoformat()
    backend = _redis()
    if backend is not None:
        try:
            count = backend.record(pk, seen, day, now)
        except _REDIS_ERRORS as error:
            _outage.failed(error)
        else:
            if count is not None and backend.flush_due:
                _quietly(backend.flush)
            return count
    count = _local.record(pk, seen, day, now)
    if count is not None and _local.flush_due(now):
        _quietly(_local.flush)
    return count


def flush():
    """Write whatever is buffered now (the annual report does, before it sums)."""
    backend = _redis()
    if backend is not None:
        _quietly(backend.flush)
    _quietly(_local.flush)


def _quietly(flush):
    """A failed flush costs the reader nothing: the counts wait for the next."""
    try:
        flush()
    except _REDIS_ERRORS as error:
        _outage.failed(error)
    except Exception:
        logger.exception("Visit counts: a flush failed; its counts wait for the next one")


def _due(size, since, now):
    if size <= 0:
        return False
    return size >= settings.VISIT_FLUSH_THRESHOLD or now - since >= settings.VISIT_FLUSH_SECONDS


def write_counts(counts):
    """Add {(article pk, ISO day): n} to ArticleVisitDay in one transaction;
    counts for articles deleted meanwhile are dropped. Returns the pks written."""
    pks = {pk for pk, _ in counts}
    existing = set(Article.objects.filter(pk__in=pks).values_list("pk", flat=True))
    rows = [
        (pk, dt.date.fromisoformat(day), n)
        for (pk, day), n in sorted(counts.items())
        if pk in existing and n > 0
    ]
    if not rows:
        return existing
    quote = connection.ops.quote_name
    table = quote(ArticleVisitDay._meta.db_table)
    count = quote("count")
    # An upsert that adds, the same SQL on SQLite (3.24+) and PostgreSQL: two
    # flushes (two processes without Redis) never overwrite each other.
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 300):
            batch = rows[start : start + 300]
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({quote('article_id')}, {quote('day')}, {count}) "
                f"VALUES {values} ON CONFLICT ({quote('article_id')}, {quote('day')}) "
                f"DO UPDATE SET {count} = {table}.{count} + excluded.{count}",
                [value for row in batch for value in row],
            )
    return existing


def _totals(pks):
    """{pk: total in the database} for these articles."""
    return dict(
        ArticleVisitDay.objects.filter(article__in=pks)
        .order_by()
        .values("article")
        .annotate(total=Sum("count"))
        .values_list("article", "total")
    )


# A dead Redis is left alone for a few seconds, and named once a minute.
_outage = Outage(
    logger, "Visit counts: Redis unavailable (%s: %s); counting in this process until it answers."
)


# One round trip per beacon: read the page-cache generation, the article's
# total kept under it, de-duplicate the reader and add the count, atomically.
# KEYS: the generation, BUFFER, PENDING, SIZE, SINCE, FLUSHING_PENDING, then
# the reader's SEEN key unless it is a bot. ARGV: the totals key around where
# the generation goes (two parts), pk, the buffer field, now, the seen lifetime,
# TOTALS_SECONDS; then, once the caller has looked the total up in the database,
# the generation it read and that total, to keep under that generation.
# Answers {NO_GENERATION}, {NO_TOTAL, generation} or {SHOWN, count to show,
# size, since}.
_RECORD = """
local pk = ARGV[3]
local total
if ARGV[8] then
  local totals = ARGV[1] .. ARGV[8] .. ARGV[2]
  redis.call('HSETNX', totals, pk, ARGV[9])
  redis.call('EXPIRE', totals, ARGV[7])
  total = redis.call('HGET', totals, pk)
else
  local generation = redis.call('GET', KEYS[1])
  if not generation then return {0} end
  total = redis.call('HGET', ARGV[1] .. generation .. ARGV[2], pk)
  if not total then return {1, generation} end
end
if KEYS[7] and redis.call('SET', KEYS[7], 1, 'NX', 'EX', ARGV[6]) then
  redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
  redis.call('HINCRBY', KEYS[3], pk, 1)
  redis.call('INCR', KEYS[4])
  redis.call('SET', KEYS[5], ARGV[5], 'NX')
end
local shown = tonumber(total)
  + tonumber(redis.call('HGET', KEYS[3], pk) or 0)
  + tonumber(redis.call('HGET', KEYS[6], pk) or 0)
return {2, shown, redis.call('GET', KEYS[4]), redis.call('GET', KEYS[5])}
"""
NO_GENERATION, NO_TOTAL, SHOWN = 0, 1, 2
_MARK = "@generation@"


class _RedisVisits:
    def __init__(self, client, script, cache):
        self.client = client
        self.script = script
        self.key = cache.make_and_validate_key
        self.flush_due = False

    def record(self, pk, seen, day, now):
        if not store.generation_settled():
            store.current_generation()  # moves the generation it owes, or Unavailable
        keys = [
            self.key(store.GENERATION_KEY),
            *map(self.key, (BUFFER, PENDING, SIZE, SINCE, FLUSHING_PENDING)),
        ]
        if seen is not None:
            keys.append(self.key(SEEN.format(seen)))
        # The script builds the totals key from the generation it reads (one
        # database, no cluster: a script may name keys its caller did not).
        before, after = self.key(TOTALS.format(_MARK)).split(_MARK)
        args = [before, after, pk, f"{pk}:{day}", repr(now), settings.VISIT_DEDUP_SECONDS]
        args.append(TOTALS_SECONDS)
        answer = self.script(keys, args)
        if answer[0] != SHOWN:
            # The total is not kept (yet) under this generation: look it up, and
            # keep it under the generation read before the lookup, so a change
            # that moved the generation meanwhile is looked up again next time.
            generation = answer[1] if answer[0] == NO_TOTAL else store.current_generation()
            total = _public_total(pk)
            if total is None:
                return None  # nothing counted
            answer = self.script(keys, [*args, generation, total])
        _, shown, size, since = answer
        self.flush_due = _due(int(size or 0), float(since or now), now)
        return int(shown)

    def flush(self):
        token = uuid.uuid4().hex
        lock = self.key(LOCK)
        if not self.client.set(lock, token, nx=True, ex=LOCK_SECONDS):
            return  # another server is flushing; these counts wait for the next one
        try:
            if self.client.exists(self.key(FLUSHING)):
                self._write_flushing()  # a batch an earlier flush could not write
            if self.client.exists(self.key(BUFFER)):
                pipe = self.client.pipeline(transaction=True)
                pipe.rename(self.key(BUFFER), self.key(FLUSHING))
                pipe.rename(self.key(PENDING), self.key(FLUSHING_PENDING))
                pipe.delete(self.key(SIZE), self.key(SINCE))
                pipe.execute()
                self._write_flushing()
        finally:
            self.client.eval(_RELEASE, 1, lock, token)

    def _write_flushing(self):
        batch = self.client.hgetall(self.key(FLUSHING))
        counts = Counter()
        for field, n in batch.items():
            pk, day = field.decode().split(":", 1)
            counts[int(pk), day] += int(n)
        # If this fails the batch stays under its flushing name (still counted
        # in what beacons answer) and the next flush writes it.
        written = write_counts(counts)
        totals = _totals(written)
        pipe = self.client.pipeline(transaction=True)
        if totals:
            totals_key = self.key(TOTALS.format(store.current_generation()))
            pipe.hset(totals_key, mapping=totals)
            pipe.expire(totals_key, TOTALS_SECONDS)
        pipe.delete(self.key(FLUSHING), self.key(FLUSHING_PENDING))
        pipe.execute()


class _LocalVisits:
    """The fallback: this process's buffer and the visitors it saw lately."""

    max_seen = 200_000

    def __init__(self):
        self.lock = threading.Lock()
        # Held while a batch is written and taken out of `flushing`: a total read
        # from the database in between would hold the batch that `flushing`
        # still counts, and the reader would be shown it twice.
        self.writing = threading.Lock()
        self.reset()

    def reset(self):
        self.seen = OrderedDict()  # visitor -> expiry, oldest first
        self.counts = Counter()  # (pk, day) -> n
        self.pending = Counter()  # pk -> n
        self.flushing = Counter()  # pk -> n, being written now
        self.since = None

    def record(self, pk, seen, day, now):
        with self.writing:
            total = _public_total(pk)
            if total is None:
                return None
            with self.lock:
                if seen is not None and self._first_visit(seen, now):
                    self.counts[pk, day] += 1
                    self.pending[pk] += 1
                    if self.since is None:
                        self.since = now
                pending = self.pending[pk] + self.flushing[pk]
        return total + pending

    def flush_due(self, now):
        with self.lock:
            return self.since is not None and _due(self.counts.total(), self.since, now)

    def _first_visit(self, seen, now):
        while self.seen:
            oldest, expiry = next(iter(self.seen.items()))
            if expiry > now and len(self.seen) < self.max_seen:
                break
            del self.seen[oldest]
        if seen in self.seen:
            return False
        self.seen[seen] = now + settings.VISIT_DEDUP_SECONDS
        return True

    def flush(self):
        with self.lock:
            counts, self.counts = self.counts, Counter()
            pending, self.pending = self.pending, Counter()
            since, self.since = self.since, None
            self.flushing.update(pending)
        if not counts:
            return
        with self.writing:
            try:
                write_counts(counts)
            except Exception:
                with self.lock:  # kept for the next flush
                    self.counts.update(counts)
                    self.pending.update(pending)
                    self.since = min(filter(None, (since, self.since)), default=time.time())
                raise
            finally:
                with self.lock:
                    self.flushing.subtract(pending)
                    self.flushing = +self.flushing


_local = _LocalVisits()


_scripts = {}  # the record script, registered once on each client


def _redis():
    cache = caches["default"]
    if not isinstance(cache, RedisCache) or _outage.skipping():
        return None
    # The long-lived client the page cache keeps (Django's RedisCache builds one per call).
    client = store.redis_client("default")
    script = _scripts.get(client)
    if script is None:
        script = _scripts[client] = client.register_script(_RECORD)
    return _RedisVisits(client, script, cache)


def reset():
    """Forget this process's buffer, visitors and Redis outage (for tests)."""
    with _local.lock:
        _local.reset()
    _outage.forget()
