"""Uploads go through clamd (INSTREAM) when CLAMD_SOCKET is set; a scanner
that cannot answer refuses the upload (fail closed)."""

import os
import shutil
import socket
import socketserver
import struct
import tempfile
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from documents.validation import check_upload

from .files import upload

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd(socketserver.BaseRequestHandler):
    """Speaks just enough of clamd: zINSTREAM, length-prefixed chunks, a
    zero-length end, one NUL-terminated answer."""

    def handle(self):
        stream = self.request.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            command += stream.read(1)
        received = b""
        while length := struct.unpack("!L", stream.read(4))[0]:
            received += stream.read(length)
        self.server.received.append((command, received))
        if self.server.answer is not None:
            answer = self.server.answer
        elif b"EICAR" in received:
            answer = b"stream: Eicar-Test-Signature FOUND"
        else:
            answer = b"stream: OK"
        self.request.sendall(answer + b"\0")


@pytest.fixture
def clamd(settings):
    # A short folder: unix socket paths are limited to about 100 bytes.
    folder = tempfile.mkdtemp(prefix="clamd")
    path = os.path.join(folder, "clamd.sock")
    server = socketserver.ThreadingUnixStreamServer(path, FakeClamd)
    server.received, server.answer = [], None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CLAMD_SOCKET = path
    yield server
    server.shutdown()
    server.server_close()
    shutil.rmtree(folder)


def test_clean_file_is_streamed_to_clamd_and_accepted(clamd):
    content = "上城区宣讲名单".encode() * 10_000  # more than one chunk
    assert check_upload(upload("名单.txt", content)).kind == "txt"
    assert clamd.received == [(b"zINSTREAM\0", content)]


def test_infected_file_is_refused(clamd):
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("eicar.txt", EICAR))
    assert caught.value.messages == [
        "文件未通过病毒扫描（发现 Eicar-Test-Signature），已拒绝上传。"
    ]


def test_scanner_error_refuses_the_upload(clamd):
    clamd.answer = b"INSTREAM size limit exceeded. ERROR"
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("名单.txt", b"ok"))
    assert "病毒扫描不可用" in caught.value.messages[0]


def test_unreachable_scanner_refuses_the_upload(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "no-such.sock")
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("名单.txt", b"ok"))
    assert "病毒扫描不可用" in caught.value.messages[0]


def test_no_socket_configured_means_no_scan(settings):
    settings.CLAMD_SOCKET = ""
    assert check_upload(upload("eicar.txt", EICAR)).kind == "txt"


REAL_SOCKET = Path("/var/run/clamav/clamd.ctl")


def _real_clamd_answers():
    if not REAL_SOCKET.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(2)
            conn.connect(str(REAL_SOCKET))
            conn.sendall(b"zPING\0")
            return conn.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.mark.skipif(not _real_clamd_answers(), reason="Debian's clamav-daemon is not running")
def test_real_clamd_finds_eicar(settings):
    settings.CLAMD_SOCKET = str(REAL_SOCKET)
    with pytest.raises(ValidationError, match="病毒扫描"):
        check_upload(upload("eicar.txt", EICAR))
    assert check_upload(upload("名单.txt", "上城区".encode())).kind == "txt"
