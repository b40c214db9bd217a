"""Find the files to import and read them safely.

Only regular files are read (and folders walked, and - for standard input): a
named pipe, device or socket is refused, never waited on.
"""

import os
import stat
import sys
from pathlib import Path

from django.conf import settings

from .parser import ArticleFormatError, human_size
from .word import DOCX_SUFFIX, is_word_path, max_word_bytes

STDIN = "-"
STDIN_NAME = "<stdin>"

# (test, English name, Chinese name) of what a path may be instead of a file.
_NOT_REGULAR = [
    (stat.S_ISDIR, "a directory", "文件夹"),
    (stat.S_ISFIFO, "a named pipe (FIFO)", "命名管道（FIFO）"),
    (stat.S_ISSOCK, "a socket", "套接字"),
    (stat.S_ISCHR, "a character device", "字符设备"),
    (stat.S_ISBLK, "a block device", "块设备"),
]


# What a folder is searched for: text files and Word files.
SUFFIXES = (".txt", DOCX_SUFFIX)


def collect_paths(paths):
    """Expand folders into the *.txt and *.docx entries below them, in a stable order.
    `-` stands for standard input. Entries that are not regular files (a FIFO
    named x.txt) are kept, so the import reports them instead of skipping them
    unseen; `read_source` refuses them."""
    for path in paths:
        if str(path) == STDIN:
            yield STDIN
            continue
        path = Path(path)
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                # ~$x.docx is the lock file Word keeps beside an open document.
                if p.suffix in SUFFIXES and not p.name.startswith("~$") and not p.is_dir()
            )
        else:
            yield path


def display_name(path):
    """How a path is named in reports."""
    return STDIN_NAME if path == STDIN else str(path)


def read_source(path):
    """Read a file (or standard input) whole, refusing one over the size limit
    (a Word file's is larger: its photos are in it)."""
    limit = max_word_bytes() if path != STDIN and is_word_path(path) else settings.IMPORT_MAX_BYTES
    if path == STDIN:
        data = sys.stdin.buffer.read(limit + 1)
    else:
        data = _read_regular_file(path, limit + 1)
    if len(data) > limit:
        raise ArticleFormatError(
            f"file larger than the {limit}-byte limit",
            message=f"文件超过 {human_size(limit)} 的上限",
        )
    return data


def _refuse_unless_regular(mode):
    if stat.S_ISREG(mode):
        return
    kind, kind_zh = next(
        ((name, name_zh) for test, name, name_zh in _NOT_REGULAR if test(mode)),
        ("a special file", "特殊文件"),
    )
    raise ArticleFormatError(
        f"not a regular file but {kind}; "
        "only regular files, folders and - (standard input) can be imported",
        message=f"不是普通文件，而是{kind_zh}：只能导入普通文件、文件夹或标准输入（-）",
    )


def _read_regular_file(path, size):
    """Read at most `size` bytes of a regular file. Anything else is refused
    before it is opened: opening a FIFO waits for a writer forever, and
    opening a device can act on it."""
    _refuse_unless_regular(os.stat(path).st_mode)
    # The path may be swapped for a FIFO between the stat and the open: a
    # non-blocking open cannot wait for a writer, and fstat checks what was
    # actually opened. Reads of a regular file ignore O_NONBLOCK.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    with open(os.open(path, flags), "rb") as handle:
        _refuse_unless_regular(os.fstat(handle.fileno()).st_mode)
        return handle.read(size)
