"""Throughput of the public site and its JSON API over HTTP: gunicorn in
production settings on PostgreSQL and Redis, loaded by wrk, against a bare
Django view (issues 11 and 17).

Usage:
    .venv/bin/python bench/http_bench.py
    .venv/bin/python bench/http_bench.py --duration 30 --workers 4 --articles 1000
    .venv/bin/python bench/http_bench.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/http_bench.py --modes warm --pages API   # the API, cached

Needs `wrk` and `redis-server` on PATH and a PostgreSQL server the --postgres
URL can create databases on. The script creates a scratch database (migrated,
the 2021 content loaded, --articles extra published articles), collects the
static files into a temporary folder, starts its own redis-server and two
gunicorns (DEBUG off, --workers sync workers each) on free loopback ports: one
serving the site, one serving bench/bare_site.py, a single view returning a
small response through the same settings and middleware. Then, per page, wrk
(-t2 -c8 by default) runs for --warmup seconds unmeasured, then --duration
seconds measured.

Prints one table: req/s, p50 and p99 latency, SQL queries per request (counted
in-process with Django's test client on the same database) and req/s as a
fraction of the bare view's, measured in the same run. Everything it started
(gunicorns, redis-server, the database, the temporary folder) is removed at
the end, on Ctrl-C or on error too.

wrk, gunicorn and PostgreSQL share the machine, so the figures say how the
pages compare with each other and with bare Django here, not what a dedicated
server would do.
"""

import argparse
import atexit
import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Both settings modules import config.settings; DEBUG stays off (production).
SITE_SETTINGS = "bench.http_settings"
BARE_SETTINGS = "bench.bare_site"
BARE = "bare view"
HOST = "127.0.0.1"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"

# Django and first-party modules are imported inside the functions below that
# run after django.setup(): the settings read DATABASE_URL and friends at import
# time, and the scratch database only exists once main() has created it.


@dataclass
class Mode:
    name: str
    env: dict  # settings for the site's gunicorn (and the in-process query count)


MODES = {
    "warm": Mode(
        "page cache on, warm", {"PAGE_CACHE_SECONDS": "600", "FRAGMENT_CACHE_SECONDS": "600"}
    ),
    "fragments": Mode(
        "page cache off, fragments warm",
        {"PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "600"},
    ),
    "off": Mode("no caching at all", {"PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0"}),
}


@dataclass
class Page:
    name: str
    path: str


@dataclass
class Server:
    base_url: str
    log_path: Path


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    problems: str  # wrk's socket errors and non-2xx/3xx counts, "" when none


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def stop_process(process):
    """SIGTERM by PID, SIGKILL if it has not exited within 20 seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def spawn(command, log_path, env=None):
    # A session of its own, so a Ctrl-C in the terminal reaches only this
    # script, which then stops the servers itself, before dropping the database.
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )


def log_tail(log_path, lines=20):
    return "\n".join(Path(log_path).read_text(errors="replace").splitlines()[-lines:])


def scratch_stack(cleanup, prefix, postgres, **environment):
    """A scratch folder, a Redis of its own and a scratch PostgreSQL database,
    all undone by `cleanup`, and the production configuration (README
    "Production") in this process's environment, for it and the gunicorns it
    starts; `environment` adds to it. DEBUG is removed, not set to 0, as
    README's production environment has it; plain HTTP on loopback, so no
    redirect to HTTPS. Returns the folder and the database URL."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
    redis_url = start_redis(cleanup, workdir)
    database_url = create_database(cleanup, postgres)
    os.environ.pop("DEBUG", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE=SITE_SETTINGS,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECURE_SSL_REDIRECT="0",
        BENCH_STATIC_ROOT=str(workdir / "static"),
        **environment,
    )
    return workdir, database_url


def start_redis(cleanup, workdir):
    port = free_port()
    log_path = workdir / "redis.log"
    command = ["redis-server", "--bind", HOST, "--port", str(port)]
    # A cache for this run only: nothing written to disk, nothing kept after.
    command += ["--save", "", "--appendonly", "no"]
    process = spawn(command, log_path)
    cleanup.callback(stop_process, process)
    deadline = time.monotonic() + 10
    while True:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return f"redis://{HOST}:{port}/0"
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"redis-server did not start:\n{log_tail(log_path)}")
        time.sleep(0.1)


def create_database(cleanup, admin_url):
    import psycopg

    name = f"hzcms_http_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    cleanup.callback(drop_database, admin_url, name)
    return f"{admin_url.rsplit('/', 1)[0]}/{name}"


def drop_database(admin_url, name):
    import psycopg
    from django.conf import settings
    from django.db import connections

    if settings.configured:  # False when the run failed before django.setup()
        connections.close_all()
    # FORCE: a gunicorn worker killed mid-request may leave a session behind.
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_site(extra_articles):
    """Migrate, load the content, add articles, collect static files; return
    the pages to measure."""
    import django

    django.setup()
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    # After django.setup(): these import models (see the note at the top).
    from articles.models import Article, Campaign
    from districts.models import District
    from tests.factories import make_article

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    # As bench/pages.py: lists, tag pages and the search get long enough to page.
    shangcheng = District.objects.get(slug="shangcheng")
    for n in range(extra_articles):
        make_article(tags=["党史学习教育", f"标签{n % 40}"], districts=[shangcheng])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # plans as on a settled production database
    call_command("collectstatic", interactive=False, verbosity=0)

    seed = Article.objects.get(title__startswith="上城江干滨江")
    campaign = Campaign.objects.get(year=2021, title="党史学习教育")
    return [
        Page("home", reverse("home")),
        Page("campaign report", campaign.get_absolute_url()),
        Page("seed article", seed.get_absolute_url()),
        Page("article list", reverse("articles:article_list")),
        Page("district", reverse("website:district_detail", args=["shangcheng"])),
        Page("tag", reverse("articles:tag_detail", args=["dang-shi-xue-xi-jiao-yu"])),
        Page("search", f"{reverse('search')}?q={quote('党史')}"),
        # The JSON API (api/): the first page of articles and the seed in full.
        Page("API article list", reverse("api-v1:article_list")),
        Page("API article detail", reverse("api-v1:article_detail", args=[seed.slug])),
        # The hashed name production pages link to, as whitenoise serves it.
        Page("static css", staticfiles_storage.url("css/site.css")),
    ]


def count_queries(pages, mode=None):
    """SQL queries per request, in-process against the same database and Redis.
    The second request is counted: gunicorn's workers are warm when wrk measures."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    counts = {}
    overrides = {name: int(value) for name, value in (mode.env if mode else {}).items()}
    for page in pages:
        with override_settings(**overrides):
            client.get(page.path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page.path)
        if response.status_code != 200:
            raise RuntimeError(f"{page.path} answered {response.status_code} in-process")
        counts[page.name] = len(queries)
    return counts


def start_gunicorn(cleanup, settings_module, workers, log_path, extra_env=None):
    """A gunicorn on a free port; returns (Server, process)."""
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "config.wsgi:application", "--bind", f"{HOST}:{port}"]
    command += ["--workers", str(workers), "--worker-class", "sync"]
    env = {**os.environ, **(extra_env or {}), "DJANGO_SETTINGS_MODULE": settings_module}
    process = spawn(command, log_path, env=env)
    cleanup.callback(stop_process, process)
    server = Server(f"http://{HOST}:{port}", log_path)
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError):
            get_status(server.base_url, "/")
            return server, process
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn ({settings_module}) did not start:\n{log_tail(log_path)}")
        time.sleep(0.2)


def get_status(base_url, path):
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_time_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"unexpected wrk time {text!r}")
    return float(match[1]) * TIME_UNITS_MS[match[2]]


def parse_wrk(output):
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and total):
        raise ValueError(f"could not read wrk's output:\n{output}")
    problems = [
        line.strip()
        for line in output.splitlines()
        if line.strip().startswith(("Socket errors", "Non-2xx"))
    ]
    return WrkResult(
        requests_per_second=float(rps[1]),
        p50_ms=parse_time_ms(p50[1]),
        p99_ms=parse_time_ms(p99[1]),
        requests=int(total[1]),
        problems="; ".join(problems),
    )


def run_wrk(url, seconds, threads, connections):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def run_pass(server, pages, args):
    """One wrk run per page against one server; returns {page name: WrkResult}.

    A pass is one configuration of the server (one of MODES).
    """
    results = {}
    for page in pages:
        # wrk counts only 4xx/5xx as errors: a redirect (say, to HTTPS) would
        # be measured as if it were the page. Refuse anything but 200.
        status = get_status(server.base_url, page.path)
        if status != 200:
            raise RuntimeError(
                f"{page.path} answered {status}, not 200:\n{log_tail(server.log_path)}"
            )
        url = server.base_url + page.path
        if args.warmup:
            # Each worker's first requests compile templates, open its database
            # connection and load the word-segmentation dictionary.
            run_wrk(url, args.warmup, args.threads, args.connections)
        results[page.name] = run_wrk(url, args.duration, args.threads, args.connections)
    return results


def machine_line():
    cpuinfo = Path("/proc/cpuinfo").read_text()
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    processors = len(re.findall(r"^processor\s*:", cpuinfo, re.M))
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    model = models[0] if models else "unknown CPU"
    return f"{model}, {processors} processors in /proc/cpuinfo, nproc {nproc}"


def print_header(args, versions, load):
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.2f}" for x in load)
    print()
    print(f"# {when} · {machine_line()} · load average before measuring {load}")
    print(
        f"# gunicorn {args.workers} sync workers per server · "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency "
        f"(after {args.warmup}s warm-up) · {versions} · DEBUG off · "
        f"{args.articles} extra articles"
    )


def print_report(mode, pages, results, bare, queries):
    print()
    print(f"## {mode.name} ({', '.join(f'{k}={v}' for k, v in mode.env.items())})")
    header = f"{'page':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'queries':>9}{'× bare':>8}  path"
    print(header)
    print("-" * len(header))
    problems = []
    for page in pages:
        result = results[page.name] if page.name != BARE else bare
        ratio = result.requests_per_second / bare.requests_per_second
        print(
            f"{page.name:<16}{result.requests_per_second:>9.1f}{result.p50_ms:>9.1f}"
            f"{result.p99_ms:>9.1f}{queries[page.name]:>9}{ratio:>8.2f}  {page.path}"
        )
        if result.problems:
            problems.append(f"{page.name}: {result.problems}")
    for problem in problems:
        print(f"! {problem}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=DEFAULT_POSTGRES,
        help="PostgreSQL URL allowed to create databases (default: %(default)s)",
    )
    parser.add_argument("--articles", type=int, default=300, help="extra published articles")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds unmeasured per page first")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument(
        "--modes",
        default=",".join(MODES),
        help="comma-separated passes, from: %(default)s (warm: whole pages from the "
        "page cache; fragments: page cache off, cached fragments on; off: neither)",
    )
    parser.add_argument(
        "--pages",
        default="",
        metavar="TEXT",
        help="measure only the pages whose name contains TEXT, such as API "
        "(the bare view is always measured)",
    )
    args = parser.parse_args()
    modes = [MODES[name] for name in args.modes.split(",")]
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian: apt-get install wrk)")

    # SIGTERM and SIGHUP end the run like Ctrl-C does: through the finally
    # below. SIGINT is set explicitly because a shell starting the script in
    # the background (`… &`) hands it SIGINT ignored.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    cleanup = contextlib.ExitStack()
    # Also at interpreter exit, should anything escape the finally; the stack
    # runs each callback once, so the second close does nothing.
    atexit.register(cleanup.close)
    try:
        # wrk is one address: the API's limit is counted (its Redis round
        # trip is part of the cost) but set far above what a run sends.
        workdir, database_url = scratch_stack(
            cleanup, "hzcms-http-bench-", args.postgres, API_RATE_LIMIT_PER_MINUTE="100000000"
        )
        print(f"preparing {database_url} with {args.articles} extra articles…", flush=True)
        site_pages = [page for page in prepare_site(args.articles) if args.pages in page.name]
        from django.db import connection
        from django.test import override_settings

        queries = {mode.name: count_queries(site_pages, mode) for mode in modes}
        with override_settings(ROOT_URLCONF=BARE_SETTINGS, PAGE_CACHE_SECONDS=0):
            bare_queries = count_queries([Page(BARE, "/")])

        versions = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
        connection.close()  # not held open while the servers run

        # Anything else busy on the machine shows here (the servers are idle).
        load = os.getloadavg()
        print_header(args, versions, load)
        bare_site, bare_process = start_gunicorn(
            cleanup, BARE_SETTINGS, args.workers, workdir / "bare.log"
        )
        bare = run_pass(bare_site, [Page(BARE, "/")], args)[BARE]
        stop_process(bare_process)
        for mode in modes:
            site, process = start_gunicorn(
                cleanup, SITE_SETTINGS, args.workers, workdir / "site.log", mode.env
            )
            print(f"{mode.name}: site {site.base_url}; measuring…", flush=True)
            results = run_pass(site, site_pages, args)
            stop_process(process)
            pages = [Page(BARE, "/"), *site_pages]
            print_report(mode, pages, results, bare, queries[mode.name] | bare_queries)
    finally:
        cleanup.close()


if __name__ == "__main__":
    main()
