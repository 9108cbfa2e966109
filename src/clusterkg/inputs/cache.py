"""The build cache: parsed + reasoned graphs kept on disk as read-only Oxigraph stores.

A build is keyed by what it is made of: the content of every input file (vocabulary, shapes,
data; each file's SHA-256 and its kind, `.ttl` or `.trig`, in order), the reasoning profile and
options, and the versions of clusterkg and the engines. Not by path: the same files at two
paths, or two users' identical checkouts sharing a cache folder, share one build. Relative IRIs
do not depend on the path (they resolve against a fixed base, screening.RELATIVE_BASE); the
notes and fidelity record a build keeps name the files it was built from (meta.json "inputs"),
and are said of the files at hand when another path opens it (clusterkg.build). Any change of
content gives another key, so a stale build can never be served. Digests are remembered per
file (clusterkg.inputs.digests), so an unchanged data set is not hashed again.

The cache is kept under a size in bytes, the least recently used builds removed first, never
one a live process reads (clusterkg.inputs.cache_entries: leases, eviction, listing).

Concurrency: a build is written into a private temporary folder and published by one atomic
rename; a reader only ever opens a published folder, read-only. Two processes building the same
key both succeed; the second rename loses and its copy is thrown away. A published folder that
cannot be opened, or whose stamp does not match its key, is deleted and rebuilt, never fatal.

The stamp (the key, in a file beside the store and in meta.json) is kept out of the store: a
triple there would be seen by queries, and a cached run would count one triple more than an
uncached one.

Damage: RocksDB checks its blocks only when it reads them, so a damaged file would surface at
query time, on every run (and garbage read as a block length has made a query grow to 24 GB).
Every file of the store is therefore listed in meta.json at publish time with its size,
modification time and CRC-32; opening an entry compares sizes and times (one stat per file) and
recomputes the checksum of any file whose time changed; files kept beside the store (the name
index) are listed and checked alike. A damaged entry is removed and rebuilt, with one line on
stderr saying why. An entry on a read-only file system is simply used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from clusterkg.engine import LocalStore
from clusterkg.inputs import cache_entries
from clusterkg.inputs.cache_entries import (
    STAMP_FILE,
    clear_stale,
    evict,
    lease,
    release,
    size_limit,
)
from clusterkg.inputs.digests import Digests
from clusterkg.version import __version__

# bump when the layout of a cached build changes (3: stamp out of the store, files listed), or
# what a build accepts (4: value ranges checked: a build of 3 may hold "99999999999"^^xsd:int),
# (5: files beside the store, such as the name index, listed under "beside"),
# (6: keyed by content, not path; the inputs' paths recorded in meta.json)
FORMAT = 6
DUMP_FILE = "dump.nq"
PENDING_FILE = "pending.json"  # the meta of a build a background writer is publishing
WRITER_FILE = "writer.pid"


def default_root() -> Path:
    """$CLUSTERKG_CACHE_DIR, else $XDG_CACHE_HOME/clusterkg, else ~/.cache/clusterkg."""
    explicit = os.environ.get("CLUSTERKG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clusterkg"


def build_key(files: list[Path], extra: dict[str, str], digests: Digests | None = None) -> str:
    """A digest of the inputs' contents and kinds in order (not their paths), `extra` settings
    and the engine versions. `digests`: the files' digests, remembered (default: computed)."""
    digests = digests or Digests(None)
    digest = hashlib.sha256()
    settings = {"format": str(FORMAT), **_versions(), **extra}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for path in files:
        # the suffix chooses the parser: the same bytes as .ttl and as .trig are other builds
        digest.update(f"\0file\0{path.suffix.lower()}\0{digests.of(path)}".encode())
    digests.save()
    return digest.hexdigest()[:32]


def _versions() -> dict[str, str]:
    versions = {"clusterkg": __version__}
    for package in ("pyoxigraph", "owlrl", "rdflib"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "none"
    return versions


@dataclass
class CachedBuild:
    store: LocalStore
    meta: dict[str, object]
    path: Path


def _notice(message: str) -> None:
    sys.stderr.write(f"clusterkg: note: {message}\n")


class DamagedEntry(Exception):
    """A published cache entry that cannot be trusted; the message says why."""


class BuildCache:
    """Builds on disk under `root`, one folder per key, `limit` bytes in all (default:
    $CLUSTERKG_CACHE_SIZE, else cache_entries.DEFAULT_LIMIT). `notify` is told, in one line,
    when a damaged entry is thrown away (default: stderr)."""

    def __init__(
        self,
        root: Path | None = None,
        notify: Callable[[str], None] = _notice,
        limit: int | None = None,
    ) -> None:
        self.root = root or default_root()
        self.notify = notify
        self.limit = size_limit(limit)

    def key(self, files: list[Path], extra: dict[str, str]) -> str:
        """The key of a build of `files` with `extra` settings, digests remembered here."""
        return build_key(files, extra, Digests(self.root))

    def open(self, key: str) -> CachedBuild | None:
        """The published build for `key`, or None if there is none or it is unusable (then it is
        removed, with a notice, so the caller rebuilds it)."""
        folder = self.root / key
        if not folder.is_dir() or not lease(folder):  # leased: not removed while this runs
            return None
        try:
            found = _open_entry(folder, key)
        except DamagedEntry as damage:
            self.notify(f"build cache entry {key} is damaged ({damage}); rebuilding it")
            release(folder)
            shutil.rmtree(folder, ignore_errors=True)
            return None
        with contextlib.suppress(OSError):  # a read-only cache is used as it is
            os.utime(folder)  # most recently used: pruned last
        return found

    def recorded(self, key: str) -> dict[str, object] | None:
        """What the published build for `key` recorded (its meta.json), without opening its
        store; None if there is none or its record does not belong to `key`."""
        folder = self.root / key
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            stamp = (folder / STAMP_FILE).read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("key") != key or stamp != key:
            return None
        return meta

    def publish(
        self,
        key: str,
        built: LocalStore,
        meta: dict[str, object],
        beside: Mapping[str, Callable[[Path], object]] | None = None,
        background: bool = False,
    ) -> bool:
        """Copy the in-memory store `built` to disk under `key`, atomically. False if the cache
        folder is not usable (read-only file system, no space): nothing is cached then.
        `beside`: files kept with the store, each written by its function given its path (the
        name index); they are published, fingerprinted and checked with the store.

        The store is built in memory and copied (dumped as N-Quads, bulk-loaded), because
        building directly in an on-disk store is three times slower here. `background`: only
        the dump (and the files beside) are made here; a detached writer process
        (clusterkg.inputs.cache_writer) bulk-loads and publishes it, so a big first run answers
        without waiting for the disk (2 M triples: the bulk load takes twice as long as the
        build itself)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            private = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=self.root))
        except OSError:
            return False
        besides = list(beside or {})
        try:
            # the files beside are written while the store is dumped or copied (Oxigraph's dump
            # and load let go of the GIL): at 2 M triples the name index then costs ~no time
            with ThreadPoolExecutor(max_workers=1) as writer:
                written = [writer.submit(write, private / n) for n, write in (beside or {}).items()]
                if background:
                    built.dump_quads(private / DUMP_FILE)
                else:
                    built.copy_to_disk(private / "store", scratch=private / DUMP_FILE)
                for done in written:
                    done.result()
            if background:
                pending = {"meta": meta, "beside": besides, "limit": self.limit}
                (private / PENDING_FILE).write_text(json.dumps(pending), encoding="utf-8")
                return _start_writer(private, key)
            return self.finish(private, key, meta, besides)
        except OSError:
            shutil.rmtree(private, ignore_errors=True)
            return False
        except BaseException:
            shutil.rmtree(private, ignore_errors=True)
            raise

    def finish(self, private: Path, key: str, meta: dict[str, object], beside: list[str]) -> bool:
        """Publish the store written in the private folder `private` with the files `beside`
        it: every file fingerprinted in meta.json, the stamp written, then one atomic rename;
        the least recently used builds evicted if the cache is over its size."""
        try:
            built_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            files = _fingerprints(private / "store")
            kept = {name: _fingerprint(private / name) for name in beside}
            meta = {"key": key, "built": built_at, "files": files, "beside": kept, **meta}
            (private / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
            (private / STAMP_FILE).write_text(key, encoding="utf-8")
            # readable by whoever may read the cache folder (mkdtemp made it the owner's only):
            # users who share the folder share its builds; written by nobody else
            os.chmod(private, self.root.stat().st_mode & 0o2755)
            try:
                private.rename(self.root / key)
            except OSError:
                shutil.rmtree(private, ignore_errors=True)  # another process published first
        except OSError:
            shutil.rmtree(private, ignore_errors=True)
            return False
        self._prune(keep=key)
        return True

    def being_written(self, key: str) -> bool:
        """True while a background writer is publishing `key`."""
        return self._live_writers(f".{key}-*")

    def being_published(self) -> list[str]:
        """The keys a live background writer is publishing now."""
        folders = self.root.glob(f".*-*/{WRITER_FILE}")
        keys = {f.parent.name[1:].rsplit("-", 1)[0] for f in folders}
        return sorted(key for key in keys if self.being_written(key))

    def wait_for_writers(self, timeout: float = 600.0) -> None:
        """Wait until no background writer is publishing into this cache (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        # this process's own writers too, until they have exited (and are reaped)
        while (self._live_writers(".*-*") or _WRITERS) and time.monotonic() < deadline:
            time.sleep(0.05)

    def _live_writers(self, folders: str) -> bool:
        """Whether a writer of a private folder matching `folders` is alive and began less than
        an hour ago (a process id is reused after a writer is killed)."""
        _reap_writers()
        for pending in self.root.glob(f"{folders}/{WRITER_FILE}"):
            with contextlib.suppress(OSError, ValueError):
                recent = time.time() - pending.stat().st_mtime < 3600
                if recent and _alive(int(pending.read_text(encoding="utf-8"))):
                    return True
        return False

    def _prune(self, keep: str) -> None:
        evict(self.root, self.limit, keep)
        clear_stale(self.root)  # left by killed builds

    def entries(self) -> list[cache_entries.Entry]:
        """The published builds, the most recently used first."""
        return cache_entries.published(self.root)


# The writers this process started: polled (which also reaps them) rather than signalled, since
# a finished child stays a zombie, alive to a signal, until it is reaped.
_WRITERS: dict[int, subprocess.Popen[bytes]] = {}


def _reap_writers() -> None:
    """Reap the writers this process started that have ended: a long-running process (a
    server) would otherwise keep one zombie per big build."""
    for pid, writer in list(_WRITERS.items()):
        if writer.poll() is not None:
            del _WRITERS[pid]


def _alive(pid: int) -> bool:
    if pid in _WRITERS:
        return _WRITERS[pid].poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def _start_writer(private: Path, key: str) -> bool:
    """Start the detached process that publishes the dump in `private` (its own session: it
    outlives this command and is not stopped by its terminal's ^C)."""
    _reap_writers()
    with (private / "writer.log").open("wb") as log:
        writer = subprocess.Popen(
            [sys.executable, "-m", "clusterkg.inputs.cache_writer", str(private), key],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    _WRITERS[writer.pid] = writer
    with contextlib.suppress(FileNotFoundError):  # the writer has finished already
        (private / WRITER_FILE).write_text(str(writer.pid), encoding="utf-8")
    return True


def _open_entry(folder: Path, key: str) -> CachedBuild:
    """Open a published entry after checking it is whole; DamagedEntry says what is wrong."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DamagedEntry(f"meta.json unreadable: {error}") from None
    if not isinstance(meta, dict) or meta.get("key") != key:
        raise DamagedEntry("meta.json belongs to another build")
    files = meta.get("files")
    if not isinstance(files, dict) or not files:
        raise DamagedEntry("meta.json lists no files")
    try:
        stamp = (folder / STAMP_FILE).read_text(encoding="utf-8")
    except OSError:
        raise DamagedEntry("its stamp is missing") from None
    if stamp != key:
        raise DamagedEntry("its stamp does not match its key")
    _check_files(folder / "store", files)
    beside = meta.get("beside")
    if not isinstance(beside, dict):
        raise DamagedEntry("meta.json lists no files beside the store")
    _check_files(folder, beside)
    try:
        store = LocalStore.read_only(folder / "store")
    except (OSError, RuntimeError, ValueError) as error:
        # RocksDB reports a damaged database as RuntimeError ("Corruption: ...")
        raise DamagedEntry(str(error).splitlines()[0][:200]) from None
    return CachedBuild(store, meta, folder)


# RocksDB's own log and lock files: not part of the data, and free to change.
_NOT_DATA = ("LOG", "LOCK")


def _fingerprints(store: Path) -> dict[str, list[int]]:
    """Each file of the store: [size, modification time in ns, CRC-32]."""
    return {
        path.name: _fingerprint(path)
        for path in sorted(store.iterdir())
        if path.is_file() and not path.name.startswith(_NOT_DATA)
    }


def _fingerprint(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, _crc32(path)]


def _check_files(folder: Path, files: dict[str, object]) -> None:
    """DamagedEntry unless every listed file is there, of its size, and (if it was touched
    since) of its checksum."""
    for name, recorded in files.items():
        if not (isinstance(recorded, list) and len(recorded) == 3):
            raise DamagedEntry("meta.json lists files in an unknown form")
        size, modified, crc = recorded
        try:
            stat = (folder / name).stat()
        except OSError:
            raise DamagedEntry(f"file {name} is missing") from None
        if stat.st_size != size:
            raise DamagedEntry(f"file {name} has {stat.st_size} bytes, not {size}")
        if stat.st_mtime_ns != modified and _crc32(folder / name) != crc:
            raise DamagedEntry(f"file {name} was changed after the build")


def _crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            crc = zlib.crc32(block, crc)
    return crc
