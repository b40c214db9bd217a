"""The shared page cache: whole public responses kept in Django's cache
(Redis in production, shared by every app server) and never served stale.

- `store`: the generation counter every entry is checked against, the shared
  entries, each process's own copies of them, and what to do while Redis is down.
- `invalidation`: a write to any content table, by any code path, moves the
  generation on (at the write and again when its transaction commits).
- `horizon`: the next moment anything public appears or expires; no entry
  outlives it, so scheduled publication needs no cron.
- `middleware`: which requests and responses may be cached, the hit path, and
  the Cache-Control a proxy or CDN in front sees.
- `fragments`: the same rules for parts of pages (`{% cached_fragment %}`).
"""
