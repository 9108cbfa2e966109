"""The knowledge graph and the operations on it: query, validate, reason, export.

This is the Python API behind every CLI command. The vocabulary (ontology + reference data) is
always loaded; the facts are the bundled data/ unless other files are given.

Everything lives in one Oxigraph store: the asserted triples in one named graph, what reasoning
added in another. With a build cache the store is built once per content of the inputs and
opened read-only afterwards; without one it is built in memory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from clusterkg import build as building
from clusterkg.engine.limits import NO_LIMITS, Limits, run_limited
from clusterkg.engine.local import (
    ASSERTED,
    DESCRIPTION,
    INFERRED,
    Answer,
    Engine,
    Table,
    Term,
    Triples,
)
from clusterkg.errors import ClusterKGError
from clusterkg.inputs.bundle import Bundle, Selection, bundled, select_files, unique_files
from clusterkg.inputs.cache import BuildCache, build_key
from clusterkg.inputs.fidelity import Fidelity
from clusterkg.inputs.sources import SourceMap
from clusterkg.output import description
from clusterkg.output.serialise import DATASET_FORMATS, Quad, atomic_output, serialise
from clusterkg.progress import step
from clusterkg.queries.catalogue import Catalogue, StoredQuery
from clusterkg.queries.resolve import Resolver
from clusterkg.reasoning import consistency

if TYPE_CHECKING:
    from rdflib import Graph

    from clusterkg.validation.report import Report

PROFILES = ("owlrl", "rdfs")
# Exports up to this many triples are sorted and pretty-printed in Python (diff-friendly, with
# prefixes); bigger Turtle and N-Triples exports are streamed by Oxigraph (see _streamed_export).
STREAM_ABOVE = 200_000
# An N-Triples line whose subject or object is a blank node (not "_:" inside a literal).
_BLANK_LINE = re.compile(rb"_:\S+ .*|.* _:\S+ \.")


@dataclass
class Inference:
    """What reasoning added: how many triples, by which reasoner, and under which profile."""

    profile: str
    reasoner: str
    store: ox.Store

    @property
    def count(self) -> int:
        return building.count(self.store, ox.NamedNode(INFERRED))

    def counts_by_predicate(self) -> list[tuple[str, int]]:
        rows = self.store.query(
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }} GROUP BY ?p"
        )
        assert isinstance(rows, ox.QuerySolutions)
        counts = [(str(r["p"].value), int(r["n"].value)) for r in rows]
        return sorted(counts, key=lambda item: (-item[1], item[0]))

    def quads(self) -> list[Quad]:
        return [
            (q.subject, q.predicate, q.object, None)  # type: ignore[misc]
            for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED))
        ]


@dataclass
class KnowledgeGraph:
    """The loaded graph: a store with the asserted and inferred triples, and where each input
    file is (for messages that point at a line)."""

    bundle: Bundle
    files: list[Path]
    built: building.Build
    # what the folders given held that was not read (hidden files, .json …), said on stderr
    skipped: list[str] = field(default_factory=list)
    _resolver: Resolver | None = field(default=None, repr=False)

    @classmethod
    def load(
        cls,
        data: Sequence[Path | str] | None = None,
        profile: str = "owlrl",
        bundle: Bundle | None = None,
        cache: BuildCache | None = None,
        reasoner: str = "auto",
        keep_ill_typed: bool = False,
        reads_every_triple: bool = False,
    ) -> KnowledgeGraph:
        """Load the vocabulary plus `data` (files or folders; default: the bundled facts) and
        reason. With `cache`, a build of the same inputs is reused instead of redone.
        `keep_ill_typed`: load ill-typed literals (for validate to list) instead of refusing.
        `reads_every_triple`: the caller scans the whole graph (validate, export), so the build is
        made in memory and the cache left aside: Oxigraph's on-disk store, which the cache opens
        in 0.2 s, scans four times slower (2 M triples: validation 137 s on disk, 36 s in
        memory)."""
        if reads_every_triple:
            cache = None
        bundle = bundle or bundled()
        selection = select_files([Path(p) for p in data]) if data else Selection(bundle.data, [])
        facts = selection.files
        vocabulary = unique_files(bundle.vocabulary())
        files = unique_files([*vocabulary, *facts])
        if profile not in PROFILES:
            raise ClusterKGError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
        if cache is None or keep_ill_typed:  # a cached build never holds ill-typed literals
            with step(f"Loading and reasoning over {len(files)} files") as progress:
                built = building.build_store(
                    ox.Store(),
                    files,
                    profile,
                    reasoner,
                    progress.update,
                    keep_ill_typed,
                    len(vocabulary),
                )
        else:
            built = _cached_build(cache, files, profile, reasoner, len(vocabulary))
        return cls(bundle, files, built, selection.notes)

    # -- the store -------------------------------------------------------------------------

    @property
    def store(self) -> ox.Store:
        return self.built.store

    @property
    def sources(self) -> SourceMap:
        return self.built.sources

    @property
    def notes(self) -> list[str]:
        """What loading changed and says so: literals the store keeps in another form, named
        graphs merged (the CLI prints them on stderr, for cached builds too)."""
        return [*self.skipped, *self.built.notes]

    @cached_property
    def engine(self) -> Engine:
        return Engine(self.built.store)

    @property
    def inference(self) -> Inference:
        return Inference(self.built.profile, self.built.reasoner, self.built.store)

    @property
    def asserted_count(self) -> int:
        return self.built.asserted

    @cached_property
    def asserted(self) -> Graph:
        """The asserted graph as an rdflib Graph, for the reference paths (pySHACL, owlrl)."""
        from clusterkg.engine.convert import to_rdflib_graph

        return to_rdflib_graph(self.store, ox.NamedNode(ASSERTED))

    # -- queries -------------------------------------------------------------------------

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.bundle.queries)

    def query(
        self, name: str, params: Mapping[str, str] | None = None, limits: Limits | None = None
    ) -> Table | Triples:
        """Run a stored query; parameter values are names, IRIs or CURIEs, bound as RDF terms.
        With `limits`, it runs under a timeout and a row cap (see query_stream)."""
        if limits is not None:
            return self.query_stream(name, params, limits).collect()
        stored = self.catalogue.get(name)
        return self.engine.run(stored.text, self.bind(stored, params or {}))

    def query_stream(
        self,
        name: str,
        params: Mapping[str, str] | None = None,
        limits: Limits = NO_LIMITS,
    ) -> Answer:
        """Start a stored query in a worker process; read its rows page by page as they come.
        Past `limits.timeout` the worker is killed and QueryTimeout raised; past
        `limits.max_rows` the rows stop and `truncated` is set (see clusterkg.engine.limits)."""
        stored = self.catalogue.get(name)
        return run_limited(self.engine, stored.text, self.bind(stored, params or {}), limits)

    def bind(self, stored: StoredQuery, params: Mapping[str, str]) -> dict[str, Term]:
        stored.check_parameters(params)
        resolver = self._resolver or Resolver(self.engine)
        self._resolver = resolver
        return {
            name: resolver.resolve(p, params[name])
            for name in params
            if (p := stored.parameter(name)) is not None
        }

    def sparql(self, text: str, limits: Limits | None = None) -> Table | Triples:
        """Run an ad-hoc read-only SPARQL query over asserted + inferred triples; with `limits`,
        under a timeout and a row cap (see sparql_stream)."""
        if limits is not None:
            return self.sparql_stream(text, limits).collect()
        return self.engine.run(text)

    def sparql_stream(self, text: str, limits: Limits = NO_LIMITS) -> Answer:
        """Start an ad-hoc query in a worker process; read its rows page by page as they come,
        under `limits` as query_stream is."""
        return run_limited(self.engine, text, None, limits)

    # -- validation, reasoning, export ----------------------------------------------------

    def validate(self) -> Report:
        """SHACL-validate the asserted graph (vocabulary + facts)."""
        from clusterkg.validation.validate import validate_build

        with step("Validating (SHACL)"):
            # contradictions reasoning found are violations too, located like SHACL results
            return validate_build(self.built, self.bundle.shapes)

    def export(self, fmt: str = "ttl", inferred: bool = False) -> str:
        """The graph with its VoID/DCAT description, serialised deterministically."""
        return self.export_bytes(fmt, inferred).decode("utf-8")

    def export_bytes(self, fmt: str = "ttl", inferred: bool = False) -> bytes:
        """export() as UTF-8 bytes: what files and pipes take, without a 300 MB str between."""
        named = fmt in DATASET_FORMATS
        graphs = [ASSERTED, INFERRED] if inferred else [ASSERTED]
        total = self.asserted_count + (self.inference.count if inferred else 0)
        if fmt in ("ttl", "nt") and total > STREAM_ABOVE:
            return self._streamed_export(fmt, graphs, total, inferred)
        quads: list[Quad] = []
        for name in graphs:
            quads += [
                (q.subject, q.predicate, q.object, name if named else None)  # type: ignore[misc]
                for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(name))
            ]
        about = description.describe(self.store, ox.NamedNode(ASSERTED), len(quads), inferred)
        quads += [(s, p, o, DESCRIPTION if named else None) for s, p, o in about]
        with step(f"Serialising {len(quads)} triples"):
            return serialise(quads, fmt).encode("utf-8")

    def _streamed_export(self, fmt: str, graphs: list[str], total: int, inferred: bool) -> bytes:
        """Big exports, written by Oxigraph in Rust as N-Triples (valid Turtle too), sorted.
        Triples that touch a blank node are taken out and written first, with the description,
        by the canonical writer: Oxigraph's blank node labels are random, and exports must be
        byte-identical. 2 M triples: seconds instead of minutes."""
        with step(f"Serialising {total:,} triples"):
            lines: list[bytes] = []
            blank: list[Quad] = []
            for name in graphs:
                dump = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
                assert dump is not None
                dump, touched = _take_blank_node_lines(dump)
                if touched:
                    blank += [
                        (t.subject, t.predicate, t.object, None)
                        for t in ox.parse(touched, format=ox.RdfFormat.N_TRIPLES)
                    ]
                lines += dump.splitlines()
            about = description.describe(self.store, ox.NamedNode(ASSERTED), total, inferred)
            blank += [(s, p, o, None) for s, p, o in about]
            # Sorted: an in-memory store and the cache's on-disk store list triples in
            # different orders, and the bytes must not depend on which one answered.
            lines.sort()
            lines.append(b"")
            return serialise(blank, fmt).encode("utf-8") + b"\n".join(lines)

    def write_export(self, path: Path, fmt: str = "ttl", inferred: bool = False) -> None:
        """Export atomically to `path`; refuses to overwrite one of the graph's own inputs."""
        target = path.resolve()
        if any(target == f.resolve() for f in self.files):
            raise ClusterKGError(f"{path}: is one of the input files; choose another output file")
        if not target.parent.is_dir():
            raise ClusterKGError(f"{path}: folder {target.parent} does not exist")
        try:
            # The temporary file is made first: an unwritable folder fails before minutes of
            # serialising, and an interruption while serialising removes it too.
            with atomic_output(target) as out:
                out.write(self.export_bytes(fmt, inferred))
        except OSError as error:
            raise ClusterKGError(f"{path}: cannot write: {error.strerror or error}") from None


def _take_blank_node_lines(dump: bytes) -> tuple[bytes, bytes]:
    """Split N-Triples into (lines without blank nodes, lines with): "_:" is searched with
    bytes.find (C speed, and rare), and only the lines it occurs in are looked at."""
    spans: list[tuple[int, int]] = []
    at = dump.find(b"_:")
    while at >= 0:
        start = dump.rfind(b"\n", 0, at) + 1
        end = dump.find(b"\n", at) + 1 or len(dump)
        if _BLANK_LINE.fullmatch(dump, start, end - 1 if dump[end - 1 : end] == b"\n" else end):
            spans.append((start, end))
        at = dump.find(b"_:", end)
    if not spans:
        return dump, b""
    kept, taken, previous = [], [], 0
    for start, end in spans:
        kept.append(dump[previous:start])
        taken.append(dump[start:end])
        previous = end
    kept.append(dump[previous:])
    return b"".join(kept), b"".join(taken)


def _inconsistencies(stored: object) -> list[consistency.Inconsistency]:
    """The inconsistencies kept in a cached build's meta (a list of dicts)."""
    assert isinstance(stored, list), "a build of this cache key always stores the list"
    return [consistency.Inconsistency.from_dict(item) for item in stored]


def _cached_build(
    cache: BuildCache, files: list[Path], profile: str, reasoner: str, vocabulary: int
) -> building.Build:
    """The build of these inputs from the cache, built and published first if missing."""
    # "reasoning": bumped when what a build holds changes (2: inconsistencies in the meta,
    # owlrl's error messages no longer in the inferred graph)
    key = build_key(files, {"profile": profile, "reasoner": reasoner, "reasoning": "2"})
    found = cache.open(key)
    if found is None:
        with step(f"Loading and reasoning over {len(files)} files") as bar:
            made = building.build_store(
                ox.Store(), files, profile, reasoner, bar.update, vocabulary=vocabulary
            )
        meta: dict[str, object] = {
            "reasoner": made.reasoner,
            "asserted": made.asserted,
            "inferred": made.inferred,
            "inconsistencies": [i.as_dict() for i in made.inconsistencies],
            "notes": made.notes,
            "fidelity": made.fidelity.to_json(),
        }
        with step(f"Writing the build cache ({cache.root})"):
            cache.publish(key, made.store, meta)
        return made  # this run goes on with the in-memory store: faster than the disk copy
    meta = found.meta
    notes = meta.get("notes")
    return building.Build(
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
    )
