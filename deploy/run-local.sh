#!/bin/sh
# Try the production layout on one machine: two gunicorn app servers
# (127.0.0.1:8001 and :8002, deploy/gunicorn.conf.py) behind nginx
# (deploy/nginx.conf) on http://127.0.0.1:8080/ and https://127.0.0.1:8443/
# (self-signed). Runs as any user; pid files, logs and temp files go under
# /tmp/hzcms-local. The app servers get the caller's environment (DATABASE_URL,
# REDIS_URL, SECRET_KEY or DEBUG, ...); run migrate and collectstatic first.
#
#   deploy/run-local.sh start | stop
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN=${HZCMS_RUN_DIR:-/tmp/hzcms-local}
HTTP_PORT=${HTTP_PORT:-8080}
HTTPS_PORT=${HTTPS_PORT:-8443}
APP_PORTS="8001 8002"            # as in the upstream block of deploy/nginx.conf
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

start() {
    mkdir -p "$RUN"
    cp "$ROOT/deploy/nginx-local.conf" "$RUN/nginx.conf"
    # deploy/nginx.conf with this checkout's STATIC_ROOT, loopback ports, the
    # HTTPS listener switched on, and logs under $RUN.
    sed -e "s|/srv/hzcms/|$ROOT/|g" \
        -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
        -e "/listen \[::\]:80;/d" \
        -e "s|# listen 443 ssl http2;|listen 127.0.0.1:$HTTPS_PORT ssl http2;|" \
        -e "s|# ssl_certificate|ssl_certificate|" \
        -e "s|/etc/ssl/hzcms/|$RUN/|" \
        -e "s|/var/log/nginx/|$RUN/|" \
        "$ROOT/deploy/nginx.conf" > "$RUN/hzcms.conf"
    [ -f "$RUN/privkey.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 7 \
        -subj /CN=localhost -keyout "$RUN/privkey.pem" -out "$RUN/fullchain.pem" 2>/dev/null
    rm -f "$RUN/hzcms-brotli.conf"
    if ls /usr/share/nginx/modules-available/mod-http-brotli-filter.conf >/dev/null 2>&1; then
        ln -s "$ROOT/deploy/nginx-brotli.conf" "$RUN/hzcms-brotli.conf"
    fi

    for port in $APP_PORTS; do
        (cd "$ROOT" && GUNICORN_BIND=127.0.0.1:$port WEB_CONCURRENCY=${WEB_CONCURRENCY:-2} \
            GUNICORN_ACCESS_LOG="$RUN/gunicorn-$port.access.log" \
            GUNICORN_ERROR_LOG="$RUN/gunicorn-$port.error.log" \
            .venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi \
                --daemon --pid "$RUN/gunicorn-$port.pid")
    done
    "$NGINX" -t -q -c "$RUN/nginx.conf"
    "$NGINX" -c "$RUN/nginx.conf"
    echo "http://127.0.0.1:$HTTP_PORT/  https://127.0.0.1:$HTTPS_PORT/  (logs in $RUN)"
}

stop() {
    for pidfile in "$RUN/nginx.pid" "$RUN"/gunicorn-*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null && echo "stopped $(basename "$pidfile" .pid) (pid $pid)" || true
    done
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
