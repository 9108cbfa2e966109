"""Atomic file output: a file is replaced whole or not at all, and no temporary file is left.

The new content goes to a temporary file next to the target, which replaces the target only
once written and synced. An exception, Ctrl-C or SIGTERM removes the temporary file; what a
killed run (SIGKILL, power loss) left behind is removed by the next write to the same folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import signal
import socket
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

# A temporary file is named after its target, its process and its host, so that a later export
# to the same folder can tell a dead run's leftovers from a live run's work in progress.
_TEMPORARY = re.compile(r"\..+\.clusterkg-tmp-(?P<pid>\d+)-(?P<host>[0-9a-f]{8})-[0-9a-f]+")
STALE_AFTER = 24 * 60 * 60  # seconds; a temporary file this old is abandoned, whoever owns it


class Terminated(SystemExit):
    """SIGTERM during a write, raised so that the temporary file is removed on the way out;
    exits with status 143 (128 + SIGTERM), as a shell reports a process killed by SIGTERM."""


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A file to write `path`'s new content to: it replaces `path` only when the block ends
    without an exception. On an exception, Ctrl-C or SIGTERM the temporary file is removed and
    an existing `path` stays untouched. Open it before a long computation: a folder that cannot
    be written fails at once, and an interruption during the computation is cleaned up too."""
    path = path.resolve()
    _remove_stale_temporaries(path.parent)
    with _sigterm_raises():
        temporary = _temporary_name(path)
        try:
            # Opened inside the try: a signal the instant the file exists still removes it.
            # Not mkstemp: its files are 0600 whatever the umask; 0666 goes through the umask
            # as for any new file. O_EXCL: a name taken (64 random bits: never) is an error.
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            _keep_mode(handle, path)
            with os.fdopen(handle, "wb") as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


def _temporary_name(path: Path) -> Path:
    host = _digest(socket.gethostname())[:8]
    return path.parent / f".{path.name}.clusterkg-tmp-{os.getpid()}-{host}-{secrets.token_hex(8)}"


def _keep_mode(handle: int, path: Path) -> None:
    """An overwritten file keeps its permissions and, where we may set it, its group."""
    try:
        existing = os.stat(path)
    except FileNotFoundError:
        return
    if hasattr(os, "fchown"):
        with suppress(OSError):  # only a member of the group (or root) may give it
            os.fchown(handle, -1, existing.st_gid)
    os.fchmod(handle, stat.S_IMODE(existing.st_mode))  # after fchown, which may clear setgid


def _remove_stale_temporaries(folder: Path) -> None:
    """Remove what killed runs (SIGKILL, power loss: no chance to clean up) left in `folder`:
    temporary files of a process of this host that is gone, or older than STALE_AFTER."""
    host = _digest(socket.gethostname())[:8]
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        with suppress(OSError):
            old = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
            dead = match["host"] == host and not _alive(int(match["pid"]))
            if old or dead:
                os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid <= 0:  # kill(0, …) would signal our own process group
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # OverflowError: no process has such an id
        return False
    except PermissionError:  # it exists, and is someone else's
        return True
    return True


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While a temporary file exists, SIGTERM raises Terminated (Ctrl-C already raises
    KeyboardInterrupt) so that cleanup runs; the previous handler comes back afterwards. Only
    the main thread may set handlers, and a SIGTERM someone chose to ignore stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous == signal.SIG_IGN:
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise Terminated(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _digest(text: str) -> str:
    """A hex SHA-256: temporary names carry the host as 8 hex digits of its name's hash."""
    return hashlib.sha256(text.encode()).hexdigest()
