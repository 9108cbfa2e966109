"""Exports under hostile input, limits and faults.

Blank-node labelling must stay near-linear on long lists and deep nesting (it was quadratic:
16.7 s for a 4,000-item list, 53 s for a 5,000-deep nesting) while the labels still come from
content alone. Export files must get ordinary permissions, and an interrupted or killed export
must not leave its temporary file behind.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import clusterkg.output.atomic as atomic_module
import clusterkg.output.blank_labels as labels_module
from clusterkg.generate.dataset import generate
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.output.atomic import Terminated, atomic_output
from clusterkg.output.blank_labels import canonical_blank_nodes
from clusterkg.output.serialise import EXPORT_FORMATS, Quad, serialise
from clusterkg.vocabulary import ASSERTED

EX = "http://example.org/"
PREFIX = f"@prefix ex: <{EX}> .\n"


# --- hostile shapes -------------------------------------------------------------------------


def same_items_list(n: int) -> str:
    """`ex:s ex:p ( 1 1 … 1 )`: cells that only their distance to the end tells apart."""
    return PREFIX + "ex:s ex:p ( " + "1 " * n + ") .\n"


def nesting(depth: int) -> str:
    """`ex:s ex:p [ ex:p [ ex:p … ] ]`."""
    return PREFIX + "ex:s ex:p " + "[ ex:p " * depth + "1" + " ]" * depth + " .\n"


def lollipop(n: int) -> str:
    """A chain of `n` blank nodes ending in a two-node cycle: a component with a cycle, so the
    general refinement runs, on a chain as long as the list above."""
    chain = "".join(f"_:c{i} ex:p _:c{i + 1} .\n" for i in range(n))
    return PREFIX + f"ex:s ex:p _:c0 .\n{chain}_:c{n} ex:q _:loop .\n_:loop ex:q _:c{n} .\n"


def ring(n: int) -> str:
    """A cycle of `n` blank nodes, one of them marked: every node is told apart by its
    distance to the mark, which naive refinement needs n/2 rounds of n nodes for."""
    cells = "".join(f"_:r{i} ex:next _:r{(i + 1) % n} .\n" for i in range(n))
    return PREFIX + cells + "_:r0 ex:mark 1 .\n"


def twins_on_a_cycle(n: int) -> str:
    """`n` identical blank nodes off one node of a two-node cycle: refinement cannot tell them
    apart, so they are told apart one by one (each must get a class of its own)."""
    return (
        PREFIX
        + "_:a ex:q _:b .\n_:b ex:q _:a .\n"
        + "".join(f"_:a ex:p _:t{i} .\n_:t{i} ex:v 1 .\n" for i in range(n))
    )


def quads_of(turtle: str) -> list[Quad]:
    return [
        (t.subject, t.predicate, t.object, None)  # type: ignore[misc]
        for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)
    ]


def scrambled(quads: list[Quad], seed: int) -> list[Quad]:
    """The same graph as the parser of another run might give it: other blank-node labels,
    another order."""
    rng = random.Random(seed)
    fresh: dict[str, ox.BlankNode] = {}

    def rename(term: object) -> object:
        if isinstance(term, ox.BlankNode):
            return fresh.setdefault(term.value, ox.BlankNode(f"x{rng.randrange(10**9)}"))
        return term

    out = [(rename(s), p, rename(o), g) for s, p, o, g in quads]
    rng.shuffle(out)
    return out  # type: ignore[return-value]


SHAPES: dict[str, Callable[[int], str]] = {
    "same-items list": same_items_list,
    "nesting": nesting,
    "lollipop": lollipop,
    "ring": ring,
    "twins on a cycle": twins_on_a_cycle,
}


# --- labels come from content --------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_blank_node_labels_do_not_depend_on_parse_order_or_parser_labels(
    shape: str, fmt: str
) -> None:
    quads = quads_of(SHAPES[shape](60))
    expected = serialise(quads, fmt)
    for seed in range(3):
        assert serialise(scrambled(quads, seed), fmt) == expected


@pytest.mark.parametrize("shape", SHAPES)
def test_an_export_of_a_hostile_shape_is_isomorphic_to_it(shape: str) -> None:
    text = SHAPES[shape](8)  # rdflib's isomorphism check is exponential in twins
    written = serialise(quads_of(text), "ttl")
    assert isomorphic(Graph().parse(data=written, format="turtle"), Graph().parse(data=text))


def test_isomorphic_graphs_with_several_components_give_the_same_bytes() -> None:
    text = nesting(5) + same_items_list(7) + lollipop(4) + ring(6) + "ex:t ex:p [ ex:p 1 ] .\n"
    quads = quads_of(text)
    assert len({serialise(scrambled(quads, seed), "nq") for seed in range(5)}) == 1


def test_twin_nested_blank_nodes_give_one_output_whatever_the_parse_order() -> None:
    """Regression: twins were numbered _1, _2 class by class, so a twin's child could be paired
    with the other twin's number, and the bytes depended on the parse order."""
    quads = quads_of(PREFIX + "ex:s ex:p [ ex:q [ ex:r 1 ] ], [ ex:q [ ex:r 1 ] ] .\n")
    assert len({serialise(scrambled(quads, seed), "nt") for seed in range(10)}) == 1


def test_different_graphs_get_different_labels() -> None:
    """Labels hash content: a list of 1s and a list of 2s share no label."""
    ones = serialise(quads_of(same_items_list(3)), "nt")
    twos = serialise(quads_of(same_items_list(3).replace("1 ", "2 ")), "nt")
    assert {w for w in ones.split() if w.startswith("_:")}.isdisjoint(
        w for w in twos.split() if w.startswith("_:")
    )


def test_labels_are_the_same_under_other_hash_seeds(tmp_path: Path) -> None:
    source = tmp_path / "hostile.ttl"
    source.write_text(same_items_list(30) + nesting(30) + lollipop(30), encoding="utf-8")
    program = (
        "import sys, pyoxigraph as ox\n"
        "from clusterkg.output.serialise import serialise\n"
        "ts = ox.parse(open(sys.argv[1], encoding='utf-8').read(), format=ox.RdfFormat.TURTLE)\n"
        "print(serialise([(t.subject, t.predicate, t.object, None) for t in ts], 'ttl'))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", program, str(source)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            timeout=120,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert "_:b" in outputs.pop()


def _partition(colour: dict[str, str]) -> set[frozenset[str]]:
    classes: dict[str, set[str]] = defaultdict(set)
    for node, name in colour.items():
        classes[name].add(node)
    return {frozenset(c) for c in classes.values()}


def _naive_refinement(quads: list[Quad]) -> set[frozenset[str]]:
    """Colour refinement as it was: every node, every round, until no class splits."""
    edges = labels_module._blank_node_edges(quads)
    colour = dict.fromkeys(edges, "")
    while True:
        refined = {
            node: repr(sorted((label, _naive_colour(t, colour)) for label, t in out))
            for node, out in edges.items()
        }
        if len(set(refined.values())) == len(set(colour.values())):
            return _partition(refined)
        colour = refined


def _rdflib(quads: list[Quad]) -> Graph:
    """The graph as given, with the parser's blank-node labels."""
    text = "".join(f"{s} {p} {o} .\n" for s, p, o, _ in quads)
    return Graph().parse(data=text, format="nt")


def _naive_colour(term: object, colour: dict[str, str]) -> str:
    return colour[term.value] if isinstance(term, ox.BlankNode) else str(term)


def _random_graph(rng: random.Random, nodes: int, triples: int) -> list[Quad]:
    blank = [ox.BlankNode(f"n{i}") for i in range(nodes)]
    objects: list[ox.BlankNode | ox.Literal] = [*blank, ox.Literal("1"), ox.Literal("2")]
    predicates = [ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q")]
    return [
        (rng.choice(blank), rng.choice(predicates), rng.choice(objects), None)
        for _ in range(triples)
    ]


def _refined_partition(quads: list[Quad], component: list[str]) -> set[frozenset[str]]:
    refinement = labels_module._Refinement(labels_module._blank_node_edges(quads), component)
    refinement.refine()
    return _partition(refinement.colour)


@pytest.mark.parametrize("seed", range(40))
def test_the_fast_refinement_splits_blank_nodes_as_the_naive_one_does(seed: int) -> None:
    rng = random.Random(seed)
    quads = _random_graph(rng, nodes=rng.randint(2, 25), triples=rng.randint(2, 40))
    for component in labels_module._components(labels_module._blank_node_edges(quads)):
        nodes = set(component)
        own = [q for q in quads if q[0].value in nodes or q[2].value in nodes]
        assert _refined_partition(quads, component) == _naive_refinement(own)


def _random_tree(rng: random.Random, size: int) -> list[Quad]:
    """A tree of blank nodes, each hanging off an earlier one, many of them alike."""
    quads: list[Quad] = [(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.BlankNode("n0"), None)]
    for child in range(1, size):
        parent, node = ox.BlankNode(f"n{rng.randrange(child)}"), ox.BlankNode(f"n{child}")
        p = ox.NamedNode(EX + rng.choice("pq"))
        quads.append((parent, p, node, None) if rng.random() < 0.8 else (node, p, parent, None))
        if rng.random() < 0.3:
            quads.append((node, ox.NamedNode(EX + "v"), ox.Literal("1"), None))
    return quads


@pytest.mark.parametrize("seed", range(40))
def test_labels_of_random_graphs_do_not_depend_on_parse_order(seed: int) -> None:
    """Random graphs (several components, with and without cycles, some alike) and random
    trees (where nodes alike are interchangeable, twins everywhere)."""
    rng = random.Random(seed)
    for quads in (
        _random_graph(rng, nodes=rng.randint(2, 30), triples=rng.randint(2, 40)),
        _random_tree(rng, rng.randint(1, 60)) + _random_tree(rng, rng.randint(1, 10)),
    ):
        expected = serialise(quads, "nt")
        assert isomorphic(Graph().parse(data=expected, format="nt"), _rdflib(quads))
        for again in range(3):
            assert serialise(scrambled(quads, again), "nt") == expected


# --- near-linear work ------------------------------------------------------------------------


def _hashed_characters(turtle: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many characters the labelling hashes: its work, counted instead of timed."""
    hashed = 0
    digest = labels_module._digest

    def counting(text: str) -> str:
        nonlocal hashed
        hashed += len(text)
        return digest(text)

    with monkeypatch.context() as patch:
        patch.setattr(labels_module, "_digest", counting)
        canonical_blank_nodes(quads_of(turtle))
    return hashed


@pytest.mark.parametrize("shape", SHAPES)
def test_labelling_work_grows_near_linearly(shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """4 times the nodes: 4 times the work for linear, 16 for quadratic (what it was)."""
    small = _hashed_characters(SHAPES[shape](500), monkeypatch)
    big = _hashed_characters(SHAPES[shape](2000), monkeypatch)
    assert big < 6 * small, (small, big)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_a_5000_deep_nesting_and_a_4000_item_list_export_in_every_format(
    fmt: str, tmp_path: Path
) -> None:
    data = tmp_path / "hostile.ttl"
    data.write_text(nesting(5000) + same_items_list(4000).replace(PREFIX, ""), encoding="utf-8")
    kg = KnowledgeGraph.load([data])
    out = tmp_path / f"out.{fmt}"
    kg.write_export(out, fmt)  # no RecursionError, no minutes
    rdf_format = {"ttl": "TURTLE", "nt": "N_TRIPLES", "nq": "N_QUADS", "trig": "TRIG"}
    if fmt in rdf_format:
        written = list(ox.parse(path=out, format=getattr(ox.RdfFormat, rdf_format[fmt])))
        in_store = kg.built.store.quads_for_pattern(None, None, None, ox.NamedNode(ASSERTED))
        blank = [q for q in in_store if isinstance(q.subject, ox.BlankNode)]
        assert len(blank) >= 5000 + 8000
        assert len([q for q in written if isinstance(q.subject, ox.BlankNode)]) == len(blank)


# --- file modes -------------------------------------------------------------------------------


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_export_follows_the_umask(
    mask: int, mode: int, umask: Callable[[int], None], tmp_path: Path
) -> None:
    umask(mask)
    target = tmp_path / "out.nt"
    KnowledgeGraph.load().write_export(target, "nt")
    assert target.stat().st_mode & 0o7777 == mode


def test_an_overwritten_export_keeps_its_mode_and_group(
    umask: Callable[[int], None], tmp_path: Path
) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("# the previous export\n", encoding="utf-8")
    target.chmod(0o640)
    groups = [g for g in os.getgroups() if g != target.stat().st_gid]
    group = groups[0] if groups else (4321 if os.geteuid() == 0 else None)
    if group is not None:
        os.chown(target, -1, group)
    expected_group = target.stat().st_gid
    KnowledgeGraph.load().write_export(target, "ttl")
    assert target.stat().st_mode & 0o7777 == 0o640
    assert target.stat().st_gid == expected_group
    assert not target.read_text(encoding="utf-8").startswith("# the previous export")


# --- interruptions and leftovers --------------------------------------------------------------


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".clusterkg-tmp-" in p.name)


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    target = tmp_path / "out" / "out.ttl"
    target.parent.mkdir()
    target.write_text("# the previous export\n", encoding="utf-8")
    return target


def test_an_exception_while_writing_removes_the_temporary_file(previous: Path) -> None:
    with pytest.raises(KeyboardInterrupt), atomic_output(previous) as out:
        out.write(b"half of it")
        assert _temporaries(previous.parent)  # the test looks where the file really is
        raise KeyboardInterrupt
    assert _temporaries(previous.parent) == []
    assert previous.read_text(encoding="utf-8") == "# the previous export\n"


def test_sigterm_while_writing_removes_the_temporary_file_and_restores_the_handler(
    previous: Path,
) -> None:
    def mine(signum: int, frame: object) -> None:
        raise AssertionError("the export's own handler should have run")

    before = signal.signal(signal.SIGTERM, mine)
    try:
        with pytest.raises(Terminated) as raised, atomic_output(previous) as out:
            out.write(b"half of it")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises at the next bytecode, long before this ends
        assert raised.value.code == 128 + signal.SIGTERM
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, before)
    assert _temporaries(previous.parent) == []
    assert previous.read_text(encoding="utf-8") == "# the previous export\n"


@pytest.fixture(scope="module")
def big_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated data whose export takes seconds: time to interrupt it while it writes."""
    folder = tmp_path_factory.mktemp("big") / "data"
    generate(folder, clusters=100, seed=3)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_export_interrupted_while_writing_leaves_the_old_file_and_no_temporary(
    signum: int, big_data: Path, previous: Path
) -> None:
    command = ["-m", "clusterkg", "--no-cache", "--data", str(big_data), "export"]
    process = subprocess.Popen(
        [sys.executable, *command, "-o", str(previous)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not _temporaries(previous.parent) and process.poll() is None:
            assert time.monotonic() < deadline, "the export never made its temporary file"
            time.sleep(0.01)
        assert process.poll() is None, "the export ended before it could be interrupted"
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode != 0, stderr
    assert _temporaries(previous.parent) == []
    assert previous.read_text(encoding="utf-8") == "# the previous export\n"


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_next_export_removes_temporaries_of_dead_or_day_old_runs(previous: Path) -> None:
    folder = previous.parent
    host = atomic_module._digest(socket.gethostname())[:8]
    dead = folder / f".out.ttl.clusterkg-tmp-{_dead_pid()}-{host}-0a1b"
    live = folder / f".out.ttl.clusterkg-tmp-{os.getpid()}-{host}-2c3d"
    old = folder / f".other.ttl.clusterkg-tmp-{os.getpid()}-{host}-4e5f"
    elsewhere = folder / f".out.ttl.clusterkg-tmp-{_dead_pid()}-00000000-6a7b"
    unrelated = folder / ".out.ttl.bak"
    for path in (dead, live, old, elsewhere, unrelated):
        path.write_bytes(b"left behind")
    day_and_a_bit = time.time() - 25 * 60 * 60
    os.utime(old, (day_and_a_bit, day_and_a_bit))
    KnowledgeGraph.load().write_export(previous, "nt")
    left = sorted(p.name for p in folder.iterdir())
    # The live run's file stays; so does another host's, whose process this host cannot see.
    assert left == sorted([previous.name, live.name, elsewhere.name, unrelated.name])
