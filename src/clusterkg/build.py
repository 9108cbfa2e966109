"""Building the graph: the files loaded into a store, reasoned over, and cached.

Loading (clusterkg.inputs.store_loading) and reasoning (clusterkg.reasoning) each have a fast path
inside the store and a reference path (rdflib, owlrl) for what the fast one does not cover. A
build is made in memory; with a build cache it is published once per content of the inputs and
opened read-only from disk afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from clusterkg import backends
from clusterkg.engine import LocalEngine, LocalStore
from clusterkg.inputs.cache import BuildCache
from clusterkg.inputs.fidelity import Fidelity, Scan
from clusterkg.inputs.screening import screen
from clusterkg.inputs.sources import SourceMap
from clusterkg.inputs.store_loading import (
    check_loaded,
    drop_export_description,
    drop_repeated_vocabulary_blanks,
    keep_statement_groups,
    load_file,
)
from clusterkg.queries import names, stored_names
from clusterkg.queries.names import NamedThings
from clusterkg.reasoning import FAST, REFERENCE, choose_reasoner, consistency
from clusterkg.reasoning.consistency import Inconsistency
from clusterkg.vocabulary import ASSERTED, INFERRED


@dataclass
class Build:
    """A store holding the asserted graph and what reasoning added, and how it was made."""

    store: LocalStore
    sources: SourceMap
    profile: str
    reasoner: str
    asserted: int
    inferred: int
    from_cache: bool = False
    # contradictions reasoning found (reported by reason and validate, never exported as data)
    inconsistencies: list[Inconsistency] = field(default_factory=list)
    # False: built without reasoning (validate, a plain export): the inferred graph is empty and
    # `inconsistencies` are those a cached build of the same inputs recorded, if
    # `inconsistencies_known`; reason_build completes it when they are needed and not known.
    reasoned: bool = True
    inconsistencies_known: bool = True
    # What the store changed in the files' literals, and ill-typed literals when they were kept
    # (validate lists them); notes for stderr, kept with a cached build to be said again.
    fidelity: Fidelity = field(default_factory=Fidelity)
    notes: list[str] = field(default_factory=list)
    # the name index kept with a cached build (clusterkg.queries.stored_names); None: names are
    # looked up in an index made from the store on the first lookup
    names: Path | None = None
    # the names scanned from the store to write that index (the run that built it uses them)
    scanned_names: NamedThings | None = None
    # the build-cache entry this build was opened from (None: built by this run, in memory);
    # a server's worker processes open its store read-only
    folder: Path | None = None


def build_store(
    store: LocalStore,
    files: list[Path],
    profile: str = "owlrl",
    reasoner: str = "auto",
    progress: Callable[[float, float], object] | None = None,
    keep_ill_typed: bool = False,
    vocabulary: int = 0,
    refuse_imports: bool = True,
    reader: str = "auto",
    reasoning: bool = True,
) -> Build:
    """Load `files` into the asserted graph of `store` and materialise the inferred graph.
    `progress(done, total)` is told how far loading is (reasoning counts as the last 30 %).
    Ill-typed literals are refused (InputError) unless `keep_ill_typed`: then they are loaded
    and listed in the build's fidelity record, for validate to report with everything else.
    `vocabulary`: how many of the first files are the always-loaded vocabulary, whose blank-node
    structures a data file (an export read back) must not add a second time.
    `refuse_imports` False: owl:imports statements are loaded as triples, never followed.
    `reader`: which parser reads Turtle and N-Triples (see clusterkg.backends).
    `reasoning` False: the asserted graph only (for a command that reads nothing inferred);
    reason_build adds the closure later if it is wanted after all."""
    from clusterkg.inputs.blank_nodes import (
        blank_nodes,  # building only: not on a cached run's path
    )

    backends.checked("reader", reader)
    asserted = ox.NamedNode(ASSERTED)
    sizes = [_size(path) for path in files]
    total = sum(sizes) / 0.7
    for path in files:
        screen(path)  # before any parser, the scan's included, sees a hostile file
    scan = Scan(files).start()  # parses beside the store's load, which runs without the GIL
    notes: list[str] = []
    vocabulary_blanks: set[ox.BlankNode] = set()
    for number, path in enumerate(files):
        notes += load_file(store, path, asserted, reader)
        if number + 1 == vocabulary:
            vocabulary_blanks = blank_nodes(store, asserted)
        if progress:
            progress(sum(sizes[: number + 1]), total)
    notes += keep_statement_groups(store, asserted)
    notes += drop_export_description(store, asserted)
    fidelity = scan.result()
    if vocabulary_blanks and fidelity.blank_files & {str(f) for f in files[vocabulary:]}:
        notes += drop_repeated_vocabulary_blanks(store, asserted, vocabulary_blanks)
    check_loaded(store, files, asserted, None if keep_ill_typed else fidelity, refuse_imports)
    built = Build(
        store,
        SourceMap.of(files),
        profile,
        reasoner,
        count(store, asserted),
        0,
        fidelity=fidelity,
        notes=[*notes, *fidelity.notes()],
        reasoned=False,
        inconsistencies_known=False,
    )
    if reasoning:
        reason_build(built)
    return built


def reason_build(built: Build) -> None:
    """Materialise the inferred graph of a build made without reasoning; it records the
    reasoner used and the contradictions found."""
    if built.reasoned:
        return
    built.reasoner, built.inconsistencies = reason(built.store, built.profile, built.reasoner)
    built.inferred = count(built.store, ox.NamedNode(INFERRED))
    built.reasoned = built.inconsistencies_known = True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def reason(
    store: LocalStore, profile: str, reasoner: str = "auto"
) -> tuple[str, list[Inconsistency]]:
    """Fill the inferred graph; returns the reasoner used ("rules" or "owlrl") and the
    contradictions it found. The rules decide on the closure they compute whether they cover
    the graph (a term counts for what it is after reasoning); if not, owlrl reasons instead."""
    from clusterkg.reasoning import rules

    asserted, inferred = ox.NamedNode(ASSERTED), ox.NamedNode(INFERRED)
    profile_refused = ["the rdfs profile"] if profile != "owlrl" else []
    fast = choose_reasoner(reasoner, profile_refused) == FAST
    # what the asserted triples show already: no rules run in vain
    fast = fast and choose_reasoner(reasoner, rules.unsupported_constructs(store, asserted)) == FAST
    if fast:
        outcome = rules.materialise(store, asserted, inferred)
        if choose_reasoner(reasoner, outcome.unsupported) == FAST:
            return FAST, outcome.inconsistencies
    return REFERENCE, _reason_with_owlrl(store, profile, asserted, inferred)


def _reason_with_owlrl(
    store: LocalStore, profile: str, asserted: ox.NamedNode, inferred: ox.NamedNode
) -> list[Inconsistency]:
    from clusterkg.engine.convert import to_oxigraph, to_rdflib_graph
    from clusterkg.reasoning import reference as reasoning

    result = reasoning.infer(to_rdflib_graph(store, asserted), profile)
    store.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), inferred)  # type: ignore[arg-type]
        for s, p, o in result.inferred
    )
    return consistency.from_owlrl(result.errors)


def count(store: LocalStore, graph: ox.NamedNode) -> int:
    """The number of triples in one named graph, counted by the engine."""
    return LocalEngine(store).count(graph.value)


def cached_build(
    cache: BuildCache,
    files: list[Path],
    profile: str,
    reasoner: str,
    vocabulary: int,
    progress: Callable[[str], Any],
    reader: str = "auto",
) -> Build:
    """The build of these inputs from the cache, built and published first if missing.
    `progress(title)` is a context manager showing a long step (clusterkg.progress.step)."""
    key = cache_key(cache, files, profile, reasoner, reader)
    found = cache.open(key)
    if found is None:
        with progress(f"Loading and reasoning over {len(files)} files") as bar:
            made = build_store(
                LocalStore(),
                files,
                profile,
                reasoner,
                bar.update,
                vocabulary=vocabulary,
                reader=reader,
            )
        meta: dict[str, object] = {
            "inputs": [str(path) for path in files],
            "vocabulary_files": vocabulary,  # the first inputs: the rest are the data
            "profile": profile,
            "reasoner": made.reasoner,
            "asserted": made.asserted,
            "inferred": made.inferred,
            "inconsistencies": [i.as_dict() for i in made.inconsistencies],
            "notes": made.notes,
            "fidelity": made.fidelity.to_json(),
        }
        _publish(cache, key, made, meta, progress)
        return made  # this run goes on with the in-memory store: faster than the disk copy
    meta = said_of(found.meta, files)
    notes = meta.get("notes")
    return Build(
        found.store,
        SourceMap.of(files),
        profile,
        str(meta["reasoner"]),
        int(str(meta["asserted"])),
        int(str(meta["inferred"])),
        from_cache=True,
        inconsistencies=_inconsistencies(meta.get("inconsistencies")),
        fidelity=Fidelity.from_json(meta.get("fidelity")),
        notes=[str(n) for n in notes] if isinstance(notes, list) else [],
        names=_name_index(found.path),
        folder=found.path,
    )


# Builds bigger than this (asserted + inferred triples) are published by a background writer:
# the bulk load into the on-disk store takes twice as long as the build (2 M triples: ~40 s).
PUBLISH_IN_BACKGROUND_ABOVE = 500_000


def _publish(
    cache: BuildCache,
    key: str,
    made: Build,
    meta: dict[str, object],
    progress: Callable[[str], Any],
) -> None:
    if cache.being_written(key):
        return  # another run's writer is publishing these very inputs
    beside = {names.FILE: _name_index_writer(made)}
    if made.asserted + made.inferred > PUBLISH_IN_BACKGROUND_ABOVE:
        # this run looks names up in the scan made for the index, not in the index, which
        # the writer is still publishing
        with progress(f"Handing the build to the cache's background writer ({cache.root})"):
            cache.publish(key, made.store, meta, beside, background=True)
        return
    with progress(f"Writing the build cache ({cache.root})"):
        if cache.publish(key, made.store, meta, beside):
            made.names = _name_index(cache.root / key)


def said_of(meta: dict[str, object], files: list[Path]) -> dict[str, object]:
    """A cached build's record with its notes and fidelity record naming `files`, the files at
    hand, where they named the files it was built from (same contents, maybe elsewhere: the
    key is the contents'; clusterkg.inputs.cache)."""
    built_from = meta.get("inputs")
    here = [str(path) for path in files]
    if not isinstance(built_from, list) or built_from == here or len(built_from) != len(here):
        return meta
    moved = {str(old): new for old, new in zip(built_from, here, strict=True) if old != new}
    notes = meta.get("notes")
    if isinstance(notes, list):
        # one pass, the longest path first: a new path is never renamed again
        old_paths = re.compile("|".join(re.escape(p) for p in sorted(moved, key=len, reverse=True)))
        notes = [old_paths.sub(lambda m: moved[m[0]], str(note)) for note in notes]
    changes = meta.get("fidelity")
    if isinstance(changes, list):
        changes = [
            {**c, "file": moved.get(str(c.get("file")), c.get("file"))}
            for c in changes
            if isinstance(c, dict)
        ]
    return {**meta, "notes": notes, "fidelity": changes}


def cache_key(
    cache: BuildCache, files: list[Path], profile: str, reasoner: str, reader: str
) -> str:
    """The build cache's key for a build of `files` with these settings."""
    # "reasoning": bumped when what a build holds changes (2: inconsistencies in the meta,
    # owlrl's error messages no longer in the inferred graph; 3: statement groups kept)
    # auto reads with the fast reader: one build, one key
    read_by = "fast" if reader == "auto" else reader
    options = {"profile": profile, "reasoner": reasoner, "reader": read_by, "reasoning": "3"}
    options["names"] = names.FINGERPRINT  # the name index's code: another index, another key
    return cache.key(files, options)


def recall_inconsistencies(built: Build, cache: BuildCache, files: list[Path], reader: str) -> None:
    """Give a build made without reasoning the contradictions a cached build of the same inputs
    found, if there is one: validate reports them without reasoning again."""
    meta = cache.recorded(cache_key(cache, files, built.profile, built.reasoner, reader))
    if meta is not None and isinstance(meta.get("inconsistencies"), list):
        built.inconsistencies = _inconsistencies(meta.get("inconsistencies"))
        built.inconsistencies_known = True


def _name_index_writer(made: Build) -> Callable[[Path], None]:
    """Writes the name index of the build `made`, scanned in memory (2 M triples: ~10 s, while
    the store is copied to disk)."""

    def write(path: Path) -> None:
        made.scanned_names = names.scan(LocalEngine(made.store))
        stored_names.write(made.scanned_names, path)

    return write


def _name_index(entry: Path) -> Path | None:
    """A cache entry's name index; None if it has none (the resolver then scans the store)."""
    path = entry / names.FILE
    return path if path.is_file() else None


def _inconsistencies(stored: object) -> list[Inconsistency]:
    """The inconsistencies kept in a cached build's meta (a list of dicts)."""
    assert isinstance(stored, list), "a build of this cache key always stores the list"
    return [Inconsistency.from_dict(item) for item in stored]
