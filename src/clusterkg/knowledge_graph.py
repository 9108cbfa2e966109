"""The knowledge graph and the operations on it: query, validate, reason, export.

This is the Python API behind every CLI command. The vocabulary (ontology + reference data) is
always loaded; the facts are the bundled data/ unless other files are given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph

from clusterkg import description, reasoning
from clusterkg.catalogue import Catalogue, StoredQuery
from clusterkg.engine import ASSERTED, DESCRIPTION, INFERRED, Engine, Table, Term, Triples
from clusterkg.errors import ClusterKGError, ParameterError
from clusterkg.loading import SourceMap, parse_files
from clusterkg.progress import step
from clusterkg.resolve import Resolver
from clusterkg.resources import Bundle, bundled, expand_paths
from clusterkg.serialise import DATASET_FORMATS, Quad, serialise, to_oxigraph, write_atomic
from clusterkg.validation import Report, validate


@dataclass
class KnowledgeGraph:
    """The loaded graph: asserted triples, where each was written, and (lazily) the engine."""

    bundle: Bundle
    files: list[Path]
    asserted: Graph
    sources: SourceMap
    profile: str = "owlrl"
    _engine: Engine | None = field(default=None, repr=False)
    _inference: reasoning.Inference | None = field(default=None, repr=False)
    _resolver: Resolver | None = field(default=None, repr=False)

    @classmethod
    def load(
        cls,
        data: Sequence[Path | str] | None = None,
        profile: str = "owlrl",
        bundle: Bundle | None = None,
    ) -> KnowledgeGraph:
        """Load the vocabulary plus `data` (files or folders; default: the bundled facts)."""
        bundle = bundle or bundled()
        facts = expand_paths([Path(p) for p in data]) if data else bundle.data
        files = [*bundle.vocabulary(), *facts]
        with step(f"Loading {len(files)} files"):
            asserted, sources = parse_files(files)
        return cls(bundle, files, asserted, sources, profile)

    # -- reasoning and the engine -------------------------------------------------------

    @property
    def inference(self) -> reasoning.Inference:
        if self._inference is None:
            with step(f"Reasoning ({self.profile})"):
                self._inference = reasoning.infer(self.asserted, self.profile)
        return self._inference

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            engine = Engine()
            engine.add_graph(self.asserted, ASSERTED)
            engine.add_graph(self.inference.inferred, INFERRED)
            self._engine = engine
        return self._engine

    # -- queries -------------------------------------------------------------------------

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.bundle.queries)

    def query(self, name: str, params: Mapping[str, str] | None = None) -> Table | Triples:
        """Run a stored query; parameter values are names, IRIs or CURIEs, bound as RDF terms."""
        stored = self.catalogue.get(name)
        return self.engine.run(stored.text, self.bind(stored, params or {}))

    def bind(self, stored: StoredQuery, params: Mapping[str, str]) -> dict[str, Term]:
        unknown = sorted(set(params) - {p.name for p in stored.parameters})
        if unknown:
            known = ", ".join(p.name for p in stored.parameters) or "none"
            raise ParameterError(
                f"{stored.name} has no parameter {', '.join(unknown)} (its parameters: {known})"
            )
        missing = [p.name for p in stored.parameters if p.required and p.name not in params]
        if missing:
            raise ParameterError(
                f"{stored.name} needs {', '.join(missing)}: add -p {missing[0]} VALUE"
                + (f" (example: {stored.examples[0]})" if stored.examples else "")
            )
        resolver = self._resolver or Resolver(self.engine)
        self._resolver = resolver
        return {
            name: resolver.resolve(p, params[name])
            for name in params
            if (p := stored.parameter(name)) is not None
        }

    def sparql(self, text: str) -> Table | Triples:
        """Run an ad-hoc read-only SPARQL query over asserted + inferred triples."""
        return self.engine.run(text)

    # -- validation, reasoning, export ----------------------------------------------------

    def validate(self) -> Report:
        """SHACL-validate the loaded graph (vocabulary + facts)."""
        shapes = _shapes(self.bundle)
        with step("Validating (SHACL)"):
            return validate(self.asserted, shapes, self.sources)

    def export(self, fmt: str = "ttl", inferred: bool = False) -> str:
        """The graph with its VoID/DCAT description, serialised deterministically."""
        quads: list[Quad] = []
        graphs: list[tuple[Graph, str]] = [(self.asserted, ASSERTED)]
        if inferred:
            graphs.append((self.inference.inferred, INFERRED))
        count = sum(len(g) for g, _ in graphs)
        graphs.append((description.describe(self.asserted, count), DESCRIPTION))
        named = fmt in DATASET_FORMATS
        for graph, name in graphs:
            quads += [
                (to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name if named else None)
                for s, p, o in graph
            ]
        with step(f"Serialising {len(quads)} triples"):
            return serialise(quads, fmt)

    def write_export(self, path: Path, fmt: str = "ttl", inferred: bool = False) -> None:
        """Export atomically to `path`; refuses to overwrite one of the graph's own inputs."""
        target = path.resolve()
        if any(target == f.resolve() for f in self.files):
            raise ClusterKGError(f"{path}: is one of the input files; choose another output file")
        if not target.parent.is_dir():
            raise ClusterKGError(f"{path}: folder {target.parent} does not exist")
        text = self.export(fmt, inferred)
        try:
            write_atomic(target, text)
        except OSError as error:
            raise ClusterKGError(f"{path}: cannot write: {error.strerror or error}") from None


def _shapes(bundle: Bundle) -> Graph:
    shapes, _ = parse_files([bundle.shapes])
    return shapes
