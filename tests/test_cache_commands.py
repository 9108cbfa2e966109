"""The build cache shared well: keyed by contents (not paths), kept under a size in bytes with the
least recently used builds evicted first, never a build a live process reads; `clusterkg cache
list|info|clear` to see and make room. Real processes of the real command throughout.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import run_process

from clusterkg.inputs.cache import build_key
from clusterkg.inputs.cache_entries import parse_size, published
from clusterkg.inputs.digests import Digests, memo_path

# One statement, with a literal the store writes otherwise: its note names the file and line.
FIGURE = """\
@prefix ck: <https://w3id.org/clusterkg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/clusterkg/id/figure/x> ck:value "01"^^xsd:integer .
"""
NOTE = ':3: literal "01"^^xsd:integer is stored, queried and exported as "1"^^xsd:integer'
QUESTION = ("query", "statistics")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("CLUSTERKG_CACHE_DIR", str(root))
    monkeypatch.delenv("CLUSTERKG_CACHE_SIZE", raising=False)
    return root


def data_file(folder: Path, text: str = FIGURE, name: str = "figure.ttl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run_on(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    done = run_process(*options, "--data", str(path), *QUESTION)
    assert done.returncode == 0, done.stderr
    return done


def keys(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir() if not p.name.startswith("."))


# --- keyed by contents --------------------------------------------------------------------------


def test_the_same_files_at_two_paths_share_one_build_and_notes_name_the_files_at_hand(
    cache: Path, tmp_path: Path
) -> None:
    alice = data_file(tmp_path / "alice" / "checkout")
    bob = data_file(tmp_path / "bob" / "elsewhere")
    first = run_on(alice)
    assert f"{alice}{NOTE}" in first.stderr
    (built,) = keys(cache)
    second = run_on(bob)
    assert keys(cache) == [built], "the second path opened the first path's build"
    assert f"{bob}{NOTE}" in second.stderr and str(alice) not in second.stderr
    assert second.stdout == first.stdout


def test_other_contents_or_another_kind_of_file_give_another_build(tmp_path: Path) -> None:
    turtle = data_file(tmp_path / "a", name="x.ttl")
    trig = data_file(tmp_path / "b", name="x.trig")  # the same bytes, read by the TriG parser
    changed = data_file(tmp_path / "c", FIGURE + "# one more line\n", name="x.ttl")
    options = {"profile": "owlrl"}
    assert build_key([turtle], options) == build_key(
        [data_file(tmp_path / "d", name="x.ttl")], options
    )
    assert build_key([turtle], options) != build_key([trig], options)
    assert build_key([turtle], options) != build_key([changed], options)


def test_digests_are_remembered_until_the_file_changes(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    path = data_file(tmp_path / "data")
    by_hand = hashlib.sha256(FIGURE.encode()).hexdigest()
    digests = Digests(root)
    assert digests.of(path) == by_hand
    digests.save()
    memo = json.loads(memo_path(root).read_text(encoding="utf-8"))
    assert memo[str(path.resolve())][-1] == by_hand
    # a remembered digest is used as long as the file is unchanged: not hashed again
    memo[str(path.resolve())][-1] = "remembered"
    memo_path(root).write_text(json.dumps(memo), encoding="utf-8")
    assert Digests(root).of(path) == "remembered"
    path.write_text(FIGURE + "\n", encoding="utf-8")  # changed: hashed again
    assert Digests(root).of(path) == hashlib.sha256((FIGURE + "\n").encode()).hexdigest()


# --- sized by bytes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2GB", 2_000_000_000),
        ("2G", 2_000_000_000),
        ("500 MB", 500_000_000),
        ("500mb", 500_000_000),
        ("1.5GiB", 1_610_612_736),
        ("64KiB", 65_536),
        ("123", 123),
    ],
)
def test_sizes_are_read_as_people_write_them(written: str, expected: int) -> None:
    assert parse_size(written) == expected


def test_a_size_that_is_not_one_is_a_usage_error(cache: Path) -> None:
    done = run_process("--cache-size", "lots", "cache", "info")
    assert done.returncode == 2 and "'lots' is not a size" in done.stderr


def test_the_least_recently_used_build_goes_first(cache: Path, tmp_path: Path) -> None:
    # three data sets of the same size (a comment tells them apart)
    x, y, z = (data_file(tmp_path / n, FIGURE + f"# {n}\n") for n in "xyz")
    run_on(x)
    run_on(y)
    sizes = {e.key: e.size for e in published(cache)}
    assert len(sizes) == 2
    run_on(x)  # x used again: y is now the least recently used
    key_x = next(e.key for e in published(cache))
    room = sum(sizes.values()) + max(sizes.values()) // 2  # two builds fit, not three
    run_on(z, "--cache-size", str(room))
    (key_y,) = set(sizes) - {key_x}
    left = keys(cache)
    assert len(left) == 2 and key_x in left and key_y not in left


def test_the_build_just_written_stays_even_over_the_size(cache: Path, tmp_path: Path) -> None:
    run_on(data_file(tmp_path / "one"))
    run_on(data_file(tmp_path / "two", FIGURE + "# two\n"), "--cache-size", "1")
    assert len(keys(cache)) == 1
    info = run_process("--cache-size", "1", "cache", "info").stdout
    assert "builds  1" in info and "limit   1 B" in info


# --- a build a live process reads ---------------------------------------------------------------


@pytest.fixture
def reader(cache: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A process that opened the build of a data file and keeps reading it."""
    run_on(data_file(tmp_path / "read"))
    (key,) = keys(cache)
    script = (
        "import sys, time; from pathlib import Path; "
        "from clusterkg.inputs.cache import BuildCache; "
        f"assert BuildCache(Path({str(cache)!r})).open({key!r}) is not None; "
        "print('open', flush=True); time.sleep(120)"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "open\n"
    yield key, process
    process.kill()
    process.wait()


def test_clear_keeps_a_build_in_use_and_says_so(
    cache: Path, reader: tuple[str, subprocess.Popen[str]]
) -> None:
    key, process = reader
    listed = run_process("cache", "list").stdout
    assert f"{key[:12]}" in listed and "(in use)" in listed
    cleared = run_process("cache", "clear", "--all")
    assert cleared.returncode == 0
    assert f"kept {key[:12]}: a running process reads it" in cleared.stdout
    assert keys(cache) == [key]
    process.kill()
    process.wait()
    cleared = run_process("cache", "clear", key[:12])
    assert f"removed {key[:12]} (" in cleared.stdout and "freed; 0 build(s) kept" in cleared.stdout
    assert keys(cache) == []


def test_eviction_never_takes_a_build_in_use(
    cache: Path, tmp_path: Path, reader: tuple[str, subprocess.Popen[str]]
) -> None:
    key, _ = reader
    run_on(data_file(tmp_path / "new", FIGURE + "# new\n"), "--cache-size", "1")
    assert key in keys(cache) and len(keys(cache)) == 2


# --- list, info, clear --------------------------------------------------------------------------


def test_list_says_what_each_build_is_made_of(cache: Path, tmp_path: Path) -> None:
    path = data_file(tmp_path / "listed")
    run_on(path)
    listed = run_process("cache", "list")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    (key,) = keys(cache)
    assert lines[0].startswith(key[:12] + "  ") and " built " in lines[0]
    assert lines[0].endswith("rules/owlrl")  # the fast reasoner, the OWL 2 RL profile
    assert lines[1] == f"    from {path}"
    assert lines[2].startswith("1 build(s), ") and lines[2].endswith(" of 2.0 GB")


def test_clear_by_key_and_its_refusals(cache: Path, tmp_path: Path) -> None:
    assert run_process("cache", "list").stdout == f"no builds in {cache}\n"
    both = run_process("cache", "clear")
    assert both.returncode == 2 and "--all" in both.stderr
    unknown = run_process("cache", "clear", "ffff")
    assert unknown.returncode != 0
    assert "no build in the cache has a key starting 'ffff'" in unknown.stderr
    run_on(data_file(tmp_path / "gone"))
    (key,) = keys(cache)
    cleared = run_process("cache", "clear", key[:6])
    assert cleared.stdout.startswith(f"removed {key[:12]} (")
    assert keys(cache) == []
    assert run_process("--no-cache", "cache", "list").returncode != 0


def test_a_build_removed_by_clear_is_built_again(cache: Path, tmp_path: Path) -> None:
    path = data_file(tmp_path / "again")
    answer = run_on(path).stdout
    run_process("cache", "clear", "--all")
    assert run_on(path).stdout == answer and len(keys(cache)) == 1


def test_a_published_build_is_as_readable_as_the_cache_folder(cache: Path, tmp_path: Path) -> None:
    cache.mkdir()
    os.chmod(cache, 0o755)
    run_on(data_file(tmp_path / "shared"))
    (key,) = keys(cache)
    assert (cache / key).stat().st_mode & 0o777 == 0o755
    shutil.rmtree(cache)


def test_list_names_a_build_a_background_writer_is_publishing(cache: Path) -> None:
    # a writer's private folder, its process alive (this test's own process stands for it)
    key = "ab" * 16
    private = cache / f".{key}-pending"
    private.mkdir(parents=True)
    (private / "writer.pid").write_text(str(os.getpid()), encoding="utf-8")
    listed = run_process("cache", "list").stdout.splitlines()
    assert listed[0] == f"{key[:12]}  being written by a background writer (not listed below)"
    assert listed[1] == f"no builds in {cache}"
    cleared = run_process("cache", "clear", "--all")
    assert cleared.returncode == 0 and private.is_dir()  # clear never touches it
