"""Two app servers behind nginx, sharing PostgreSQL and a Redis page cache.

The test starts, on free loopback ports, its own redis-server, two gunicorns
(deploy/gunicorn.conf.py, production settings, DEBUG off) on the test
database, and Debian's nginx with deploy/nginx.conf rewritten to point at them
(as deploy/run-local.sh rewrites it). Then, through each app server directly
and through nginx:

- a page built by one server is served from the shared cache by the other;
- a change made through the ORM here shows on every server within 1 s;
- an article scheduled 5 s ahead appears on every server on time, never before;
- with the test's Redis killed, every public page still answers 200;
- once that Redis is back on the same port, pages are cached again.

It stops only what it started, each process by its own PID, and never talks to
any other Redis (the machine's on 6379 included).
"""

import contextlib
import ctypes
import http.client
import json
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
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from articles.models import Campaign, Programme
from core.status import Status
from districts.models import District
from tests.factories import make_article

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# The servers' settings: config.settings with STATIC_ROOT in a scratch folder.
SERVER_SETTINGS = "tests.deploy.server_settings"
# Both the servers and this process use it, so they share one set of cache keys.
CACHE_KEY_PREFIX = "hzcms"
PAGE_CACHE_SECONDS = 600

REPORT = "/campaigns/2021-dang-shi-xue-xi-jiao-yu/"
ARTICLES = "/articles/"
SEARCH_TERM = quote("党史")

# How long a change may take to reach every server, and how often to look.
PROPAGATION = 1.0
POLL = 0.1
# How long after Redis is back pages may still go uncached.
RESUME = 10


def _executable(name, *fallbacks):
    found = shutil.which(name)
    if found:
        return found
    return next((path for path in fallbacks if os.access(path, os.X_OK)), None)


# Non-root shells often lack /usr/sbin on PATH, where Debian puts nginx.
NGINX = _executable("nginx", "/usr/sbin/nginx")
REDIS_SERVER = _executable("redis-server", "/usr/bin/redis-server")
# The virtualenv's own, next to the Python running the tests.
GUNICORN = _executable(str(Path(sys.executable).parent / "gunicorn")) or shutil.which("gunicorn")

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://...): the SQLite test database "
        "is in memory and cannot be shared with the app server processes",
    ),
    pytest.mark.skipif(
        REDIS_SERVER is None, reason="needs redis-server (Debian: apt-get install redis-server)"
    ),
    pytest.mark.skipif(NGINX is None, reason="needs nginx (Debian: apt-get install nginx)"),
    pytest.mark.skipif(GUNICORN is None, reason="needs gunicorn (make install)"),
]


# --- Processes ------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _die_with_the_test():
    """Runs in the child before exec: if the test process dies without its
    teardown (SIGKILL, a crash), the kernel sends the child SIGTERM, so no
    server outlives the test that started it."""
    with contextlib.suppress(Exception):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _tail(path, lines=30):
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self):
        return _tail(self.log)

    def terminate(self):
        """SIGTERM to this process alone, by its PID."""
        if self.popen.poll() is None:
            self.popen.terminate()

    def reap(self, timeout=10):
        """Wait for it to exit; SIGKILL if it has not in time."""
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=timeout)

    def stop(self):
        self.terminate()
        self.reap()


def spawn(name, command, log, env=None):
    # A session of its own: a Ctrl-C in the terminal reaches only pytest, whose
    # teardown then stops each process in order (nginx, app servers, Redis).
    with open(log, "ab") as out:
        popen = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_the_test,
        )
    return Process(name, popen, log)


def wait_until(ready, what, process, timeout):
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if ready():
                return
        if process.popen.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.popen.returncode}):\n{process.tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready after {timeout} s:\n{process.tail()}")
        time.sleep(0.05)


def redis_answers(port):
    with socket.create_connection((HOST, port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


def start_redis(workdir, port):
    # A cache for this test only: nothing written to disk, nothing kept after.
    command = [REDIS_SERVER, "--port", str(port), "--bind", HOST]
    command += ["--save", "", "--appendonly", "no"]
    process = spawn("redis-server", command, workdir / f"redis-{port}.log")
    wait_until(lambda: redis_answers(port), "redis-server", process, timeout=10)
    return process


def database_url():
    """The test database (test_...) as a URL for the servers' DATABASE_URL."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or ""
    if host.startswith("/"):  # a Unix socket directory
        host = quote(host, safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    url = f"postgres://{auth + '@' if auth else ''}{host}{port}/{quote(db['NAME'], safe='')}"
    options = {k: v for k, v in db["OPTIONS"].items() if isinstance(v, str | int)}
    return f"{url}?{urlencode(options)}" if options else url


def server_environment(redis_port, static_root):
    """Production settings (README "Configuration") for the app servers. Only
    what a system needs is taken from this process's environment, so a
    developer's DEBUG, DATABASE_URL or REDIS_URL cannot leak into the servers."""
    system = ("PATH", "HOME", "LANG", "LC_ALL", "TZ")
    # PG*: libpq's own settings (PGPASSWORD, PGSSLMODE...), which this process
    # may be using to reach the same database.
    env = {k: v for k, v in os.environ.items() if k in system or k.startswith("PG")}
    env.update(
        DJANGO_SETTINGS_MODULE=SERVER_SETTINGS,
        DEPLOY_TEST_STATIC_ROOT=str(static_root),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        TRUST_PROXY_HEADERS="1",
        DATABASE_URL=database_url(),
        # Connections closed after each request: nothing holds the test database
        # open when pytest-django flushes it and drops it.
        DB_CONN_MAX_AGE="0",
        REDIS_URL=f"redis://{HOST}:{redis_port}/0",
        CACHE_KEY_PREFIX=CACHE_KEY_PREFIX,
        PAGE_CACHE_SECONDS=str(PAGE_CACHE_SECONDS),
        PYTHONUNBUFFERED="1",
    )
    return env


def start_collectstatic(env, workdir):
    # The manifest storage of production settings needs it; whitenoise reads
    # STATIC_ROOT when a worker starts, so it must be done before the servers.
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
    return spawn("collectstatic", command, workdir / "collectstatic.log", env=env)


def finish(process, timeout=120):
    try:
        returncode = process.popen.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.stop()
        raise RuntimeError(f"{process.name} still running after {timeout} s") from None
    if returncode:
        raise RuntimeError(f"{process.name} failed ({returncode}):\n{process.tail()}")


def start_gunicorn(env, workdir, port):
    env = {
        **env,
        "GUNICORN_BIND": f"{HOST}:{port}",
        # One worker each: the two servers are already two processes sharing
        # the cache, and a second worker per server doubles the start-up time.
        "WEB_CONCURRENCY": "1",
        "GUNICORN_PROC_NAME": f"hzcms-deploy-test-{port}",
        # Idle workers stop at once; a stuck one should not hold the teardown 30 s.
        "GUNICORN_GRACEFUL_TIMEOUT": "5",
    }
    command = [GUNICORN, "-c", "deploy/gunicorn.conf.py", "config.wsgi"]
    return spawn(f"gunicorn :{port}", command, workdir / f"gunicorn-{port}.log", env=env)


def rewrite(text, replacements, source):
    """Apply (pattern, replacement) pairs; each must match, so a change to the
    deploy files that the rewriting no longer fits fails here, loudly."""
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, flags=re.M)
        if not count:
            raise AssertionError(f"{source}: nothing matches {pattern!r}; update this test")
    return text


def write_nginx_config(workdir, static_root, nginx_port, app_ports):
    """deploy/nginx-local.conf and deploy/nginx.conf, as deploy/run-local.sh
    rewrites them: everything nginx writes under `workdir`, the test's ports."""
    conf_dir = workdir / "nginx"
    conf_dir.mkdir()
    main = rewrite(
        (ROOT / "deploy" / "nginx-local.conf").read_text(),
        [(re.escape("/tmp/hzcms-local"), str(conf_dir))],
        "deploy/nginx-local.conf",
    )
    site = rewrite(
        (ROOT / "deploy" / "nginx.conf").read_text(),
        [
            (r"server 127\.0\.0\.1:8001\b", f"server {HOST}:{app_ports[0]}"),
            (r"server 127\.0\.0\.1:8002\b", f"server {HOST}:{app_ports[1]}"),
            (r"listen 80;", f"listen {HOST}:{nginx_port};"),
            # Loopback IPv4 only: IPv6 may be off, and port 80 is not ours.
            (r"^\s*listen \[::\]:80;\n", ""),
            (re.escape("/srv/hzcms/staticfiles/"), f"{static_root}/"),
            (re.escape("/var/log/nginx/"), f"{conf_dir}/"),
        ],
        "deploy/nginx.conf",
    )
    (conf_dir / "nginx.conf").write_text(main)
    (conf_dir / "hzcms.conf").write_text(site)
    return conf_dir / "nginx.conf"


def start_nginx(workdir, config):
    # -e: nginx's own messages before it reads the config go there too, not to
    # the system's error log (which a non-root user may not write).
    base = [NGINX, "-c", str(config), "-e", str(workdir / "nginx" / "error.log")]
    check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True, timeout=30)
    if check.returncode:
        raise RuntimeError(f"nginx -t refused the config:\n{check.stderr}")
    return spawn("nginx", [*base, "-g", "daemon off;"], workdir / "nginx.log")


# --- HTTP -----------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str
    started: object = field(repr=False)  # timezone.now() before sending
    finished: object = field(repr=False)  # timezone.now() after reading

    @property
    def cache(self):
        return self.headers.get("X-Page-Cache")


def fetch(port, path, method="GET"):
    connection_ = http.client.HTTPConnection(HOST, port, timeout=20)
    started = timezone.now()
    try:
        # One Host for every server and nginx ($host drops the port), so the
        # three see the same request; identity, so nginx does not gzip the page.
        connection_.request(method, path, headers={"Host": HOST, "Accept-Encoding": "identity"})
        response = connection_.getresponse()
        body = response.read()
    finally:
        connection_.close()
    return Response(
        response.status, response.headers, body.decode(errors="replace"), started, timezone.now()
    )


@dataclass
class Stack:
    workdir: Path
    redis_port: int
    apps: dict  # name -> port, each gunicorn on its own
    nginx_port: int
    processes: dict = field(default_factory=dict)  # name -> Process
    server_env: dict = field(default_factory=dict)  # the app servers' environment

    @property
    def static_root(self):
        return self.workdir / "static"

    @property
    def targets(self):
        """Each app server directly, and nginx in front of both."""
        return {**self.apps, "nginx": self.nginx_port}

    def start_redis(self):
        self.processes["redis"] = start_redis(self.workdir, self.redis_port)

    def kill_redis(self):
        """As a crash would: SIGKILL to the test's redis-server, by its PID."""
        redis = self.processes["redis"].popen
        redis.kill()
        redis.wait(timeout=10)

    def stop(self, *, redis=True):
        # nginx first (nothing reaches the apps any more), then the apps (nothing
        # touches the database or Redis any more), then Redis. The processes of
        # one step are signalled together and then waited for, so their
        # shutdowns overlap.
        steps = [["collectstatic", "nginx"], list(self.apps)] + ([["redis"]] if redis else [])
        for step in steps:
            running = [self.processes[name] for name in step if name in self.processes]
            for process in running:
                process.terminate()
            for process in running:
                process.reap()

    def logs(self):
        parts = [
            f"--- {process.name} (pid {process.popen.pid}), last lines of {process.log.name}:\n"
            f"{process.tail()}"
            for process in self.processes.values()
        ]
        # nginx writes its own logs, not to its standard output.
        for name in ["error.log", "hzcms.access.log"]:
            log = self.workdir / "nginx" / name
            if log.exists():
                parts.append(f"--- nginx, last lines of {name}:\n{_tail(log)}")
        return "\n".join(parts)

    @contextlib.contextmanager
    def logs_on_failure(self):
        """Adds the servers' last log lines to any failure in the block."""
        try:
            yield
        except BaseException as exc:
            exc.add_note(self.logs())
            raise


# --- Fixtures ---------------------------------------------------------------------


@pytest.fixture
def deploy_redis(transactional_db):
    """The test's own redis-server, and this process writing through it.

    Requested before `content`, so every write this test makes, the content
    loading included, goes through the same cache settings as the servers':
    the same Redis, the same key prefix. transactional_db: the servers only see
    committed rows."""
    workdir = Path(tempfile.mkdtemp(prefix="hzcms-deploy-test-"))
    # nginx's workers run as nobody when the test runs as root: they must be
    # able to read the static files and enter their temp folders.
    workdir.chmod(0o755)
    stack = Stack(
        workdir=workdir,
        redis_port=free_port(),
        apps={"app1": free_port(), "app2": free_port()},
        nginx_port=free_port(),
    )
    cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{HOST}:{stack.redis_port}/0",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    try:
        # Meanwhile `content` loads: collecting takes seconds, and needs neither
        # the database nor Redis.
        stack.server_env = server_environment(stack.redis_port, stack.static_root)
        stack.processes["collectstatic"] = start_collectstatic(stack.server_env, workdir)
        stack.start_redis()
        with override_settings(CACHES=cache, PAGE_CACHE_SECONDS=PAGE_CACHE_SECONDS):
            yield stack
    finally:
        stack.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def deploy(deploy_redis, content):
    """Both app servers and nginx running, ready, on the test database."""
    stack = deploy_redis
    try:
        finish(stack.processes["collectstatic"])
        for name, port in stack.apps.items():
            stack.processes[name] = start_gunicorn(stack.server_env, stack.workdir, port)
        config = write_nginx_config(
            stack.workdir, stack.static_root, stack.nginx_port, list(stack.apps.values())
        )
        stack.processes["nginx"] = start_nginx(stack.workdir, config)
        # robots.txt: a cheap answer that proves Django runs, without touching
        # the pages the test then expects to find uncached.
        for name, port in stack.targets.items():
            wait_until(
                lambda port=port: fetch(port, "/robots.txt").status == 200,
                name,
                stack.processes[name],
                timeout=60,
            )
        yield stack
    except BaseException as exc:
        exc.add_note(stack.logs())
        raise
    finally:
        # Redis is deploy_redis's, stopped after this process stops using it.
        stack.stop(redis=False)


# --- Checks ------------------------------------------------------------------------


def warm(stack, path):
    """Ask every target for `path` twice; the second answer must come from the
    cache. Returns {target: [first, second]}."""
    answers = {}
    for name, port in stack.targets.items():
        answers[name] = [fetch(port, path), fetch(port, path)]
        statuses = [answer.status for answer in answers[name]]
        assert statuses == [200, 200], f"{name} {path}: {statuses}"
        assert answers[name][1].cache == "hit", (
            f"{name} {path}: second request X-Page-Cache={answers[name][1].cache!r}, want 'hit'"
        )
    return answers


def wait_for_text(stack, paths, text, what):
    """Poll every target for every path until each shows `text`; fail if one has
    not within PROPAGATION seconds of now (the write has just committed)."""
    deadline = time.monotonic() + PROPAGATION
    waiting = {(name, path) for name in stack.targets for path in paths}
    last = {}
    while waiting:
        for name, path in sorted(waiting):
            answer = fetch(stack.targets[name], path)
            last[name, path] = answer
            if answer.status == 200 and text in answer.text:
                waiting.discard((name, path))
        if not waiting:
            break
        if time.monotonic() > deadline:
            stale = ", ".join(
                f"{name} {path} (status {last[name, path].status}, "
                f"X-Page-Cache={last[name, path].cache!r})"
                for name, path in sorted(waiting)
            )
            pytest.fail(f"{what}: still not shown after {PROPAGATION} s on {stale}")
        time.sleep(POLL)


def test_two_app_servers_share_the_database_and_the_page_cache(deploy, seed):
    stack = deploy
    seed_title = seed.title
    seed_url = seed.get_absolute_url()
    shangcheng = District.objects.get(slug="shangcheng")
    binjiang = District.objects.get(slug="gaoxin-binjiang")

    with stack.logs_on_failure():
        # nginx serves collected static files itself, hashed names for a year.
        manifest = json.loads((stack.static_root / "staticfiles.json").read_text())
        css = fetch(stack.nginx_port, f"/static/{manifest['paths']['css/site.css']}")
        assert css.status == 200
        assert "immutable" in css.headers.get("Cache-Control", "")
        # The API passes nginx's own per-address limit (deploy/nginx.conf).
        api = fetch(stack.nginx_port, "/api/v1/articles/")
        assert api.status == 200 and seed_title in api.text
        assert api.headers.get("Access-Control-Allow-Origin") == "*"

        # (a) Warm. The cache starts empty: the first server builds the report,
        # the second is served what the first stored.
        first_server, second_server = stack.apps
        first = fetch(stack.apps[first_server], REPORT)
        assert (first.status, first.cache) == (200, "miss")
        assert seed_title in first.text
        shared = fetch(stack.apps[second_server], REPORT)
        assert (shared.status, shared.cache) == (200, "hit"), (
            f"{second_server} did not get the page {first_server} stored: "
            f"X-Page-Cache={shared.cache!r}"
        )
        for path in [REPORT, seed_url, "/districts/", ARTICLES]:
            warm(stack, path)

        # (b) A change through the ORM, committed here, shows on every server
        # at once although each had the old page cached.
        seed.title = "上城江干滨江动员部署党史学习教育——两台服务器同时更新"
        seed.save()
        wait_for_text(stack, [REPORT, seed_url], seed.title, "the new article title")

        # The same through a bulk update (QuerySet.update sends no model signals)
        # of another content table: a district's name, shown on the report.
        for path in [REPORT, "/districts/"]:
            warm(stack, path)
        District.objects.filter(pk=binjiang.pk).update(name="滨江区测试改名")
        wait_for_text(
            stack, [REPORT, "/districts/"], "滨江区测试改名", "the district renamed by update()"
        )

        # (c) An article scheduled 5 s ahead: absent from /articles/ on every
        # server until then, there on every server within 1 s of its time,
        # with no write at that moment to invalidate anything.
        warm(stack, ARTICLES)
        scheduled_title = "两台服务器定时发布测试稿件"
        publish_at = timezone.now() + timedelta(seconds=5)
        scheduled = make_article(
            title=scheduled_title,
            slug="deploy-test-scheduled",
            published_at=publish_at,
            campaign=Campaign.objects.get(slug="2021-dang-shi-xue-xi-jiao-yu"),
            districts=[shangcheng],
            tags=["党史学习教育"],
        )
        late = publish_at + timedelta(seconds=PROPAGATION)
        appeared = set()
        while len(appeared) < len(stack.targets):
            for name, port in stack.targets.items():
                if name in appeared:
                    continue
                answer = fetch(port, ARTICLES)
                assert answer.status == 200, f"{name} {ARTICLES}: {answer.status}"
                shown = scheduled_title in answer.text
                if shown:
                    assert answer.finished >= publish_at, (
                        f"{name} listed the article {publish_at - answer.finished} "
                        "before its publication time"
                    )
                    appeared.add(name)
                else:
                    assert answer.started <= late, (
                        f"{name} still does not list the article "
                        f"{answer.started - publish_at} after its publication time "
                        f"(X-Page-Cache={answer.cache!r})"
                    )
            time.sleep(POLL)
        for name, port in stack.targets.items():
            answer = fetch(port, scheduled.get_absolute_url())
            assert answer.status == 200, f"{name}: the scheduled article answers {answer.status}"

        # (d) The test's Redis dies: every public page is still built, uncached.
        stack.kill_redis()
        programme = Programme.objects.filter(status=Status.PUBLISHED).first()
        pages = [
            "/",
            REPORT,
            seed_url,
            scheduled.get_absolute_url(),
            ARTICLES,
            "/districts/",
            shangcheng.get_absolute_url(),
            programme.get_absolute_url(),
            "/tags/",
            "/tags/dang-shi-xue-xi-jiao-yu/",
            f"/search/?q={SEARCH_TERM}",
            f"/search.json?q={SEARCH_TERM}",
            "/feeds/articles.rss",
            "/feeds/articles.atom",
            f"/feeds/districts/{shangcheng.slug}.rss",
            "/sitemap.xml",
            "/robots.txt",
        ]
        # The HTML pages readers browse are cacheable, so they must say why
        # they were not cached; the others may carry no header at all.
        cacheable = {"/", REPORT, seed_url, ARTICLES, "/districts/"}
        # Each app server on its own: nginx adds nothing here but time.
        for name, port in stack.apps.items():
            for path in pages:
                answer = fetch(port, path)
                assert answer.status == 200, f"{name} {path} without Redis: {answer.status}"
                if path in cacheable or answer.cache is not None:
                    assert answer.cache == "bypass", (
                        f"{name} {path} without Redis: X-Page-Cache={answer.cache!r}, want 'bypass'"
                    )

        # (e) Redis back on the same port, empty: caching resumes without a
        # restart of the app servers, within a few seconds (a server that found
        # Redis down may leave it alone briefly rather than retry per request).
        stack.start_redis()
        deadline = time.monotonic() + RESUME
        while True:
            answers = {
                name: [fetch(port, REPORT), fetch(port, REPORT)]
                for name, port in stack.targets.items()
            }
            if all(second.cache == "hit" for _, second in answers.values()):
                break
            if time.monotonic() > deadline:
                caches = {name: [a.cache for a in pair] for name, pair in answers.items()}
                pytest.fail(f"caching has not resumed {RESUME} s after Redis came back: {caches}")
            time.sleep(0.2)
        assert all(a.status == 200 for pair in answers.values() for a in pair)
