"""Digests of input files, remembered: the build cache keys a build by its files' contents.

Hashing is cheap but not free: SHA-256 reads ~1 GB/s here, so the key of the generated 2 M-triple
data set (137 MB) cost 169 ms on every run; remembered, 6 ms. The digest of each file is therefore
remembered with what the file system says of it — size, modification and change times in
nanoseconds, inode and device — and reused while all five are unchanged (a write changes the change
time even when it restores the modification time). Anything else is hashed again.

The memo is a small JSON file in the cache folder, one per user (`.digests.<uid>.json`, hidden
as the private folders are: it is not a build): a user never trusts digests another user wrote,
since a wrong digest would serve a wrong build. It is replaced atomically; two runs writing it
at once lose one run's additions, which costs a hashing, never a wrong answer. A memo that
cannot be read or written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

MEMO_LIMIT = 5000  # paths remembered; beyond it the memo starts again


def memo_path(root: Path) -> Path:
    return root / f".digests.{os.getuid() if hasattr(os, 'getuid') else 0}.json"


def _identity(path: Path) -> list[int]:
    """What the file system says of a file that changes whenever its bytes may have."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Digests:
    """The SHA-256 of files, remembered in the memo under `root` (None: never remembered)."""

    def __init__(self, root: Path | None) -> None:
        self.memo = None if root is None else memo_path(root)
        self.known: dict[str, list[object]] = self._read()
        self.changed = False

    def _read(self) -> dict[str, list[object]]:
        if self.memo is None:
            return {}
        try:
            data = json.loads(self.memo.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def of(self, path: Path) -> str:
        """The file's digest: remembered if the file is unchanged, else computed."""
        where = str(path.resolve())
        identity = _identity(path)
        remembered = self.known.get(where)
        if isinstance(remembered, list) and remembered[:-1] == identity:
            return str(remembered[-1])
        digest = hash_file(path)
        if _identity(path) == identity:  # not written to while it was read
            self.known[where] = [*identity, digest]
            self.changed = True
        return digest

    def save(self) -> None:
        """Write the memo back if a digest was added (atomically; failures ignored)."""
        if self.memo is None or not self.changed:
            return
        known = self.known if len(self.known) <= MEMO_LIMIT else {}
        with contextlib.suppress(OSError):
            self.memo.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".digests.", dir=self.memo.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(known, out)
                os.replace(temporary, self.memo)
            except OSError:
                os.unlink(temporary)
                raise
        self.changed = False
