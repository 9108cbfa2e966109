"""A big build is published by a detached writer process: the run that built it answers from
memory at once, and the runs after it open the published build as they would any other."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clusterkg import build
from clusterkg.inputs import cache as cache_module
from clusterkg.inputs.cache import DUMP_FILE, PENDING_FILE, WRITER_FILE, BuildCache
from clusterkg.inputs.cache_writer import write
from clusterkg.knowledge_graph import KnowledgeGraph

QUESTION = ("clusters-of-company", {"company": "Rūta", "sector": "food"})


def test_a_build_published_in_the_background_is_opened_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "PUBLISH_IN_BACKGROUND_ABOVE", 0)  # every build is "big"
    cache = BuildCache(tmp_path / "cache")
    first = KnowledgeGraph.load(cache=cache)
    assert not first.built.from_cache
    answer = first.query(*QUESTION)
    cache.wait_for_writers(timeout=120)
    # the build, and the memo of the inputs' digests (clusterkg.inputs.digests)
    published = [p.name for p in cache.root.iterdir() if not p.name.startswith(".digests.")]
    assert len(published) == 1 and not published[0].startswith("."), published
    assert not cache_module._WRITERS, "the ended writer was reaped: no zombie is left"
    later = KnowledgeGraph.load(cache=cache)
    assert later.built.from_cache
    assert later.built.names is not None, "the name index was published with the store"
    assert first.built.scanned_names is not None, "the first run looks names up in its scan"
    assert later.query(*QUESTION) == answer
    assert later.built.asserted == first.built.asserted
    assert later.built.inferred == first.built.inferred


def test_a_run_does_not_publish_what_a_live_writer_is_publishing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = BuildCache(tmp_path / "cache")
    key = "0" * 32
    private = cache.root / f".{key}-pending"
    private.mkdir(parents=True)
    (private / WRITER_FILE).write_text(str(os.getpid()))  # this process: alive
    assert cache.being_written(key)
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # reaped: its process id names no process now
    (private / WRITER_FILE).write_text(str(finished.pid))
    assert not cache.being_written(key)


def test_a_writer_that_fails_leaves_nothing_behind(tmp_path: Path) -> None:
    private = tmp_path / "cache" / ".key-failing"
    private.mkdir(parents=True)
    (private / PENDING_FILE).write_text(json.dumps({"meta": {"asserted": 1}, "beside": []}))
    (private / DUMP_FILE).write_text("<a> <b> this is not N-Quads .\n")
    with pytest.raises(SyntaxError):
        write(private, "key")
    assert not private.exists()
    assert not (tmp_path / "cache" / "key").exists()
