"""The contract test: the site served as in production (gunicorn, DEBUG off)
on a free loopback port, with the 2021 content (`manage.py load_content`) in
a database of its own, and schemathesis run against its live
/api/v1/openapi.json with every check, a bounded number of examples per
operation, and a fixed seed: no failure may be found.

The rate limit is off for the run (schemathesis sends thousands of requests
from one address); tests/api/test_http.py tests it. Skips, saying why, where
schemathesis or gunicorn is missing.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
EXAMPLES_PER_OPERATION = 30
SEED = 20210311


def _free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _tool(name):
    path = BIN / name
    return str(path) if path.exists() else shutil.which(name)


@pytest.fixture
def live_site(tmp_path):
    gunicorn = _tool("gunicorn")
    if not gunicorn:
        pytest.skip("gunicorn is not installed")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DEBUG") and not key.startswith("PYTEST")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.deploy.server_settings",
        DEPLOY_TEST_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'contract.sqlite3'}",
        SECRET_KEY="contract-test-only",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        API_RATE_LIMIT_PER_MINUTE="0",
        PYTHONPATH=str(ROOT),
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "-v0"],
        ["load_content", "-v0"],
        ["collectstatic", "-v0", "--noinput"],
    ):
        subprocess.run([*manage, *command], env=env, cwd=ROOT, check=True, timeout=300)
    port = _free_port()
    server = subprocess.Popen(
        [gunicorn, "--bind", f"{HOST}:{port}", "--workers", "2", "config.wsgi"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://{HOST}:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=2):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_schemathesis_finds_no_failure_in_the_live_api(live_site, tmp_path):
    schemathesis = _tool("schemathesis")
    if not schemathesis:
        pytest.skip("schemathesis is not installed (requirements-dev.txt)")
    result = subprocess.run(
        [
            schemathesis,
            "run",
            f"{live_site}/api/v1/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--seed",
            str(SEED),
            "--generation-deterministic",
            "--request-timeout",
            "10",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    print(output[-4000:])
    assert result.returncode == 0, output[-8000:]
