"""Visit counting over HTTP: beacon throughput, and whether the page cache
stays warm while beacons arrive (issue 16).

Usage:
    .venv/bin/python bench/visit_bench.py
    .venv/bin/python bench/visit_bench.py --duration 20 --workers 4

The stack is bench/http_bench.py's (its helpers are reused): a scratch
PostgreSQL database with the 2021 content and --articles extra articles, a
redis-server and a gunicorn (DEBUG off, --workers sync workers) of its own on
loopback, TRUST_PROXY_HEADERS on so that wrk can play many readers through
X-Forwarded-For. Then, each for --duration seconds after --warmup:

1. beacons from a new reader each time (every one counted, batches written at
   VISIT_FLUSH_THRESHOLD), and from one reader again and again (de-duplicated);
2. the home page and the seed article alone, then each with beacons from new
   readers running beside it (two wrk processes at once): req/s, and the share
   of page answers that were page-cache hits (X-Page-Cache, counted by wrk).

Afterwards the buffer is flushed and the count in the database is compared
with the beacons wrk saw answered 200. Prints a table; removes everything it
started.
"""

import argparse
import contextlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_bench import (  # noqa: E402
    DEFAULT_POSTGRES,
    HOST,
    SITE_SETTINGS,
    create_database,
    machine_line,
    parse_wrk,
    prepare_site,
    start_gunicorn,
    start_redis,
    stop_process,
)

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

# Shared by the scripts below: per-thread counters summed in done().
_COUNTERS = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end
function init(args) n = 0; hits = 0; others = 0; ok = 0 end
function done(summary, latency, requests)
  local h, o, k = 0, 0, 0
  for _, t in ipairs(threads) do
    h = h + t:get("hits"); o = o + t:get("others"); k = k + t:get("ok")
  end
  io.write(string.format("page-cache hits %d others %d ok %d\\n", h, o, k))
end
"""

NEW_READERS = (
    _COUNTERS
    + f"""
wrk.method = "POST"
wrk.headers["User-Agent"] = "{BROWSER}"
function request()
  n = n + 1
  wrk.headers["X-Forwarded-For"] = string.format("bench-%s-%d-%d", run_name, thread_id, n)
  return wrk.format()
end
function response(status, headers, body) if status == 200 then ok = ok + 1 end end
"""
)

SAME_READER = (
    _COUNTERS
    + f"""
wrk.method = "POST"
wrk.headers["User-Agent"] = "{BROWSER}"
wrk.headers["X-Forwarded-For"] = "bench-same-reader"
function response(status, headers, body) if status == 200 then ok = ok + 1 end end
"""
)

PAGE_HITS = (
    _COUNTERS
    + """
function response(status, headers, body)
  if headers["X-Page-Cache"] == "hit" then hits = hits + 1 else others = others + 1 end
end
"""
)


def wrk(url, seconds, connections, script, workdir, name):
    path = workdir / f"{name}.lua"
    # Readers of one run are new to every other run too.
    path.write_text(f'run_name = "{name}"\n' + script)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(path)]
    return subprocess.Popen([*command, url], stdout=subprocess.PIPE, text=True)


def finish(process):
    output, _ = process.communicate(timeout=600)
    result = parse_wrk(output)
    counters = re.search(r"page-cache hits (\d+) others (\d+) ok (\d+)", output)
    hits, others, ok = (int(n) for n in counters.groups())
    return result, hits, others, ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", default=DEFAULT_POSTGRES)
    parser.add_argument("--articles", type=int, default=300, help="extra published articles")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds unmeasured first")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections per run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian: apt-get install wrk)")

    cleanup = contextlib.ExitStack()
    try:
        workdir = Path(tempfile.mkdtemp(prefix="hzcms-visit-bench-"))
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        redis_url = start_redis(cleanup, workdir)
        database_url = create_database(cleanup, args.postgres)
        os.environ.pop("DEBUG", None)
        os.environ.update(
            DJANGO_SETTINGS_MODULE=SITE_SETTINGS,
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=HOST,
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            SECURE_SSL_REDIRECT="0",
            TRUST_PROXY_HEADERS="1",
            BENCH_STATIC_ROOT=str(workdir / "static"),
        )
        print(f"preparing {database_url} with {args.articles} extra articles…", flush=True)
        pages = {page.name: page for page in prepare_site(args.articles)}
        from django.conf import settings
        from django.db import connection
        from django.db.models import Sum

        from articles import visits
        from articles.models import Article, ArticleVisitDay

        seed = Article.objects.get(title__startswith="上城江干滨江")
        connection.close()
        site, process = start_gunicorn(cleanup, SITE_SETTINGS, args.workers, workdir / "site.log")
        beacon_url = f"{site.base_url}/visits/{seed.pk}/"
        print(machine_line(), f"load average {os.getloadavg()[0]:.2f}", sep="; ")
        print(
            f"gunicorn {args.workers} sync workers, PostgreSQL, its own Redis; wrk -t2 "
            f"-c{args.connections} -d{args.duration}s; VISIT_FLUSH_THRESHOLD "
            f"{settings.VISIT_FLUSH_THRESHOLD}, VISIT_FLUSH_SECONDS {settings.VISIT_FLUSH_SECONDS}",
            flush=True,
        )

        answered = 1  # the same reader's first beacon; then every new reader's 200

        def run(url, script, name, connections=args.connections):
            nonlocal answered
            *_, ok = finish(wrk(url, args.warmup, connections, script, workdir, name + "-w"))
            if script is NEW_READERS:
                answered += ok
            return wrk(url, args.duration, connections, script, workdir, name)

        rows = []
        result, _, _, ok = finish(run(beacon_url, NEW_READERS, "new"))
        answered += ok
        rows.append(("beacon, a new reader each time", result, ""))
        result, _, _, _ = finish(run(beacon_url, SAME_READER, "same"))
        rows.append(("beacon, the same reader again", result, ""))
        half = max(1, args.connections // 2)
        for name in ("home", "seed article"):
            url = site.base_url + pages[name].path
            alone, hits, others, _ = finish(run(url, PAGE_HITS, name))
            rows.append((f"{name} alone", alone, f"{hits / max(1, hits + others):.1%}"))
            page_run = run(url, PAGE_HITS, name + "-busy", connections=half)
            beacon_run = wrk(
                beacon_url, args.duration, half, NEW_READERS, workdir, f"beside-{name}"
            )
            busy, hits, others, _ = finish(page_run)
            beside, _, _, ok = finish(beacon_run)
            answered += ok
            rows.append(
                (f"{name} with beacons beside", busy, f"{hits / max(1, hits + others):.1%}")
            )
            rows.append(("  the beacons beside it", beside, ""))
        stop_process(process)

        visits.flush()
        stored = ArticleVisitDay.objects.filter(article=seed).aggregate(n=Sum("count"))["n"] or 0

        print(f"\n{'run':40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'page-cache hits':>16}")
        for name, result, hits in rows:
            print(
                f"{name:40} {result.requests_per_second:9.0f} {result.p50_ms:8.2f} "
                f"{result.p99_ms:8.2f} {hits:>16}"
                + (f"  ({result.problems})" if result.problems else "")
            )
        # wrk stops with requests in flight: the server may count a few it never saw answered.
        print(
            f"\nvisits stored for the seed article: {stored}; beacons wrk saw counted: {answered}"
        )
    finally:
        cleanup.close()


if __name__ == "__main__":
    main()
