"""Exporting the graph: its triples with the VoID/DCAT description, the same bytes every time.

Reads the graph through the engine port only (triples, counts, N-Triples dumps), so any engine
can be exported. Small exports are sorted and pretty-printed in Python (diff-friendly, with
prefixes); big Turtle and N-Triples exports are written by the engine and sorted as lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from clusterkg import backends
from clusterkg.engine import Engine
from clusterkg.engine.groups import statement_group_quads as groups
from clusterkg.errors import ClusterKGError
from clusterkg.output import description
from clusterkg.output.atomic import atomic_output
from clusterkg.output.serialise import DATASET_FORMATS, Quad, serialise
from clusterkg.progress import step
from clusterkg.vocabulary import ASSERTED, DESCRIPTION, INFERRED

# Exports up to this many triples are sorted and pretty-printed in Python; bigger Turtle and
# N-Triples exports are streamed by the engine (see _streamed).
STREAM_ABOVE = 200_000
# What the engine's N-Triples dump is a valid document of.
FAST_WRITER_FORMATS = ("ttl", "nt")
# An N-Triples line whose subject or object is a blank node (not "_:" inside a literal).
_BLANK_LINE = re.compile(rb"_:\S+ .*|.* _:\S+ \.")


def export_bytes(
    engine: Engine, fmt: str = "ttl", inferred: bool = False, writer: str = "auto"
) -> bytes:
    """The asserted graph (and the inferred one if `inferred`) with its description, as UTF-8
    bytes: what files and pipes take, without a 300 MB str between. `writer`: see
    clusterkg.backends (the fast writer exists for Turtle and N-Triples only)."""
    named = fmt in DATASET_FORMATS
    graphs = [ASSERTED, INFERRED] if inferred else [ASSERTED]
    if backends.checked("writer", writer) == "fast" and fmt not in FAST_WRITER_FORMATS:
        raise ClusterKGError(
            f"the fast writer writes {' and '.join(FAST_WRITER_FORMATS)} only, not {fmt}; "
            "use --writer auto or reference"
        )
    if _may_stream(fmt, writer):
        total = sum(engine.count(graph) for graph in graphs)
        if writer == "fast" or total > STREAM_ABOVE:
            return _streamed(engine, fmt, graphs, total, inferred)
    quads: list[Quad] = []
    for graph in graphs:
        name = graph if named else None
        quads += [(t.subject, t.predicate, t.object, name) for t in engine.triples(graph)]  # type: ignore[misc]
    about = description.describe(engine, len(quads), inferred)
    quads += [(s, p, o, DESCRIPTION if named else None) for s, p, o in about]
    if named:
        quads += [(q.subject, q.predicate, q.object, q.graph_name.value) for q in groups(engine)]  # type: ignore[misc,union-attr]
    with step(f"Serialising {len(quads)} triples"):
        return serialise(quads, fmt).encode("utf-8")


def write_export(
    engine: Engine,
    path: Path,
    inputs: list[Path],
    fmt: str = "ttl",
    inferred: bool = False,
    writer: str = "auto",
) -> None:
    """Export atomically to `path`; refuses to overwrite one of the graph's `inputs`."""
    target = path.resolve()
    if any(target == f.resolve() for f in inputs):
        raise ClusterKGError(f"{path}: is one of the input files; choose another output file")
    if not target.parent.is_dir():
        raise ClusterKGError(f"{path}: folder {target.parent} does not exist")
    try:
        # The temporary file is made first: an unwritable folder fails before minutes of
        # serialising, and an interruption while serialising removes it too.
        with atomic_output(target) as out:
            out.write(export_bytes(engine, fmt, inferred, writer))
    except OSError as error:
        raise ClusterKGError(f"{path}: cannot write: {error.strerror or error}") from None


def _may_stream(fmt: str, writer: str) -> bool:
    """Whether the fast writer may write this export: it writes Turtle and N-Triples, when it is
    asked for or (auto) when the export is big."""
    return fmt in FAST_WRITER_FORMATS and writer != "reference"


def _streamed(engine: Engine, fmt: str, graphs: list[str], total: int, inferred: bool) -> bytes:
    """Big exports, written by the engine as N-Triples (valid Turtle too), sorted. Triples that
    touch a blank node are taken out and written first, with the description, by the canonical
    writer: Oxigraph's blank node labels are random, and exports must be byte-identical.
    2 M triples: seconds instead of minutes."""
    with step(f"Serialising {total:,} triples"):
        lines: list[bytes] = []
        blank: list[Quad] = []
        for graph in graphs:
            dump, touched = _take_blank_node_lines(engine.ntriples(graph))
            if touched:
                blank += [
                    (t.subject, t.predicate, t.object, None)
                    for t in ox.parse(touched, format=ox.RdfFormat.N_TRIPLES)
                ]
            lines += dump.splitlines()
        about = description.describe(engine, total, inferred)
        blank += [(s, p, o, None) for s, p, o in about]
        # Sorted: an in-memory store and the cache's on-disk store list triples in different
        # orders, and the bytes must not depend on which one answered.
        lines.sort()
        lines.append(b"")
        return serialise(blank, fmt).encode("utf-8") + b"\n".join(lines)


def _take_blank_node_lines(dump: bytes) -> tuple[bytes, bytes]:
    """Split N-Triples into (lines without blank nodes, lines with)."""
    kept, taken = blank_node_lines(dump)
    return (dump, taken) if len(kept) == 1 else (b"".join(kept), taken)


def blank_node_lines(dump: bytes) -> tuple[list[memoryview], bytes]:
    """Split an N-Triples dump into the runs of lines without a blank node (views of the dump,
    not copies: at 2 M triples it is 250 MB) and the lines with one. "_:" is searched with
    bytes.find (C speed, and rare), and only the lines it occurs in are looked at."""
    spans: list[tuple[int, int]] = []
    at = dump.find(b"_:")
    while at >= 0:
        start = dump.rfind(b"\n", 0, at) + 1
        end = dump.find(b"\n", at) + 1 or len(dump)
        line_end = end - 1 if dump[end - 1 : end] == b"\n" else end
        if _BLANK_LINE.fullmatch(dump, start, line_end):
            spans.append((start, end))
        at = dump.find(b"_:", end)
    view = memoryview(dump)
    if not spans:
        return [view], b""
    kept, taken, previous = [], [], 0
    for start, end in spans:
        kept.append(view[previous:start])
        taken.append(dump[start:end])
        previous = end
    kept.append(view[previous:])
    return kept, b"".join(taken)
