"""A redis-server of the visit-count tests' own, on a free loopback port, and
the settings that point the site's cache at it under a key prefix of each
test's own, so no test sees another's counts or anything left in Redis."""

import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest

REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                *(REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(tmp_path)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self):
        """By the PID of the process this fixture started, and only that."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    if REDIS_SERVER is None:
        pytest.skip("needs redis-server (Debian: apt-get install redis-server)")
    pytest.importorskip("redis")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


def use_redis(settings, url):
    """Point the site's cache (page cache and visit counts) at `url`."""
    from articles import visits
    from core.pagecache import store

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"visits-test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    store.reset()
    visits.reset()


@pytest.fixture
def on_redis(redis_server, settings):
    use_redis(settings, redis_server.url)
    return redis_server
