"""Audit entries for work done from the command line, where there is no request."""

import getpass
import os


def command_user():
    """The operating-system account running the command, as the entry's user name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = str(os.getuid()) if hasattr(os, "getuid") else "?"
    return f"命令行:{name}"
