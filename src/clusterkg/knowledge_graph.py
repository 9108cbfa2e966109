"""The knowledge graph and the operations on it: query, validate, reason, export.

This is the Python API behind every CLI command. The vocabulary (ontology + reference data) is
always loaded; the facts are the bundled data/ unless other files are given. Loading builds the
graph (clusterkg.build); every operation after that reads it through the engine port
(clusterkg.engine): queries through the query service, export and description by graph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from clusterkg import backends
from clusterkg import build as building
from clusterkg.engine import Answer, Engine, LocalEngine, LocalStore, Table, Triples
from clusterkg.engine.limits import NO_LIMITS, Limits
from clusterkg.errors import ClusterKGError
from clusterkg.inputs.bundle import Bundle, Selection, bundled, select_files, unique_files
from clusterkg.inputs.cache import BuildCache
from clusterkg.inputs.sources import SourceMap
from clusterkg.output import export
from clusterkg.progress import step
from clusterkg.queries.catalogue import Catalogue
from clusterkg.queries.resolve import Resolver
from clusterkg.queries.service import QueryService
from clusterkg.reasoning import PROFILES, reasoner_name
from clusterkg.reasoning.inference import Inference

if TYPE_CHECKING:
    from clusterkg.validation.report import Report


@dataclass
class KnowledgeGraph:
    """The loaded graph: the engine holding the asserted and inferred triples, how it was built,
    and where each input file is (for messages that point at a line)."""

    bundle: Bundle
    files: list[Path]
    built: building.Build
    # what the folders given held that was not read (hidden files, .json …), said on stderr
    skipped: list[str] = field(default_factory=list)

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
        reader: str = "auto",
        reasoning: bool = True,
    ) -> KnowledgeGraph:
        """Load the vocabulary plus `data` (files or folders; default: the bundled facts) and
        reason. With `cache`, a build of the same inputs is reused instead of redone.
        `keep_ill_typed`: load ill-typed literals (for validate to list) instead of refusing.
        `reads_every_triple`: the caller scans the whole graph (validate, export), so the build is
        made in memory and the cache left aside: Oxigraph's on-disk store, which the cache opens
        in 0.2 s, scans four times slower (2 M triples: validation 137 s on disk, 36 s in
        memory). `reasoner` and `reader`: auto, fast or reference (see clusterkg.backends).
        `reasoning` False: the caller reads the asserted graph only (validate, a plain export),
        so the build is made in memory without reasoning; the contradictions a cached build of
        the same inputs found are taken from the cache. Anything that needs the closure later
        (a query, the inferred graph, unknown contradictions) reasons then."""
        bundle = bundle or bundled()
        selection = select_files([Path(p) for p in data]) if data else Selection(bundle.data, [])
        vocabulary = unique_files(bundle.vocabulary())
        files = unique_files([*vocabulary, *selection.files])
        backends.checked("reader", reader)
        reasoner = reasoner_name(reasoner)
        if profile not in PROFILES:
            raise ClusterKGError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
        if not reasoning:
            built = cls._in_memory(
                files, profile, reasoner, keep_ill_typed, vocabulary, reader, reasoning=False
            )
            if cache is not None:
                building.recall_inconsistencies(built, cache, files, reader)
            return cls(bundle, files, built, selection.notes)
        if reads_every_triple or keep_ill_typed:  # a cached build never holds ill-typed literals
            cache = None
        if cache is None:
            built = cls._in_memory(files, profile, reasoner, keep_ill_typed, vocabulary, reader)
        else:
            built = building.cached_build(
                cache, files, profile, reasoner, len(vocabulary), step, reader
            )
        return cls(bundle, files, built, selection.notes)

    @staticmethod
    def _in_memory(
        files: list[Path],
        profile: str,
        reasoner: str,
        keep_ill_typed: bool,
        vocabulary: list[Path],
        reader: str,
        reasoning: bool = True,
    ) -> building.Build:
        """A build in memory, the cache left aside; reasoned unless `reasoning` is False."""
        title = "Loading and reasoning over" if reasoning else "Loading"
        with step(f"{title} {len(files)} files") as progress:
            return building.build_store(
                LocalStore(),
                files,
                profile,
                reasoner,
                progress.update,
                keep_ill_typed,
                len(vocabulary),
                reader=reader,
                reasoning=reasoning,
            )

    def with_closure(self) -> KnowledgeGraph:
        """This graph with its inferred graph materialised (reasoning now if it was loaded
        without); returns itself."""
        if not self.built.reasoned:
            with step("Reasoning (OWL 2 RL)"):
                building.reason_build(self.built)
        return self

    # -- what was loaded ------------------------------------------------------------------

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
        """The graph, for reading: every operation below goes through this port."""
        return LocalEngine(self.built.store)

    @property
    def inference(self) -> Inference:
        self.with_closure()
        return Inference(self.built.profile, self.built.reasoner, self.engine)

    @property
    def asserted_count(self) -> int:
        return self.built.asserted

    # -- queries -------------------------------------------------------------------------

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.bundle.query_folders)

    @cached_property
    def queries(self) -> QueryService:
        self.with_closure()  # every query reads asserted + inferred triples
        resolver = Resolver.of_build(self.engine, self.built.names, self.built.scanned_names)
        return QueryService(self.engine, self.catalogue, resolver)

    def query(
        self, name: str, params: Mapping[str, str] | None = None, limits: Limits | None = None
    ) -> Table | Triples:
        """Run a stored query; parameter values are names, IRIs or CURIEs, bound as RDF terms.
        With `limits`, it runs under a timeout and a row cap (see query_stream)."""
        if limits is not None:
            return self.query_stream(name, params, limits).collect()
        return self.queries.run_stored(name, params)

    def query_stream(
        self, name: str, params: Mapping[str, str] | None = None, limits: Limits = NO_LIMITS
    ) -> Answer:
        """Start a stored query in a worker process; read its rows page by page as they come.
        Past `limits.timeout` the worker is killed and QueryTimeout raised; past
        `limits.max_rows` the rows stop and `truncated` is set (see clusterkg.engine.limits)."""
        return self.queries.stored(name, params, limits)

    def sparql(self, text: str, limits: Limits | None = None) -> Table | Triples:
        """Run an ad-hoc read-only SPARQL query over asserted + inferred triples; with `limits`,
        under a timeout and a row cap (see sparql_stream)."""
        if limits is not None:
            return self.sparql_stream(text, limits).collect()
        return self.queries.run_ad_hoc(text)

    def sparql_stream(self, text: str, limits: Limits = NO_LIMITS) -> Answer:
        """Start an ad-hoc query in a worker process; read its rows page by page as they come,
        under `limits` as query_stream is."""
        return self.queries.ad_hoc(text, limits)

    # -- validation, export -----------------------------------------------------------------

    def validate(self, validator: str = "auto") -> Report:
        """SHACL-validate the asserted graph (vocabulary + facts) against the bundle's shapes (in
        a workspace, its own shapes too). `validator`: auto, fast or
        reference (see clusterkg.backends)."""
        from clusterkg.validation.validate import validate_build

        backend = backends.checked("validator", validator)
        if not self.built.inconsistencies_known:
            self.with_closure()  # contradictions are violations too, and only reasoning finds them
        with step("Validating (SHACL)"):
            # contradictions reasoning found are violations too, located like SHACL results
            return validate_build(self.built, self.bundle.shapes_files, backend, self.engine)

    def export(self, fmt: str = "ttl", inferred: bool = False, writer: str = "auto") -> str:
        """The graph with its VoID/DCAT description, serialised deterministically. `writer`:
        auto, fast or reference (see clusterkg.backends)."""
        return self.export_bytes(fmt, inferred, writer).decode("utf-8")

    def export_bytes(self, fmt: str = "ttl", inferred: bool = False, writer: str = "auto") -> bytes:
        """export() as UTF-8 bytes: what files and pipes take, without a 300 MB str between."""
        if inferred:
            self.with_closure()
        return export.export_bytes(self.engine, fmt, inferred, writer)

    def write_export(
        self, path: Path, fmt: str = "ttl", inferred: bool = False, writer: str = "auto"
    ) -> None:
        """Export atomically to `path`; refuses to overwrite one of the graph's own inputs."""
        if inferred:
            self.with_closure()
        export.write_export(self.engine, path, self.files, fmt, inferred, writer)
