"""Deterministic RDF serialisation: the same graph always gives the same bytes.

Subjects, predicates and objects are written in sorted order, and blank nodes get labels derived
from their content (rdflib's canonical labelling, applied only to the triples that touch blank
nodes), so neither hash seeds nor parse order change the output. Writes are atomic.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import signal
import socket
import stat
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from clusterkg.engine import Term
from clusterkg.namespaces import PREFIXES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
EXPORT_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld")
DATASET_FORMATS = ("nq", "trig")
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_\-]*[A-Za-z0-9_])?")

Quad = tuple[Term, Term, Term, str | None]


def canonical_blank_nodes(quads: list[Quad]) -> list[Quad]:
    """Relabel blank nodes by content so labels do not depend on parse order or hash seeds.

    A blank node's label is a hash of everything reachable from it through blank nodes, plus its
    place there. Blank nodes are split into connected components (linked by triples between
    blank nodes); a component without cycles (rdf:Lists, nested [] — nearly all of them) is
    hashed in one bottom-up and one top-down pass, linear in its size. Only components with a
    cycle go through colour refinement, whose rounds grow with the component's diameter.
    Blank nodes left with equal labels are interchangeable in practice (e.g. automorphic list
    cells) and are numbered in order of their neighbourhood.
    """
    edges = _blank_node_edges(quads)
    if not edges:
        return quads
    colour: dict[str, str] = {}
    for component in _components(edges):
        if _is_tree(edges, component):
            colour.update(_tree_colours(edges, component))
        else:
            colour.update(_refined_colours(edges, component))
    mapping: dict[str, ox.BlankNode] = {}
    counts: dict[str, int] = defaultdict(int)
    for node in sorted(edges, key=lambda n: colour[n]):
        label = colour[node][:16]
        counts[label] += 1
        suffix = f"_{counts[label]}" if counts[label] > 1 else ""
        mapping[node] = ox.BlankNode(f"b{label}{suffix}")

    def relabel(term: Term) -> Term:
        return mapping[term.value] if isinstance(term, ox.BlankNode) else term

    return [(relabel(s), p, relabel(o), g) for s, p, o, g in quads]


Edges = dict[str, list[tuple[str, Term]]]


def _blank_node_edges(quads: list[Quad]) -> Edges:
    """Each blank node's triples as (direction + predicate + graph, the other end)."""
    edges: Edges = defaultdict(list)
    for s, p, o, g in dict.fromkeys(quads):  # a repeated quad would look like a cycle
        if isinstance(s, ox.BlankNode):
            edges[s.value].append((f"{p} {g or ''}", o))
        if isinstance(o, ox.BlankNode):
            edges[o.value].append((f"^{p} {g or ''}", s))
    return edges


def _blank_neighbours(edges: Edges, node: str) -> list[tuple[str, str]]:
    return [(label, t.value) for label, t in edges[node] if isinstance(t, ox.BlankNode)]


def _components(edges: Edges) -> list[list[str]]:
    """The blank nodes grouped by connection through triples between blank nodes (iterative:
    a 5,000-deep nesting must not recurse 5,000 deep)."""
    seen: set[str] = set()
    components = []
    for start in edges:
        if start in seen:
            continue
        seen.add(start)
        component, queue = [], [start]
        while queue:
            node = queue.pop()
            component.append(node)
            for _label, other in _blank_neighbours(edges, node):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        components.append(component)
    return components


def _is_tree(edges: Edges, component: list[str]) -> bool:
    # Every triple between two blank nodes is counted at both ends; a self-loop too.
    ends = sum(len(_blank_neighbours(edges, node)) for node in component)
    return ends == 2 * (len(component) - 1)


def _centre(edges: Edges, component: list[str]) -> str:
    """The tree's centre, found by peeling leaves: a place every relabelling of the same tree
    agrees on. Of two centres, the subject of the triple that joins them (triples have a
    direction, so no automorphism swaps the two)."""
    degree = {node: len(_blank_neighbours(edges, node)) for node in component}
    layer = [node for node in component if degree[node] <= 1]
    left = len(component)
    while left > 2:
        left -= len(layer)
        peeled = []
        for node in layer:
            degree[node] = -1
            for _label, other in _blank_neighbours(edges, node):
                degree[other] -= 1
                if degree[other] == 1:
                    peeled.append(other)
        layer = peeled
    centres = [node for node in component if degree[node] >= 0]
    if len(centres) == 1:
        return centres[0]
    first, second = centres
    joined_as_subject = any(
        other == second and not label.startswith("^")
        for label, other in _blank_neighbours(edges, first)
    )
    return first if joined_as_subject else second


def _tree_colours(edges: Edges, component: list[str]) -> dict[str, str]:
    """Bottom-up, each node's subtree hash (rooted at the centre); top-down, each node's colour:
    its parent's colour, the triple between them and its own subtree, i.e. the whole tree and
    the path to the node."""
    root = _centre(edges, component)
    order, parent = [root], {root: ("", "")}
    for node in order:  # breadth first; appending while iterating is what makes it a queue
        for label, other in _blank_neighbours(edges, node):
            if other not in parent:
                parent[other] = (node, label)
                order.append(other)
    below: dict[str, str] = {}
    for node in reversed(order):
        lines = [
            f"{label} {below[t.value] if isinstance(t, ox.BlankNode) else t}"
            for label, t in edges[node]
            if not (isinstance(t, ox.BlankNode) and t.value == parent[node][0])
        ]
        below[node] = _digest("\n".join(sorted(lines)))
    colour = {root: _digest(f"root\n{below[root]}")}
    for node in order[1:]:
        up, label = parent[node]
        colour[node] = _digest(f"{colour[up]}\n{label}\n{below[node]}")
    return colour


def _refined_colours(edges: Edges, component: list[str]) -> dict[str, str]:
    """Colour refinement, for a component with a cycle: a node's colour is a hash of its edges,
    where neighbouring blank nodes contribute their colour of the previous round, until the
    partition stops splitting."""
    colour = dict.fromkeys(component, "")
    for _round in range(len(component)):
        refined = {
            node: _digest(
                "\n".join(sorted(f"{label} {_colour_of(t, colour)}" for label, t in edges[node]))
            )
            for node in component
        }
        stable = len(set(refined.values())) == len(set(colour.values()))
        colour = refined
        if stable:
            break
    return colour


def _colour_of(term: Term, colour: dict[str, str]) -> str:
    return colour[term.value] if isinstance(term, ox.BlankNode) else str(term)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


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
        handle, temporary = _create_temporary(path)
        try:
            _keep_mode(handle, path)
            with os.fdopen(handle, "wb") as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write `text` (str, or UTF-8 bytes) to `path` so that a failure leaves any existing file
    untouched."""
    with atomic_output(path) as out:
        out.write(text.encode("utf-8") if isinstance(text, str) else text)


def _create_temporary(path: Path) -> tuple[int, Path]:
    # Not mkstemp: its files are 0600 whatever the umask. O_EXCL makes the name ours alone, and
    # the mode 0666 goes through the umask as for any new file.
    host = _digest(socket.gethostname())[:8]
    while True:
        name = f".{path.name}.clusterkg-tmp-{os.getpid()}-{host}-{secrets.token_hex(4)}"
        temporary = path.parent / name
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temporary
        except FileExistsError:
            continue


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


def serialise(quads: list[Quad], fmt: str) -> str:
    quads = canonical_blank_nodes(quads)
    if fmt == "nt":
        return _lines((s, p, o, None) for s, p, o, _ in quads)
    if fmt == "nq":
        return _lines(quads)
    if fmt == "ttl":
        return _turtle([(s, p, o) for s, p, o, _ in quads])
    if fmt == "trig":
        return _trig(quads)
    if fmt == "jsonld":
        return _jsonld(quads)
    raise ValueError(f"unknown format {fmt!r}")


def serialise_triples(triples: Iterable[ox.Triple], fmt: str) -> str:
    # RDF-star quoted triples never occur here: the graph is loaded from RDF 1.1 files.
    quads: list[Quad] = [(t.subject, t.predicate, t.object, None) for t in triples]  # type: ignore[misc]
    return serialise(quads, fmt)


def _lines(quads: Iterable[Quad]) -> str:
    out = set()
    for s, p, o, g in quads:
        graph = f" <{g}>" if g else ""
        out.add(f"{s} {p} {o}{graph} .\n")
    return "".join(sorted(out))


def _used_prefixes(triples: Iterable[tuple[Term, Term, Term]]) -> dict[str, str]:
    used: dict[str, str] = {}
    for triple in triples:
        for term in triple:
            iris = [term.value] if isinstance(term, ox.NamedNode) else []
            if isinstance(term, ox.Literal) and not term.language:
                iris.append(term.datatype.value)
            for iri in iris:
                curie = _curie(iri)
                if curie:
                    prefix = curie.split(":", 1)[0]
                    used[prefix] = PREFIXES[prefix]
    return dict(sorted(used.items()))


@lru_cache(maxsize=1 << 16)  # predicates, classes and datatypes repeat on every line
def _curie(iri: str) -> str | None:
    best: str | None = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if (local == "" or _LOCAL_NAME.fullmatch(local)) and (
                best is None or len(prefix) + len(local) < len(best)
            ):
                best = f"{prefix}:{local}"
    return best


def _term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return _curie(term.value) or str(term)
    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        lexical = str(ox.Literal(term.value))
        if datatype == XSD + "string":
            return lexical
        return f"{lexical}^^{_curie(datatype) or '<' + datatype + '>'}"
    return str(term)


def _sort_key(term: Term) -> tuple[int, str]:
    return (1 if isinstance(term, ox.BlankNode) else 0, str(term))


def _statements(triples: list[tuple[Term, Term, Term]], indent: str = "") -> list[str]:
    # Objects in a dict used as a set: a subject with 100,000 values of one predicate must not
    # cost 100,000² comparisons.
    by_subject: dict[Term, dict[Term, dict[Term, None]]] = defaultdict(lambda: defaultdict(dict))
    for s, p, o in triples:
        by_subject[s][p][o] = None
    blocks = []
    for subject in sorted(by_subject, key=_sort_key):
        predicates = by_subject[subject]
        ordered = sorted(predicates, key=lambda p: (p.value != RDF_TYPE, p.value))
        parts = []
        for predicate in ordered:
            verb = "a" if predicate.value == RDF_TYPE else _term(predicate)
            objects = ", ".join(_term(o) for o in sorted(predicates[predicate], key=_sort_key))
            parts.append(f"{indent}    {verb} {objects}")
        blocks.append(f"{indent}{_term(subject)}\n" + " ;\n".join(parts) + " .\n")
    return blocks


def _prefix_lines(prefixes: dict[str, str]) -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())


def _turtle(triples: list[tuple[Term, Term, Term]]) -> str:
    head = _prefix_lines(_used_prefixes(triples))
    return head + "\n" + "\n".join(_statements(triples))


def _trig(quads: list[Quad]) -> str:
    by_graph: dict[str, list[tuple[Term, Term, Term]]] = defaultdict(list)
    for s, p, o, g in quads:
        by_graph[g or ""].append((s, p, o))
    head = _prefix_lines(_used_prefixes(t for ts in by_graph.values() for t in ts))
    parts = []
    for name in sorted(by_graph):
        body = "\n".join(_statements(by_graph[name], indent="    "))
        parts.append(f"<{name}> {{\n{body}}}\n" if name else body)
    return head + "\n" + "\n".join(parts)


def _jsonld_value(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"@id": _curie(term.value) or term.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD + "string":
        return {"@value": term.value}
    return {"@value": term.value, "@type": _curie(term.datatype.value) or term.datatype.value}


def _jsonld_nodes(triples: list[tuple[Term, Term, Term]]) -> list[dict[str, Any]]:
    # Each node's values keyed by their JSON text: that sorts them, and a set lookup (not a
    # list scan) drops duplicates, so a node with 100,000 values stays linear.
    values: dict[str, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for s, p, o in triples:
        name = "@type" if p.value == RDF_TYPE else (_curie(p.value) or p.value)
        value: Any = _jsonld_value(o)["@id"] if name == "@type" else _jsonld_value(o)
        key = json.dumps(value, sort_keys=True, ensure_ascii=False)
        values[_jsonld_value(s)["@id"]][name][key] = value
    return [
        {"@id": node} | {name: [v[k] for k in sorted(v)] for name, v in values[node].items()}
        for node in sorted(values)
    ]


def _jsonld(quads: list[Quad]) -> str:
    by_graph: dict[str, list[tuple[Term, Term, Term]]] = defaultdict(list)
    for s, p, o, g in quads:
        by_graph[g or ""].append((s, p, o))
    everything = [t for ts in by_graph.values() for t in ts]
    document: dict[str, Any] = {"@context": _used_prefixes(everything)}
    if set(by_graph) <= {""}:
        document["@graph"] = _jsonld_nodes(by_graph.get("", []))
    else:
        document["@graph"] = [
            {"@id": name, "@graph": _jsonld_nodes(by_graph[name])} for name in sorted(by_graph)
        ]
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


__all__ = [
    "EXPORT_FORMATS",
    "Terminated",
    "atomic_output",
    "serialise",
    "serialise_triples",
    "write_atomic",
]
