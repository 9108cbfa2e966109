"""Focus nodes and value nodes (SHACL sections 2.1.3 targets, 2.3 property paths): the targets of a
shape as a pattern binding ?this, and its value nodes as a pattern binding ?value. Only predicate
paths are compiled (shapes.py refuses the others).

"Instance of C" (sh:targetClass, sh:class) is rdf:type/rdfs:subClassOf* C in the data graph, as for
pySHACL. It is written as a placeholder, replaced when validating by a join with the class's
subclasses in the data graph (found by one query for all classes): Oxigraph runs that far faster
than rdf:type/rdfs:subClassOf* from every value node, which gives the same nodes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from clusterkg.engine import LocalEngine
from clusterkg.validation.compiled.expressions import sparql
from clusterkg.validation.compiled.shapes import Shape, ShapesGraph, iri
from clusterkg.validation.compiled.terms import SCRATCH, Term, UnsupportedShapes, name
from clusterkg.vocabulary import OWL_CLASS, RDF_TYPE, RDFS_CLASS, RDFS_SUBCLASSOF, SH


@dataclass(frozen=True)
class Focus:
    """The focus nodes of a shape, written for the two ways queries use them."""

    nodes: str  # a group binding ?this to each focus node once
    test: str  # a filter keeping the solutions whose ?this is a focus node


def focus_of(pattern: str) -> Focus:
    """The focus nodes bound to ?this (perhaps more than once) by `pattern`."""
    return Focus(
        nodes=f"{{ SELECT DISTINCT ?this WHERE {{ {pattern} }} }}",
        test=f"FILTER EXISTS {{ {pattern} }}",
    )


def focus_nodes(g: ShapesGraph, shape: Shape) -> Focus | None:
    """The focus nodes of the shape, None without targets."""
    classes = _target_classes(g, shape)
    branches = [instances("?this", classes, "focus")] if classes else []
    nodes = g.objects(shape.node, SH + "targetNode")
    if any(_rewritten_by_oxigraph(n) for n in nodes):
        # Oxigraph gives "4.0"^^xsd:decimal back as "4": the focus node would not be reported
        # as written (W3C test maxExclusive-001).
        raise UnsupportedShapes(f"{name(shape.node)}: a target node in a non-canonical form")
    if nodes:
        branches.append(f"VALUES ?this {{ {' '.join(sparql(n) for n in nodes)} }}")
    for p in g.objects(shape.node, SH + "targetSubjectsOf"):
        branches.append(f"?this {sparql(iri(p, shape, 'sh:targetSubjectsOf'))} [] .")
    for p in g.objects(shape.node, SH + "targetObjectsOf"):
        branches.append(f"[] {sparql(iri(p, shape, 'sh:targetObjectsOf'))} ?this .")
    if not branches:
        return None
    return focus_of(" UNION ".join(f"{{ {b} }}" for b in branches))


def _target_classes(g: ShapesGraph, shape: Shape) -> list[ox.NamedNode]:
    classes = [iri(c, shape, "sh:targetClass") for c in g.objects(shape.node, SH + "targetClass")]
    # An rdfs:Class (owl:Class is one: pySHACL adds that triple) targets its instances.
    class_types: set[Term] = {ox.NamedNode(RDFS_CLASS), ox.NamedNode(OWL_CLASS)}
    class_types |= set(g.subjects(RDFS_SUBCLASSOF, ox.NamedNode(RDFS_CLASS)))
    if set(g.objects(shape.node, RDF_TYPE)) & class_types:
        classes.append(iri(shape.node, shape, "an implicit class target"))
    return sorted(set(classes), key=str)


def _rewritten_by_oxigraph(term: Term) -> bool:
    """Whether a literal written into a query comes out as another term (a canonical form)."""
    if not isinstance(term, ox.Literal):
        return False
    query = f"SELECT ?t WHERE {{ VALUES ?t {{ {sparql(term)} }} }}"
    return [row["t"] for row in LocalEngine().solutions(query, SCRATCH)] != [term]


# A node shape's value node is its focus node.
FOCUS_AS_VALUE = "BIND(?this AS ?value)"


def values_of(shape: Shape) -> str:
    """Binds ?value to each value node of the focus node ?this."""
    if shape.path is None:
        return FOCUS_AS_VALUE
    return f"?this {sparql(shape.path)} ?value ."


# --- instances of a class ---------------------------------------------------------------------

_INSTANCES = re.compile(r"\u27e6instances (\S+) ((?:<[^>]*> )+)(focus|test)\u27e7")
_CLASS = re.compile(r"<([^>]*)>")


def instances(var: str, classes: Sequence[ox.NamedNode], use: str) -> str:
    """Placeholder: `var` is an instance of one of the classes (rdf:type/rdfs:subClassOf*, as
    pySHACL sees it); `use` is "focus" to enumerate instances, "test" to test a bound `var`."""
    return f"\u27e6instances {var} {''.join(sparql(c) + ' ' for c in classes)}{use}\u27e7"


def joined_instances(condition: str, var: str) -> tuple[str, str]:
    """`condition` with each test "`var` is an instance of …" made a flag, and the OPTIONAL
    groups that bind the flags: the instances found once, in one pass over rdf:type, and joined
    by `var`. Oxigraph looks up each value's triples once per EXISTS, which costs tens of
    microseconds on a node with many triples (asserted, inferred and statement groups'): the
    join is cheaper over many values, dearer over a few values of a large class."""
    tests = re.compile(
        rf"EXISTS \{{ (\u27e6instances {re.escape(var)} (?:<[^>]*> )+)test\u27e7 \}}"
    )
    flags: dict[str, str] = {}

    def flag(match: re.Match[str]) -> str:
        flags.setdefault(match[1], f"?ck_instance{len(flags)}")
        return f"BOUND({flags[match[1]]})"

    condition = tests.sub(flag, condition)
    joins = " ".join(
        f"OPTIONAL {{ SELECT DISTINCT {var} (true AS {flag}) "
        f"WHERE {{ {placeholder}focus\u27e7 }} }}"
        for placeholder, flag in flags.items()
    )
    return condition, joins


def classes_in(sparql_text: str) -> set[str]:
    """The classes whose instances a compiled query mentions."""
    return {c for m in _INSTANCES.finditer(sparql_text) for c in _CLASS.findall(m[2])}


def with_instances(sparql_text: str, subclasses: Mapping[str, list[Term]]) -> str:
    """The query with its placeholders replaced: a join with the subclasses found in the data,
    or, for a class not looked up, the property path itself."""

    def written(match: re.Match[str]) -> str:
        var, listed, use = match.groups()
        classes = _CLASS.findall(listed)
        subs = list(dict.fromkeys(s for c in classes for s in subclasses.get(c, [])))
        if not all(c in subclasses for c in classes) or not all(
            isinstance(s, ox.NamedNode) for s in subs
        ):
            paths = [f"{{ {var} <{RDF_TYPE}>/<{RDFS_SUBCLASSOF}>* <{c}> . }}" for c in classes]
            return " UNION ".join(paths)
        types = [str(s) for s in subs]
        if use == "focus":
            return f"VALUES ?ck_type {{ {' '.join(types)} }} {var} <{RDF_TYPE}> ?ck_type ."
        return f"{var} <{RDF_TYPE}> ?ck_type . FILTER (?ck_type IN ({', '.join(types)}))"

    return _INSTANCES.sub(written, sparql_text)
