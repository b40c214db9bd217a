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
   of page answers that were page-cache hits (X-Page-Cache, counted by wrk);
3. article views as a browser makes them: one wrk whose connections send the
   seed article's page (from the page cache) and then its beacon from a new
   reader, in turn, so there is exactly one beacon per page view. Its views/s,
   and the article page alone, as a fraction of bench/http_bench.py's bare view
   (bench/bare_site.py on a gunicorn of its own, measured first in the same run).

Before that, in this process, the cost of one request through Django's WSGI
handler and the middleware: a beacon (new reader, same reader) and a page-cache
hit, for another article, so the seed's count stays wrk's. Afterwards the buffer is flushed and the count in the database is
compared with the beacons wrk saw answered 200. Prints two tables; removes
everything it started.
"""

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_bench import (  # noqa: E402
    BARE_SETTINGS,
    DEFAULT_POSTGRES,
    HOST,
    SITE_SETTINGS,
    machine_line,
    parse_wrk,
    prepare_site,
    scratch_stack,
    start_gunicorn,
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

# A page view and its beacon in turn on each connection. Answers are told
# apart by what they carry: a page has X-Page-Cache, a beacon does not.
VIEWS_WITH_BEACONS = (
    _COUNTERS
    + f"""
local browser = {{["User-Agent"] = "{BROWSER}"}}
function request()
  n = n + 1
  if n % 2 == 1 then return wrk.format("GET", page_path, browser) end
  local reader = {{["User-Agent"] = "{BROWSER}"}}
  reader["X-Forwarded-For"] = string.format("bench-%s-%d-%d", run_name, thread_id, n)
  return wrk.format("POST", beacon_path, reader)
end
function response(status, headers, body)
  local cache = headers["X-Page-Cache"]
  if cache == "hit" then hits = hits + 1
  elseif cache then others = others + 1
  elseif status == 200 then ok = ok + 1 end
end
"""
)

IN_PROCESS_ROUNDS = 6  # the first is not measured
IN_PROCESS_REQUESTS = 400  # per round


def in_process(beacon_path, page_path):
    """ms per request through Django's WSGI handler in this process: a beacon
    from a new reader, from one reader again, and a page-cache hit for the
    page it came from (the median of the measured rounds)."""
    import io
    import statistics
    import time

    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def send(method, path, reader):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": "80",
            "HTTP_HOST": HOST,
            "HTTP_USER_AGENT": BROWSER,
            "HTTP_X_FORWARDED_FOR": reader,
            "REMOTE_ADDR": HOST,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        statuses = []
        b"".join(handler(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"{method} {path} answered {statuses[0]}")

    figures = {}
    for name, method, path, reader in (
        ("new reader", "POST", beacon_path, "in-process-{}-{}"),
        ("same reader", "POST", beacon_path, "in-process-same"),
        ("page hit", "GET", page_path, "in-process-page"),
    ):
        rounds = []
        for round_ in range(IN_PROCESS_ROUNDS):
            started = time.perf_counter()
            for n in range(IN_PROCESS_REQUESTS):
                send(method, path, reader.format(round_, n))
            rounds.append((time.perf_counter() - started) * 1000 / IN_PROCESS_REQUESTS)
        figures[name] = statistics.median(rounds[1:])
    return figures


def wrk(url, seconds, connections, script, workdir, name, extra=""):
    path = workdir / f"{name}.lua"
    # Readers of one run are new to every other run too.
    path.write_text(f'run_name = "{name}"\n' + extra + script)
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
        workdir, database_url = scratch_stack(
            cleanup, "hzcms-visit-bench-", args.postgres, TRUST_PROXY_HEADERS="1"
        )
        print(f"preparing {database_url} with {args.articles} extra articles…", flush=True)
        pages = {page.name: page for page in prepare_site(args.articles)}
        from django.conf import settings
        from django.db import connection
        from django.db.models import Sum
        from django.urls import reverse

        from articles import visits
        from articles.models import Article, ArticleVisitDay

        seed = Article.objects.get(title__startswith="上城江干滨江")
        beacon_path = reverse("articles:article_visit", args=[seed.pk])
        other = Article.objects.published().exclude(pk=seed.pk).first()
        print(machine_line(), f"load average {os.getloadavg()[0]:.2f}", sep="; ", flush=True)
        cost = in_process(
            reverse("articles:article_visit", args=[other.pk]), other.get_absolute_url()
        )
        connection.close()

        bare_site, bare_process = start_gunicorn(
            cleanup, BARE_SETTINGS, args.workers, workdir / "bare.log"
        )
        bare_url = bare_site.base_url + "/"
        finish(wrk(bare_url, args.warmup, args.connections, PAGE_HITS, workdir, "bare-w"))
        bare, *_ = finish(
            wrk(bare_url, args.duration, args.connections, PAGE_HITS, workdir, "bare")
        )
        stop_process(bare_process)

        site, process = start_gunicorn(cleanup, SITE_SETTINGS, args.workers, workdir / "site.log")
        beacon_url = site.base_url + beacon_path
        print(
            f"gunicorn {args.workers} sync workers, PostgreSQL, its own Redis; wrk -t2 "
            f"-c{args.connections} -d{args.duration}s; VISIT_FLUSH_THRESHOLD "
            f"{settings.VISIT_FLUSH_THRESHOLD}, VISIT_FLUSH_SECONDS {settings.VISIT_FLUSH_SECONDS}",
            flush=True,
        )

        answered = 1  # the same reader's first beacon; then every new reader's 200

        def run(url, script, name, connections=args.connections, extra=""):
            nonlocal answered
            warm = wrk(url, args.warmup, connections, script, workdir, name + "-w", extra)
            *_, ok = finish(warm)
            if script is not SAME_READER:
                answered += ok
            return wrk(url, args.duration, connections, script, workdir, name, extra)

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
        page_path = pages["seed article"].path
        paths = f'page_path = "{page_path}"\nbeacon_path = "{beacon_path}"\n'
        viewed = run(site.base_url, VIEWS_WITH_BEACONS, "views", extra=paths)
        views, hits, others, ok = finish(viewed)
        answered += ok
        rows.append(
            ("seed article + its beacon, in turn", views, f"{hits / max(1, hits + others):.1%}")
        )
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
        alone = next(result for name, result, _ in rows if name == "seed article alone")
        base = bare.requests_per_second
        print(f"\n{'as http_bench.py compares':40} {'req/s':>9} {'× bare':>8}")
        print(f"{'bare view':40} {base:9.0f} {1:8.2f}")
        print(
            f"{'seed article alone':40} {alone.requests_per_second:9.0f} {alone.requests_per_second / base:8.2f}"
        )
        per_view = views.requests_per_second / 2
        print(
            f"{'seed article views, a beacon each':40} {per_view:9.0f} {per_view / base:8.2f}  (views/s)"
        )
        print(
            f"\nin-process, through the WSGI handler: a beacon {cost['new reader']:.3f} ms "
            f"(a new reader), {cost['same reader']:.3f} ms (the same reader again); "
            f"a page-cache hit {cost['page hit']:.3f} ms"
        )
    finally:
        cleanup.close()


if __name__ == "__main__":
    main()
