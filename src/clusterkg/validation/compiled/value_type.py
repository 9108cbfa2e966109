"""Value type constraint components (SHACL section 4.1): sh:class, sh:datatype, sh:nodeKind.

sh:datatype is pySHACL's: a literal of the datatype that rdflib does not find ill-typed. A fast
SPARQL test vouches for the lexical forms rdflib surely accepts; the other values of the datatype
(usually the violations themselves) go to pySHACL's own check, in Python."""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg.validation.compiled.components import Condition, ValueComponent, ValueScope
from clusterkg.validation.compiled.expressions import all_of, any_of, string
from clusterkg.validation.compiled.rdflib_view import RDFLIB_CONVERTED, as_rdflib
from clusterkg.validation.compiled.shapes import iri
from clusterkg.validation.compiled.targets import instances
from clusterkg.validation.compiled.terms import COMPONENT, Term
from clusterkg.validation.compiled.written import as_written
from clusterkg.vocabulary import (
    RDF_LANG_STRING,
    RDFS_DATATYPE,
    RDFS_LITERAL,
    SH,
    XSD,
    XSD_BOOLEAN,
    XSD_STRING,
)

# Lexical forms rdflib surely accepts for a datatype (a subset of what its converters accept): a
# literal matching one is not ill-typed, whatever its other spellings do.
_FLOAT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
SURELY_WELL_TYPED = {
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "long": r"^[+-]?[0-9]+$",
    XSD + "decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD + "boolean": r"^(true|false|1|0)$",
    XSD + "float": _FLOAT,
    XSD + "double": _FLOAT,
    XSD + "date": r"^(1[0-9]{3}|2[0-9]{3})-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    r"|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$",  # 29 February: Python decides
    XSD + "duration": r"^-?P([0-9]{1,4}Y)?([0-9]{1,4}M)?([0-9]{1,4}D)?"
    r"(T([0-9]{1,4}H)?([0-9]{1,4}M)?([0-9]{1,4}(\.[0-9]{1,6})?S)?)?$",
}
# A duration needs something after the P (rdflib refuses "P").
DURATION_START = r"^-?P[0-9T]"

NODE_KINDS = {
    SH + "IRI": "isIRI({v})",
    SH + "BlankNode": "isBlank({v})",
    SH + "Literal": "isLiteral({v})",
    SH + "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    SH + "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    SH + "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}


def _class(scope: ValueScope, value: Term) -> Condition:
    cls = iri(value, scope.shape, "sh:class")
    return lambda v: f"EXISTS {{ {instances(v, [cls], 'test')} }}"


def _datatype(scope: ValueScope, value: Term) -> Condition:
    datatype = iri(value, scope.shape, "sh:datatype").value
    if datatype == XSD_STRING:
        return lambda v: all_of(f"isLiteral({v})", f"DATATYPE({v}) = <{XSD_STRING}>")
    if datatype == RDF_LANG_STRING:
        return lambda v: all_of(f"isLiteral({v})", f'LANG({v}) != ""')
    if datatype == RDFS_LITERAL:
        return lambda v: f"isLiteral({v})"
    if datatype == RDFS_DATATYPE:  # rdflib: every literal with a datatype, plain ones excepted
        return lambda v: all_of(
            f"isLiteral({v})", f'LANG({v}) = ""', f"DATATYPE({v}) != <{XSD_STRING}>"
        )
    if datatype not in RDFLIB_CONVERTED:  # rdflib checks nothing: the datatype IRI decides
        return as_written(
            datatype, lambda v: all_of(f"isLiteral({v})", f"DATATYPE({v}) = <{datatype}>")
        )
    surely = SURELY_WELL_TYPED.get(datatype)
    starts = DURATION_START if datatype == XSD + "duration" else None

    def condition(v: str) -> str:
        exact = scope.functions.call(lambda term: datatype_matches(term, datatype), v)
        fast = [f"REGEX(STR({v}), {string(r)})" for r in (surely, starts) if r]
        surely_well_typed = all_of(*fast) if fast else "false"
        return all_of(
            f"isLiteral({v})", f"DATATYPE({v}) = <{datatype}>", any_of(surely_well_typed, exact)
        )

    return as_written(datatype, condition)


def _node_kind(scope: ValueScope, value: Term) -> Condition:
    kind = NODE_KINDS.get(iri(value, scope.shape, "sh:nodeKind").value)
    return lambda v: kind.format(v=v) if kind else "false"


VALUE_COMPONENTS = {
    SH + "class": ValueComponent(COMPONENT["class"], _class, repeatable=True),
    SH + "datatype": ValueComponent(COMPONENT["datatype"], _datatype),
    SH + "nodeKind": ValueComponent(COMPONENT["nodeKind"], _node_kind),
}


# --- pySHACL's check, exactly, in Python (for the values the SPARQL test leaves open) ---------


def datatype_matches(term: Term, datatype: str) -> bool:
    """pySHACL's DatatypeConstraintComponent on one value node."""
    if not isinstance(term, ox.Literal):
        return False
    from rdflib import URIRef

    literal = as_rdflib(term)
    rule = URIRef(datatype)
    if literal.datatype == rule:
        return literal.ill_typed is not True and _actual_datatype(literal.value, datatype)
    if datatype == RDFS_LITERAL:
        return True
    if datatype == RDFS_DATATYPE and literal.datatype:
        return True
    if literal.datatype is None and literal.language is None and datatype == XSD_STRING:
        return _actual_datatype(literal.value, datatype)
    if datatype == RDF_LANG_STRING and literal.language:
        return _actual_datatype(literal.value, datatype)
    return False


def _actual_datatype(value: object, datatype: str) -> bool:
    """pySHACL's _assert_actual_datatype: the Python type of the value rdflib made."""
    from datetime import date, datetime, time
    from decimal import Decimal

    expected: dict[str, type | tuple[type, ...]] = {
        XSD_STRING: (str, bytes),
        RDF_LANG_STRING: (str, bytes),
        XSD + "integer": int,
        XSD + "float": float,
        XSD + "decimal": Decimal,
        XSD_BOOLEAN: bool,
        XSD + "date": date,
        XSD + "time": time,
        XSD + "dateTime": datetime,
    }
    python_type = expected.get(datatype)
    return python_type is None or isinstance(value, python_type)
