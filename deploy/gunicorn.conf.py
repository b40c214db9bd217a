"""gunicorn settings for one app server behind nginx (deploy/nginx.conf).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi

Each setting can be changed from the environment without editing this file;
the defaults assume nginx on the same host, in front, buffering requests and
responses (see deploy/README.md).
"""

import multiprocessing
import os

# --- Where to listen ----------------------------------------------------------

# Loopback by default: only the local nginx should reach gunicorn. When nginx
# or a load balancer is on another host, bind a private address
# (GUNICORN_BIND=10.0.0.5:8000) and set FORWARDED_ALLOW_IPS to the proxy's.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# --- Workers ------------------------------------------------------------------

# Sync workers: the app is plain Django with no long polling or websockets, and
# nginx buffers the whole request before passing it on and the whole response
# before sending it out, so a sync worker is busy only while Django runs --
# never while a slow client trickles bytes. (Without nginx in front, one slow
# client sending headers a byte at a time holds a sync worker for as long as it
# likes; that is what stalls a bare gunicorn today.)
worker_class = "sync"


def _workers():
    # gunicorn's own rule of thumb, 2 x cores + 1, capped: every worker keeps a
    # PostgreSQL connection open (DB_CONN_MAX_AGE) and its own copy of Django, and
    # N app servers x workers must stay well under PostgreSQL's
    # max_connections (100 by default). WEB_CONCURRENCY (the name Heroku and
    # others use) overrides the computed number, e.g. on a shared host.
    if os.environ.get("WEB_CONCURRENCY"):
        return max(1, int(os.environ["WEB_CONCURRENCY"]))
    return min(
        2 * multiprocessing.cpu_count() + 1, int(os.environ.get("GUNICORN_MAX_WORKERS", "8"))
    )


workers = _workers()

# A worker that runs one request longer than this is killed and restarted. The
# slowest pages (search on PostgreSQL, admin saves) take well under a second;
# 30 s only catches a hung worker. nginx's proxy_read_timeout is a little
# longer, so nginx reports the 502 rather than giving up first.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))

# On restart or deploy (SIGHUP / SIGTERM), workers get this long to finish
# the request they are on -- as long as a request may take at most.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))

# Sync workers close the connection after each response and ignore this
# setting; it is set (short, to the gunicorn default) so that switching to
# the gthread worker does not leave idle connections holding threads for long.
keepalive = 2

# Restart each worker after about this many requests, so a slow leak (a
# growing cache in a library, fragmentation) cannot build up. The jitter
# spreads the restarts so the workers of one server do not all restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# Workers' heartbeat files in memory rather than on a disk that may block
# (gunicorn's advice for containers and busy disks).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# --- Behind the proxy ---------------------------------------------------------

# gunicorn believes X-Forwarded-Proto (and sets wsgi.url_scheme = https, so
# Django's request.is_secure() holds and SECURE_SSL_REDIRECT does not loop)
# only from these addresses: the local nginx. Add the proxy's address when it
# runs elsewhere. Never '*' unless gunicorn is unreachable except via the proxy.
# Django's TRUST_PROXY_HEADERS=1 (README "Configuration") is the app-side half:
# it reads X-Forwarded-Proto and the client address from X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Logs ---------------------------------------------------------------------

# To stdout/stderr, for systemd's journal or the container runtime.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The peer is always nginx, so the client is the X-Forwarded-For header (the
# last address is the one nginx saw). %(D)s is the request time in
# microseconds, %(s)s the status, %(B)s the response bytes.
access_log_format = (
    'xff="%({x-forwarded-for}i)s" peer=%(h)s %(t)s "%(r)s" %(s)s %(B)s '
    'us=%(D)s ref="%(f)s" ua="%(a)s"'
)

# Shown by ps/top, so the servers on one host can be told apart.
proc_name = os.environ.get("GUNICORN_PROC_NAME", f"hzcms-{bind}")
