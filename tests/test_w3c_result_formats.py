"""The W3C SPARQL 1.1 result-format tests (json-res/, csv-tsv-res/), over real HTTP against a
running server: clusterkg's, and Oxigraph's as a peer.

Each test's data (qt:data) is the server's default graph; its query (qt:query) is POSTed to the
endpoint asking by `Accept` for the format of the expected file (mf:result: .srj SPARQL JSON,
.csv, .tsv), and the answer is compared with that file by meaning, not bytes:

- JSON: the same variables (in any order for SELECT *, whose order the specification leaves to
  the engine: both servers sort them); the same rows as a multiset (in order when the query has
  ORDER BY); terms by kind, value, datatype and language (xsd:string and a simple literal are
  one term in RDF 1.1; numbers by value, as "5"^^xsd:decimal and "5.0"^^xsd:decimal are);
- CSV (SPARQL 1.1 Query Results CSV and TSV Formats §2): values as plain strings, `_:` blank
  nodes, an empty field unbound;
- TSV (§3): each value an RDF term in SPARQL/Turtle syntax, read as a term (4 is
  "4"^^xsd:integer).
Blank nodes are compared up to a renaming (the expected files label them _:b0, _:a).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from sparql_endpoints import (
    SUITE,
    Dataset,
    Table,
    Target,
    boolean_of,
    kept_servers_fixture,  # noqa: F401 (a fixture)
    media_type,
    ordered_query,
    require_suite,
    same_table,
    star_query,
    table_of_csv,
    table_of_json,
    table_of_tsv,
    target_fixture,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.loopback

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
ACCEPT = {
    ".srj": "application/sparql-results+json",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
}
READERS = {".srj": table_of_json, ".csv": table_of_csv, ".tsv": table_of_tsv}
SUITES = ("json-res", "csv-tsv-res")


@dataclass(frozen=True)
class FormatTest:
    name: str  # suite/entry
    query: Path
    data: Path
    result: Path


def _file(manifest: Path, node: object) -> Path:
    return manifest.parent / str(node).rpartition("/")[2]


def read_manifests() -> list[FormatTest]:
    if SUITE is None:
        return []
    found = []
    for suite in SUITES:
        manifest = SUITE / suite / "manifest.ttl"
        graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for listed in graph.objects(None, MF.entries):
            for node in Collection(graph, listed):
                action = graph.value(node, MF.action)
                found.append(
                    FormatTest(
                        f"{suite}/{str(node).rpartition('#')[2]}",
                        _file(manifest, graph.value(action, QT.query)),
                        _file(manifest, graph.value(action, QT.data)),
                        _file(manifest, graph.value(node, MF.result)),
                    )
                )
    return found


TESTS = read_manifests()


# Tests a target does not pass: why, and the answer it gives instead, written as edits to the
# expected file (the edited file must agree with the answer, the unedited one must not).
@dataclass(frozen=True)
class Divergence:
    reason: str
    edits: tuple[tuple[bytes, bytes], ...]


CANONICAL_LITERALS = (
    "Oxigraph's storage (pyoxigraph's Store, clusterkg's engine; the same in Oxigraph's server) "
    'keeps literals of numeric datatypes by value, in canonical form: "1.0E6"^^xsd:double is '
    'stored and answered as "1000000"^^xsd:double, and "-3"^^xsd:negativeInteger as '
    '"-3"^^xsd:integer (its datatype lost). The writers print what the store holds; Oxigraph\'s '
    "parser keeps both terms as written, the store does not"
)
XSD_DOUBLE = b"<http://www.w3.org/2001/XMLSchema#double>"
NEGATIVE = b'"-3"^^<http://www.w3.org/2001/XMLSchema#negativeInteger>'
_STORED = {
    "csv-tsv-res/csv03": Divergence(CANONICAL_LITERALS, ((b"1.0E6", b"1000000"),)),
    "csv-tsv-res/tsv03": Divergence(
        CANONICAL_LITERALS, ((NEGATIVE, b"-3"), (b"1.0e6", b'"1000000"^^' + XSD_DOUBLE))
    ),
}
DIVERGENCES: dict[tuple[str, str], Divergence] = {
    (target, test): divergence
    for target in ("clusterkg", "oxigraph")
    for test, divergence in _STORED.items()
}


def answer(target: Target, test: FormatTest) -> httpx.Response:
    accept = ACCEPT[test.result.suffix]
    with target.serving(Dataset(default_only=(test.data,))) as endpoint, httpx.Client() as client:
        response = client.post(
            endpoint.url(""),
            content=test.query.read_bytes(),
            headers={"content-type": "application/sparql-query", "accept": accept},
            timeout=30,
        )
    assert response.status_code == 200, response.text[:300]
    assert media_type(response) == accept
    return response


@pytest.mark.parametrize("test", [pytest.param(t, id=t.name) for t in TESTS] or [None])
def test_w3c_result_format(
    test: FormatTest | None, target: Target, record_property: pytest.RecordProperty
) -> None:
    require_suite()
    assert test is not None
    response = answer(target, test)
    expected = test.result.read_bytes()
    divergence = DIVERGENCES.get((target.name, test.name))
    if divergence is None:
        assert agrees(response, test, expected)
        return
    record_property("w3c_divergence", divergence.reason)
    assert not agrees(response, test, expected, quiet=True), "agrees now: remove the entry"
    for old, new in divergence.edits:
        assert old in expected, old
        expected = expected.replace(old, new)
    assert agrees(response, test, expected)


def agrees(
    response: httpx.Response, test: FormatTest, expected: bytes, quiet: bool = False
) -> bool:
    """Whether the answer means what `expected` (a result file's bytes) does; if not, and not
    `quiet`, an AssertionError showing the answer."""
    if b'"boolean"' in expected:  # an ASK answer
        same = boolean_of(response) is table_of_json_boolean(expected)
        shown = response.text
    else:
        read = READERS[test.result.suffix]
        got = read(response.content)
        query = test.query.read_text("utf-8")
        same = same_table(got, read(expected), ordered_query(query), not star_query(query))
        shown = describe(got)
    assert same or quiet, shown
    return same


def table_of_json_boolean(data: bytes) -> bool:
    import json

    value = json.loads(data)["boolean"]
    assert isinstance(value, bool)
    return value


def describe(table: Table) -> str:
    rows = "\n".join(
        "  " + ", ".join(f"{k}={v.n3()}" for k, v in row.items()) for row in table.rows
    )
    return f"variables {table.variables}\n{rows}"


def test_the_manifests_were_read() -> None:
    require_suite()
    assert len(TESTS) == 10
    assert sum(t.result.suffix == ".srj" for t in TESTS) == 4
    assert all(t.query.is_file() and t.data.is_file() and t.result.is_file() for t in TESTS)


def test_the_comparison_can_fail() -> None:
    """Each reader with the comparison tells a different answer apart: another value, a lost
    datatype, a missing row, rows out of order under ORDER BY, another blank node structure."""
    tsv = b"?s\t?o\n<http://e/s1>\t4\n<http://e/s2>\t_:b0\n"
    same = b'?s\t?o\n<http://e/s1>\t"4"^^<http://www.w3.org/2001/XMLSchema#integer>\n<http://e/s2>\t_:x\n'
    assert same_table(table_of_tsv(tsv), table_of_tsv(same), ordered=True)
    for other in (
        b'?s\t?o\n<http://e/s1>\t"4"\n<http://e/s2>\t_:b0\n',  # a string, not a number
        b"?s\t?o\n<http://e/s1>\t4\n",  # a row missing
        b"?s\t?o\n<http://e/s2>\t_:b0\n<http://e/s1>\t4\n",  # out of order
        b"?o\t?s\n4\t<http://e/s1>\n_:b0\t<http://e/s2>\n",  # the variables' order
    ):
        assert not same_table(table_of_tsv(tsv), table_of_tsv(other), ordered=True), other
    assert same_table(
        table_of_tsv(tsv), table_of_tsv(b"?s\t?o\n<http://e/s2>\t_:q\n<http://e/s1>\t4\n"), False
    )
    two = b"s,o\nhttp://e/s,_:a\nhttp://e/t,_:a\n"
    assert not same_table(
        table_of_csv(two), table_of_csv(b"s,o\nhttp://e/s,_:a\nhttp://e/t,_:b\n"), False
    )
    assert not same_table(table_of_csv(b"s\n4\n"), table_of_csv(b"s\n4.0\n"), False)
    term = b'{"type":"literal","value":"a","xml:lang":"en"}'
    json_a = b'{"head":{"vars":["o"]},"results":{"bindings":[{"o":' + term + b"}]}}"
    json_b = json_a.replace(b'"en"', b'"de"')
    assert not same_table(table_of_json(json_a), table_of_json(json_b), False)
