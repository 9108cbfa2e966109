"""Ad-hoc SPARQL with the project's prefixes predeclared; syntax errors as one readable line.

The expected messages and positions are counted by hand from the query texts below.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sparql_servers import SparqlServer, load_quads, oxigraph_server

from clusterkg.cli import cli
from clusterkg.engine import LocalEngine
from clusterkg.engine.syntax import Where, check_syntax
from clusterkg.errors import QueryError
from clusterkg.queries.catalogue import Catalogue
from clusterkg.queries.prefixes import PREDECLARED, with_prefixes
from clusterkg.queries.service import QueryService

ROOT = Path(__file__).resolve().parents[1]
DECLARATION = re.compile(r"^\s*@prefix\s+([\w-]*):\s*<([^>]*)>", re.MULTILINE)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


# --- which prefixes ------------------------------------------------------------------------------


def test_the_prefixes_results_print_are_predeclared() -> None:
    assert PREDECLARED["ck"] == "https://w3id.org/clusterkg/ontology#"
    assert PREDECLARED["cluster"] == "https://w3id.org/clusterkg/id/cluster/"
    assert PREDECLARED["tier"] == "https://w3id.org/clusterkg/id/tier/"
    assert PREDECLARED["country"] == "http://publications.europa.eu/resource/authority/country/"
    assert PREDECLARED["rdfs"] == "http://www.w3.org/2000/01/rdf-schema#"
    assert PREDECLARED["dct"] == PREDECLARED["dcterms"] == "http://purl.org/dc/terms/"


def test_every_prefix_the_bundled_files_declare_is_predeclared_alike() -> None:
    files = [*ROOT.glob("data/*.trig"), *ROOT.glob("ontology/**/*.ttl")]
    files += ROOT.glob("ontology/**/*.trig")
    declared = {
        (prefix, iri)
        for path in files
        for prefix, iri in DECLARATION.findall(path.read_text(encoding="utf-8"))
    }
    assert len(declared) > 20, "the glob found the bundled files' declarations"
    assert {(p, iri) for p, iri in declared if PREDECLARED.get(p) != iri} == set()


# --- adding the declarations ----------------------------------------------------------------------


def test_a_used_prefix_is_declared_before_the_first_line() -> None:
    query = "SELECT ?c WHERE {\n  ?c a ck:Cluster }"
    prefixed = with_prefixes(query)
    assert prefixed.added == "PREFIX ck: <https://w3id.org/clusterkg/ontology#> "
    assert prefixed.text == prefixed.added + query
    assert prefixed.text.count("\n") == 1  # no line moved


def test_the_querys_own_declaration_wins() -> None:
    query = "PREFIX ck: <http://example.org/mine#>\nSELECT * WHERE { ?c a ck:Cluster }"
    assert with_prefixes(query).text == query


def test_prefixes_in_strings_iris_and_comments_are_no_use() -> None:
    query = (
        "SELECT * WHERE { ?s ?p 'tier:gold' . ?s <http://x/sector:food> ?o } # cluster:x\n"
        'ORDER BY ?s # "ck:y'
    )
    assert with_prefixes(query).added == ""


def test_only_the_prefixes_used_are_added_once_each() -> None:
    query = "SELECT * WHERE { ?c ck:hasTier tier:gold ; ck:sector tier:x }"
    assert with_prefixes(query).added == (
        "PREFIX ck: <https://w3id.org/clusterkg/ontology#> "
        "PREFIX tier: <https://w3id.org/clusterkg/id/tier/> "
    )


def test_an_undeclared_unknown_prefix_names_its_place_and_what_to_add() -> None:
    # "foo:Bar" starts at column 23 of line 2
    query = "SELECT *\nWHERE { ?s a ck:X , foo:Bar }"
    with pytest.raises(QueryError) as caught:
        with_prefixes(query)
    assert str(caught.value) == (
        'SPARQL syntax error: line 2, column 21: prefix "foo:" is not declared; add PREFIX '
        "foo: <…> (known prefixes: `clusterkg prefixes`)"
    )


def test_an_unknown_prefix_close_to_a_known_one_is_pointed_at() -> None:
    with pytest.raises(QueryError, match=r'prefix "skso:" is not declared \(did you mean "skos:"'):
        with_prefixes("SELECT * WHERE { ?s skso:prefLabel ?l }")


def test_a_remote_server_may_know_prefixes_of_its_own() -> None:
    query = "SELECT * WHERE { ?s bif:contains 'x' ; a ck:Cluster }"
    prefixed = with_prefixes(query, refuse_unknown=False)
    assert prefixed.added == "PREFIX ck: <https://w3id.org/clusterkg/ontology#> "


# --- syntax errors in one line --------------------------------------------------------------------


def test_oxigraphs_undeclared_prefix_error_becomes_one_line() -> None:
    # Oxigraph reports the end of "ex:thing" (column 30); the name starts at column 23.
    with pytest.raises(QueryError) as caught:
        check_syntax("SELECT * WHERE { ?s a ex:thing }")
    message = str(caught.value)
    assert message == (
        'SPARQL syntax error: line 1, column 23: prefix "ex:" is not declared; add PREFIX ex: '
        "<…> (known prefixes: `clusterkg prefixes`)"
    )


def test_the_expected_list_is_short_and_never_cut_inside_an_item() -> None:
    # "SELECT * WHERE { ?s ?p ?o } GROUP BY" is 36 characters: Oxigraph stops at column 37.
    with pytest.raises(QueryError) as caught:
        check_syntax("SELECT * WHERE { ?s ?p ?o } GROUP BY")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("SPARQL syntax error: line 1, column 37: found the end of the query")
    assert "expected one of" in message and '"("' in message and '"?"' in message
    assert "\\u{" not in message and "..=" not in message and "[_]" not in message


def test_what_was_found_is_named() -> None:
    # "LIMIT " ends at column 34: "-1" is found at column 35.
    with pytest.raises(QueryError) as caught:
        check_syntax("SELECT * WHERE { ?s ?p ?o } LIMIT -1")
    assert str(caught.value).startswith(
        'SPARQL syntax error: line 1, column 35: found "-1"; expected one of'
    )


def test_a_long_expected_list_ends_with_an_ellipsis_after_a_whole_item() -> None:
    with pytest.raises(QueryError) as caught:
        check_syntax("SELECT * WHERE {\n ?s ?p ?o \n FILTER(?o = ) }")
    message = str(caught.value)
    assert message.startswith("SPARQL syntax error: line 3, column ")
    listed = message.split("expected one of ", 1)[1]
    assert listed.endswith(", …")
    assert all(
        re.fullmatch(r'[A-Za-z][A-Za-z0-9]*|"[^"]+"|a name|a digit', item)
        for item in listed[:-3].split(", ")
    )


def test_an_unclosed_string_is_said_where_it_starts() -> None:
    with pytest.raises(
        QueryError, match=r"^SPARQL syntax error: line 2, column 15: unexpected '\"'"
    ):
        check_syntax('SELECT *\nWHERE { ?s ?p "abc }')


def test_a_files_errors_name_the_file_and_line_one_is_shifted_back() -> None:
    # "PREFIX x: <http://x/> " (22 characters) stands for declarations put before line 1:
    # "ex:thing" at column 45 of the text run is at column 23 of the text as written.
    with pytest.raises(QueryError) as caught:
        check_syntax("SELECT * WHERE { ?s a ex:thing }", Where("mine.rq"))
    assert str(caught.value).startswith('mine.rq:1:23: SPARQL syntax error: prefix "ex:"')
    with pytest.raises(QueryError) as caught:
        check_syntax("PREFIX x: <http://x/> SELECT * WHERE { ?s a ex:thing }", Where("m.rq", 22))
    assert str(caught.value).startswith('m.rq:1:23: SPARQL syntax error: prefix "ex:"')


def test_a_stored_query_with_a_syntax_error_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "team-query.rq").write_text(
        "#+ title: A team query\n"
        "PREFIX ck: <https://w3id.org/clusterkg/ontology#>\n"
        "SELECT ?c WHERE {\n"
        "  ?c a ck:Cluster ; skos:prefLabel ?name }\n",
        encoding="utf-8",
    )
    with pytest.raises(QueryError) as caught:
        Catalogue(tmp_path).checked("team-query", [])
    assert str(caught.value) == (
        f'{tmp_path / "team-query.rq"}:4:21: SPARQL syntax error: prefix "skos:" is not '
        "declared; add PREFIX skos: <…> (known prefixes: `clusterkg prefixes`)"
    )


def test_every_bundled_stored_query_parses() -> None:
    catalogue = Catalogue(ROOT / "queries")
    assert catalogue.names(), "the bundled queries were found"
    for stored in catalogue:
        check_syntax(stored.text, Where(str(stored.path)))


# --- the command line -----------------------------------------------------------------------------


def test_sparql_runs_a_query_that_uses_predeclared_prefixes() -> None:
    # cluster:fetek's name in data/clusters.trig is "FETEK"; tier:gold's label "Gold".
    result = invoke(
        "sparql",
        "-e",
        "SELECT ?n ?t WHERE { cluster:fetek skos:prefLabel ?n . tier:gold skos:prefLabel ?t }",
        "-f",
        "csv",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["n,t", "FETEK,Gold"]


def test_sparql_says_which_prefix_to_declare_before_building_anything() -> None:
    result = invoke("sparql", "-e", "SELECT * WHERE { ?s a ck:Cluster ; foo:bar ?x }")
    assert result.exit_code == 2
    assert result.stderr == (
        'clusterkg: error: SPARQL syntax error: line 1, column 36: prefix "foo:" is not '
        "declared; add PREFIX foo: <…> (known prefixes: `clusterkg prefixes`)\n"
    )


def test_sparql_positions_on_line_one_are_as_written(tmp_path: Path) -> None:
    # ck: is added before line 1; the error is at "LIMIT x", column 35 as written.
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s a ck:Cluster } LIMIT x\n", encoding="utf-8")
    result = invoke("sparql", str(query))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"clusterkg: error: {query}:1:")
    column = int(result.stderr.split(f"{query}:1:")[1].split(":")[0])
    assert 35 <= column <= 43, result.stderr  # Oxigraph points at "x" or past it, never before


def test_sparql_help_says_the_prefixes_are_predeclared() -> None:
    text = " ".join(invoke("sparql", "--help").stdout.split())
    assert "are predeclared" in text and "`clusterkg prefixes` lists them" in text


@pytest.mark.parametrize(
    ("fmt", "line"),
    [
        ("text", re.compile(r"^cluster:\s+https://w3id\.org/clusterkg/id/cluster/$", re.M)),
        (
            "ttl",
            re.compile(r"^@prefix cluster:\s+<https://w3id\.org/clusterkg/id/cluster/> \.$", re.M),
        ),
        (
            "sparql",
            re.compile(r"^PREFIX cluster:\s+<https://w3id\.org/clusterkg/id/cluster/>$", re.M),
        ),
    ],
)
def test_prefixes_lists_them(fmt: str, line: re.Pattern[str]) -> None:
    result = invoke("prefixes", "-f", fmt)
    assert result.exit_code == 0
    assert line.search(result.stdout)
    assert len(result.stdout.splitlines()) == len(PREDECLARED)


def test_prefixes_as_json_and_as_sparql_that_oxigraph_reads() -> None:
    listed = json.loads(invoke("prefixes", "-f", "json").stdout)
    assert listed == PREDECLARED
    declarations = invoke("prefixes", "-f", "sparql").stdout
    check_syntax(declarations + "SELECT * WHERE { ?s a ck:Cluster ; funding-scheme:x ?y }")


# --- on a SPARQL server (--endpoint) --------------------------------------------------------------

ASSERTED = "https://w3id.org/clusterkg/graph/asserted"
FETEK = "https://w3id.org/clusterkg/id/cluster/fetek"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


@pytest.fixture(scope="module")
def server() -> Iterator[SparqlServer]:
    """Oxigraph's server holding one fact in clusterkg's asserted graph."""
    with oxigraph_server() as started:
        load_quads(started, f'<{FETEK}> <{PREF_LABEL}> "FETEK" <{ASSERTED}> .\n'.encode())
        yield started


@pytest.mark.loopback
def test_sparql_on_a_server_gets_the_prefixes_too(server: SparqlServer) -> None:
    query = "SELECT ?n WHERE { cluster:fetek skos:prefLabel ?n }"
    result = invoke("--endpoint", server.query_url, "sparql", "-e", query, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "FETEK"]


@pytest.mark.loopback
def test_a_prefix_unknown_here_is_left_to_the_server(server: SparqlServer) -> None:
    # Oxigraph's server does not know bif: either, and says so: the error is the server's.
    query = "SELECT * WHERE { ?s bif:contains ?o }"
    result = invoke("--endpoint", server.query_url, "sparql", "-e", query)
    assert result.exit_code != 0
    assert "known prefixes: `clusterkg prefixes`" not in result.stderr
    assert server.query_url.split("/query")[0] in result.stderr


def test_an_end_of_the_query_says_which_end() -> None:
    # "ASK {" is 5 characters: Oxigraph stops at column 6, the end.
    with pytest.raises(QueryError) as caught:
        check_syntax("ASK {")
    assert str(caught.value).startswith(
        'SPARQL syntax error: line 1, column 6: found the end of the query (after "ASK {"); '
        "expected one of "
    )


def test_a_stored_query_run_through_the_api_names_its_file_too(tmp_path: Path) -> None:
    # what `clusterkg test` and the server run: the query service, not the CLI's check
    (tmp_path / "broken.rq").write_text(
        "#+ title: Broken\nSELECT ?c WHERE {\n  ?c a ck:Cluster }\n", encoding="utf-8"
    )
    service = QueryService(LocalEngine(), Catalogue(tmp_path))
    with pytest.raises(QueryError) as caught:
        service.run_stored("broken")
    assert str(caught.value).startswith(
        f'{tmp_path / "broken.rq"}:3:8: SPARQL syntax error: prefix "ck:" is not declared'
    )


def test_a_workspace_query_with_a_syntax_error_names_its_file_as_the_team_sees_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "clusterkg.toml").write_text(
        '[workspace]\nname = "agency"\nbase = "https://example.org/agency/"\n', encoding="utf-8"
    )
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "broken.rq").write_text(
        "#+ title: Broken\nSELECT ?c WHERE {\n  ?c a ck:Cluster }\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "clusterkg", "--no-cache", "query", "broken"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONUTF8": "1"},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        'clusterkg: error: queries/broken.rq:3:8: SPARQL syntax error: prefix "ck:" is not '
        "declared; add PREFIX ck: <…> (known prefixes: `clusterkg prefixes`)\n"
    )
