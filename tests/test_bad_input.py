"""Bad input gives a clear error naming the file and line, exit code 2, and never a traceback.

The files are in tests/fixtures/bad/, each with a comment saying what is wrong and on which line.
Queries that would reach outside the loaded graph (SERVICE, FROM, LOAD) are refused before they
run, and a query parameter that tries to change the query text matches nothing. No test may open
a network connection (enforced by conftest.py), and no input file is ever modified.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from cli_support import run_process
from click.testing import CliRunner, Result

from clusterkg.cli import cli
from clusterkg.errors import InputError
from clusterkg.knowledge_graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "fixtures" / "bad"
DATA = ROOT / "data"
NEW_CLUSTER = ROOT / "tests" / "fixtures" / "cli" / "new-cluster.trig"

# file in tests/fixtures/bad/, the line the message must name (None: no line), words it must say
CASES: list[tuple[str, int | None, list[str]]] = [
    ("latin-1.ttl", 6, ["UTF-8"]),
    ("malformed.ttl", 8, ["syntax"]),
    ("unknown-prefix.ttl", 6, ["clustr"]),
    ("boolean-yes.ttl", 9, ["'yes'", "boolean"]),
    ("year-20x8.ttl", 11, ["'20x8'", "gYear"]),
    ("iri-with-space.ttl", 7, ["spaced cluster"]),
    ("remote-context.jsonld", 4, ["http://example.org/ctx.jsonld"]),
    ("import-context.jsonld", 4, ["http://example.org/ctx.jsonld"]),
    ("owl-imports.ttl", 6, ["imports", "http://example.org/ontology.ttl"]),
    ("notes.txt", None, [".txt"]),
    ("does-not-exist.ttl", None, []),
]
# Files whose only fault is an ill-typed literal: validate reports it as a violation (exit 1) with
# the rest of the report; the other commands refuse the file (exit 2).
ILL_TYPED = {"boolean-yes.ttl", "year-20x8.ttl"}
# A few cases run again as real processes, to see the exit code and stderr of the process itself.
IN_A_PROCESS = {
    "latin-1.ttl",
    "malformed.ttl",
    "boolean-yes.ttl",
    "notes.txt",
    "does-not-exist.ttl",
}
# Cases that would fetch from the internet if clusterkg got them wrong: in-process only, where
# conftest.py turns a fetch into a failure instead of a request.
FETCHING = {"remote-context.jsonld", "import-context.jsonld", "owl-imports.ttl"}

RUTA_INJECTION = 'Rūta" } UNION { ?s ?p ?o } #'


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=True)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(result: Result) -> str:
    """Assert a clean refusal: exit 2, no crash, nothing on stdout, one line on stderr."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("clusterkg: error: ")
    return result.stderr


def expected_location(path: Path, line: int | None) -> str:
    return f"{path}:{line}: " if line is not None else f"{path}: "


# --- bad files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "line", "words"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("how", ["validate", "--data"])
def test_bad_file_is_refused_with_file_and_line(
    name: str, line: int | None, words: list[str], how: str
) -> None:
    path = BAD / name
    before = digest(path)
    if how == "validate" and name in ILL_TYPED:
        return  # validate lists them: test_validate_lists_an_ill_typed_literal_as_a_violation
    args = ["validate", str(path)] if how == "validate" else ["--data", str(path), "export"]
    stderr = refused(invoke(*args))
    assert expected_location(path, line) in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    for word in words:
        assert word in stderr
    assert digest(path) == before


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [c for c in CASES if c[0] in IN_A_PROCESS],
    ids=[c[0] for c in CASES if c[0] in IN_A_PROCESS],
)
def test_bad_file_in_a_real_process_has_no_traceback(
    name: str, line: int | None, words: list[str]
) -> None:
    path = BAD / name
    process = run_process("--data", str(path), "export", "--format", "nt")
    assert process.returncode == 2, process.stderr
    assert process.stdout == ""
    assert "Traceback" not in process.stderr
    assert expected_location(path, line) in process.stderr


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [c for c in CASES if c[0] in ILL_TYPED],
    ids=[c[0] for c in CASES if c[0] in ILL_TYPED],
)
def test_validate_lists_an_ill_typed_literal_as_a_violation(
    name: str, line: int | None, words: list[str]
) -> None:
    path = BAD / name
    result = invoke("validate", str(path))
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    (reported,) = [row for row in result.stdout.splitlines() if f"{path}:{line}: " in row]
    assert "Violation" in reported
    for word in words:
        assert word in reported


def test_ill_typed_boolean_is_not_read_as_false() -> None:
    """rdflib reads "yes"^^xsd:boolean as false; the API must refuse the file instead."""
    with pytest.raises(InputError) as error:
        KnowledgeGraph.load([BAD / "boolean-yes.ttl"])
    assert error.value.line == 9
    assert error.value.path == str(BAD / "boolean-yes.ttl")


def test_a_bad_file_among_good_ones_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copy(BAD / "year-20x8.ttl", data / "zz-typo.ttl")
    stderr = refused(invoke("--data", str(data), "export"))
    assert f"{data / 'zz-typo.ttl'}:11: " in stderr
    result = invoke("validate", str(data))
    assert result.exit_code == 1
    assert f"{data / 'zz-typo.ttl'}:11: Violation: " in result.stdout


# --- queries that would reach outside the graph ---------------------------------------------------

OUTSIDE = {
    "SERVICE": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "service silent": "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "FROM": "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "FROM NAMED": "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "LOAD": "LOAD <http://example.org/x>",
    "LOAD INTO": "LOAD SILENT <http://example.org/x> INTO GRAPH <http://example.org/g>",
}


@pytest.mark.usefixtures("shared_graphs")
@pytest.mark.parametrize("query", list(OUTSIDE.values()), ids=list(OUTSIDE))
def test_query_reaching_outside_is_refused(query: str) -> None:
    keyword = next(k for k in ("SERVICE", "FROM", "LOAD") if k in query.upper())
    stderr = refused(invoke("sparql", "-e", query))
    assert f"{keyword} is not allowed" in stderr


@pytest.mark.usefixtures("shared_graphs")
def test_query_reaching_outside_is_refused_from_a_file_and_stdin(tmp_path: Path) -> None:
    query = tmp_path / "service.rq"
    query.write_text(OUTSIDE["SERVICE"], encoding="utf-8")
    before = digest(query)
    assert "SERVICE is not allowed" in refused(invoke("sparql", str(query)))
    assert "SERVICE is not allowed" in refused(invoke("sparql", "-", input=OUTSIDE["SERVICE"]))
    assert digest(query) == before


# SERVICE hidden from the check by text its comment/IRI stripping misreads. The endpoint is on
# port 9, which pyoxigraph refuses to contact, so a failing test sends no request anywhere.
HIDDEN_SERVICE = {
    # `ex:a\#` is a prefixed name whose local part ends in an escaped '#'; the check reads the
    # rest of the line as a comment. pyoxigraph sent the request (seen against a local server).
    "escaped-hash-in-local-name": (
        "PREFIX ex: <http://example.org/>\n"
        "SELECT * WHERE { BIND(ex:a\\# AS ?z) SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    ),
    # `<2)SERVICE?x{?a?b?c}FILTER(3>` has no space, so the check takes it for an IRI; pyoxigraph
    # then fails while the rows are read, outside the engine's error handling (a traceback).
    "less-than-greater-than": (
        "SELECT * WHERE { VALUES ?x { <http://127.0.0.1:9/sparql> } "
        "FILTER(1<2)SERVICE?x{?a?b?c}FILTER(3>2) }"
    ),
}


@pytest.mark.usefixtures("shared_graphs")
@pytest.mark.parametrize("query", list(HIDDEN_SERVICE.values()), ids=list(HIDDEN_SERVICE))
def test_hidden_service_is_refused(query: str) -> None:
    assert "SERVICE is not allowed" in refused(invoke("sparql", "-e", query))


@pytest.mark.usefixtures("shared_graphs")
def test_words_that_only_look_like_service_from_load_are_allowed() -> None:
    query = (
        'SELECT ?service ?from ?load WHERE { BIND("SERVICE FROM LOAD" AS ?service) '
        "BIND(<http://example.org/FROM> AS ?from) BIND(1 AS ?load) }  # SERVICE in a comment"
    )
    result = invoke("sparql", "-e", query, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "service,from,load"


# --- parameters that try to change the query ----------------------------------------------------

INJECTIONS = [
    RUTA_INJECTION,
    # looks like a CURIE / an IRI, so it is read as one: must be refused as "not in the graph",
    # not crash (seen: ValueError traceback from pyoxigraph.NamedNode, exit 1)
    "ck:x> } UNION { ?s ?p ?o } #",
    "<https://w3id.org/clusterkg/id/organisation/ruta> } UNION { ?s ?p ?o } #>",
]


@pytest.mark.usefixtures("shared_graphs")
@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize(
    ("query", "parameter"), [("clusters-of-company", "company"), ("provenance", "subject")]
)
def test_parameter_cannot_change_the_query(query: str, parameter: str, value: str) -> None:
    stderr = refused(invoke("query", query, "-p", parameter, value))
    assert parameter in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr  # lists nothing of the graph


def test_injection_in_a_real_process_leaks_nothing() -> None:
    process = run_process(
        "--data",
        str(NEW_CLUSTER),
        "query",
        "provenance",
        "-p",
        "subject",
        RUTA_INJECTION,
    )
    assert process.returncode == 2
    assert process.stdout == ""
    assert "Traceback" not in process.stderr


# --- inputs are read, never written ---------------------------------------------------------------


@pytest.mark.usefixtures("shared_graphs")
def test_input_files_are_never_modified(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    bad_before, data_before = tree_digest(BAD), tree_digest(data)
    new_before = digest(NEW_CLUSTER)

    for name, _, _ in CASES:
        if name in FETCHING:
            continue  # checked on their own above
        invoke("validate", str(BAD / name))
        invoke("--data", str(data), "--data", str(BAD / name), "export")
    assert invoke("--data", str(data), "export", "-o", str(tmp_path / "out.ttl")).exit_code == 0
    assert invoke("--data", str(data), "export", "-o", str(data / "awards.trig")).exit_code == 2
    assert invoke("validate", str(NEW_CLUSTER)).exit_code == 0

    assert tree_digest(BAD) == bad_before
    assert tree_digest(data) == data_before
    assert digest(NEW_CLUSTER) == new_before
