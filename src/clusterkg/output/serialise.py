"""Deterministic RDF serialisation: the same graph always gives the same bytes.

Subjects, predicates and objects are written in sorted order, and blank nodes get labels derived
from their content (canonical_blank_nodes), so neither hash seeds nor parse order change the
output. Writes are atomic, and an interrupted one leaves no temporary file (atomic_output).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import re
import secrets
import signal
import socket
import stat
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from clusterkg.engine import Term
from clusterkg.vocabulary import PREFIXES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
EXPORT_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld")
DATASET_FORMATS = ("nq", "trig")
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_\-]*[A-Za-z0-9_])?")

Quad = tuple[Term, Term, Term, str | None]


def canonical_blank_nodes(quads: list[Quad]) -> list[Quad]:
    """Relabel blank nodes by content so labels do not depend on parse order or hash seeds.

    Blank nodes are split into connected components (linked by triples between blank nodes).
    Each node gets a colour of its own within its component, and a hash of the component's
    shape: a tree (lists, nested `[ ]`: nearly every component) in one bottom-up and one
    top-down pass; a component with a cycle by colour refinement, which gives nodes alike in
    their neighbourhood the same colour, and then, while some share one, tells one of them apart
    and refines again (nodes that share a colour are nearly always interchangeable, as twins in
    a tree are). A label is the hash of shape and colour; a component like an earlier one gets
    the suffix _2, _3, … Near-linear: a 4,000-item list or a 5,000-deep nesting takes a fraction
    of a second, where refining every node every round took up to a minute.
    """
    edges = _blank_node_edges(quads)
    if not edges:
        return quads
    coloured = sorted(
        (_component_colours(edges, component) for component in _components(edges)),
        key=lambda item: item[0],
    )
    order: list[tuple[str, int, str, str]] = []
    occurrences: dict[str, int] = defaultdict(int)
    for shape, colours in coloured:
        occurrences[shape] += 1  # isomorphic components: whichever comes first, same output
        order += [(shape, occurrences[shape], colour, node) for node, colour in colours.items()]
    mapping: dict[str, ox.BlankNode] = {}
    counts: dict[str, int] = defaultdict(int)
    for _shape, _occurrence, colour, node in sorted(order):
        label = colour[:16]
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
    for s, p, o, g in dict.fromkeys(quads):  # a repeated quad must not count twice
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


def _component_colours(edges: Edges, component: list[str]) -> tuple[str, dict[str, str]]:
    """A hash of the component's shape, and a colour for each of its nodes, told apart."""
    if _is_tree(edges, component):
        return _tree_colours(edges, component)
    refinement = _Refinement(edges, component)
    refinement.refine()
    shape = refinement.quotient()
    while refinement.individualise():
        refinement.refine()
    return shape, {node: _digest(f"{shape}\n{name}") for node, name in refinement.colour.items()}


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


def _tree_colours(edges: Edges, component: list[str]) -> tuple[str, dict[str, str]]:
    """Lists and nested [] (components without a cycle, nearly all of them) in two passes, no
    refinement: bottom-up each node's subtree hash, rooted at the centre; top-down each node's
    colour: its parent's colour, the triple between them, its subtree, and which of its
    identical siblings it is (identical subtrees are interchangeable, so any order will do)."""
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
    shape = _digest(f"tree\n{below[root]}")
    colour = {root: shape}
    twins: dict[str, int] = defaultdict(int)
    for node in order[1:]:
        up, label = parent[node]
        place = f"{colour[up]}\n{label}\n{below[node]}"
        twins[place] += 1
        colour[node] = _digest(f"{place}\n{twins[place]}")
    return shape, colour


class _Refinement:
    """Colour refinement of one component as partition refinement: a class is split by how many
    edges of each kind its nodes have into a splitter class, and of a split class all parts but
    the largest become splitters (Hopcroft; Cardon and Crochemore): O(m log n), where
    recolouring every node every round costs nodes times rounds. A class's name is a hash of
    the class it came from, its splitter and its edges into it, and splitters are taken in name
    order, so names depend on the component's shape, not on how the parser labelled it."""

    def __init__(self, edges: Edges, component: list[str]) -> None:
        self.edges = edges
        # Each node's links to blank nodes, as seen from the other end (a splitter's view).
        self.links = {
            node: [(_reverse(label), other) for label, other in _blank_neighbours(edges, node)]
            for node in component
        }
        self.colour = {
            node: _digest("\n".join(sorted(f"{lb} {t}" for lb, t in edges[node] if _named(t))))
            for node in component
        }
        # Classes as dicts used as ordered sets: which node individualise() picks then depends
        # on the input's order only, never on PYTHONHASHSEED (as a set's order would).
        self.members: dict[str, dict[str, None]] = defaultdict(dict)
        for node, name in self.colour.items():
            self.members[name][node] = None
        self.high = {name: len(nodes) for name, nodes in self.members.items()}
        self.waiting = deque(sorted(self.members))
        self.queued = set(self.waiting)
        self.shared = [name for name, nodes in self.members.items() if len(nodes) > 1]
        heapq.heapify(self.shared)  # classes of several nodes, by name: where ties are left
        self.individuals = 0

    def refine(self) -> None:
        """Split classes until every node of a class has the same edges into every class."""
        while self.waiting:
            splitter = self.waiting.popleft()
            self.queued.discard(splitter)
            into: dict[str, list[str]] = defaultdict(list)  # node → its edges into splitter
            for node in self.members[splitter]:
                for label, other in self.links[node]:
                    into[other].append(label)
            touched: dict[str, list[str]] = defaultdict(list)
            for node in into:
                touched[self.colour[node]].append(node)
            for name in sorted(touched):
                self._enqueue(name, self._split(name, splitter, touched[name], into))

    def individualise(self) -> bool:
        """Give one node of the first class (by name) that still has several a class of its
        own, as if it were marked; False once every node has its own. Which node does not
        matter when the class's nodes are interchangeable (automorphic), as in trees."""
        while self.shared:
            name = heapq.heappop(self.shared)
            if len(self.members.get(name, ())) > 1:
                break
        else:
            return False
        node, _ = self.members[name].popitem()  # the last added: O(1), unlike min or iter
        self.individuals += 1  # in the name: a second one from this class is not the first
        self._move([node], name, _digest(f"{name}\nindividual {self.individuals}"))
        self._enqueue(name, [name, self.colour[node]])
        if len(self.members[name]) > 1:
            heapq.heappush(self.shared, name)
        return True

    def quotient(self) -> str:
        """A hash of the refined component: each class with its size and the edges of one of
        its nodes by class (every node of a class has the same). Class names alone tell
        classes apart within a component only: a class that never split keeps its first name
        whatever the rest of its component is."""
        lines = [
            f"{name} {len(nodes)} "
            + " ".join(
                sorted(f"{lb} {self._colour_of(t)}" for lb, t in self.edges[next(iter(nodes))])
            )
            for name, nodes in self.members.items()
            if nodes
        ]
        return _digest("\n".join(sorted(lines)))

    def _colour_of(self, term: Term) -> str:
        return self.colour[term.value] if isinstance(term, ox.BlankNode) else str(term)

    def _split(
        self, name: str, splitter: str, touched: list[str], into: dict[str, list[str]]
    ) -> list[str]:
        """Split class `name` by its nodes' edges into `splitter`; nodes with none keep the
        name. Returns the classes it became (none if it did not split)."""
        groups: dict[str, list[str]] = defaultdict(list)
        for node in touched:
            groups["\n".join(sorted(into[node]))].append(node)
        untouched = len(self.members[name]) - len(touched)
        if untouched == 0 and len(groups) == 1:
            return []
        parts = [name] if untouched else []
        for edges_into, nodes in sorted(groups.items()):
            parts.append(_digest(f"{name}\n{splitter}\n{edges_into}"))
            self._move(nodes, name, parts[-1])
        return parts

    def _move(self, nodes: list[str], old: str, new: str) -> None:
        for node in nodes:
            self.colour[node] = new
            self.members[old].pop(node, None)
            self.members[new][node] = None
        left = self.members[old]
        if not left:
            del self.members[old], self.high[old]
        elif 2 * len(left) < self.high[old]:  # a dict keeps the slots of what left it: compact,
            self.members[old] = dict(left)  # or scanning a class that keeps shrinking is not
            self.high[old] = len(left)  # linear in its size
        self.high[new] = max(self.high.get(new, 0), len(self.members[new]))
        if len(self.members[new]) > 1:
            heapq.heappush(self.shared, new)

    def _enqueue(self, name: str, parts: list[str]) -> None:
        """Queue the parts class `name` split into: all of them if `name` was waiting, else
        all but the largest (what the others do not split, the largest does not either)."""
        if name in self.queued:
            parts = [part for part in parts if part != name]
        elif parts:
            parts.remove(max(parts, key=lambda part: (len(self.members[part]), part)))
        self.waiting.extend(sorted(parts))
        self.queued.update(parts)


def _reverse(label: str) -> str:
    return label[1:] if label.startswith("^") else f"^{label}"


def _named(term: Term) -> bool:
    return not isinstance(term, ox.BlankNode)


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
        temporary = _temporary_name(path)
        try:
            # Opened inside the try: a signal the instant the file exists still removes it.
            # Not mkstemp: its files are 0600 whatever the umask; 0666 goes through the umask
            # as for any new file. O_EXCL: a name taken (64 random bits: never) is an error.
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
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


def _temporary_name(path: Path) -> Path:
    host = _digest(socket.gethostname())[:8]
    return path.parent / f".{path.name}.clusterkg-tmp-{os.getpid()}-{host}-{secrets.token_hex(8)}"


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
