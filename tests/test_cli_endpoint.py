"""`clusterkg --endpoint URL query|sparql|queries` against a real Oxigraph server on 127.0.0.1.

Golden values: parity (the same command without --endpoint, on the local graph, prints the same)
and, for Rūta, the clusters the sources name (text 2: "two clusters - the Smart Food and the
National Food Cluster - belong to the "Rūta" sweets factory").
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from cli_support import run_process
from click.testing import CliRunner, Result
from sparql_servers import SparqlServer, free_port, load_quads, oxigraph_server

from clusterkg import KnowledgeGraph
from clusterkg.cli import cli
from clusterkg.errors import EXIT_REMOTE, EXIT_TIMEOUT, EXIT_USAGE

pytestmark = pytest.mark.usefixtures("shared_graphs")
CKID = "https://w3id.org/clusterkg/id/"


@pytest.fixture(scope="module")
def server() -> Iterator[SparqlServer]:
    built = KnowledgeGraph.load(cache=None).with_closure().built
    dump = built.store.dump(format=ox.RdfFormat.N_QUADS)
    assert isinstance(dump, bytes)
    with oxigraph_server() as started:
        load_quads(started, dump)
        yield started


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--no-cache", *args], catch_exceptions=False)


def both(server: SparqlServer, *args: str) -> tuple[Result, Result]:
    """The command run on the local graph and on the server."""
    return invoke(*args), invoke("--endpoint", server.query_url, *args)


def rows(result: Result) -> list[dict[str, str]]:
    """JSON results' bindings, as {variable: value}."""
    answer = json.loads(result.output)
    return [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]


@pytest.mark.loopback
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_on_the_server_prints_what_the_local_graph_prints(
    server: SparqlServer, fmt: str
) -> None:
    args = ("query", "clusters-of-company", "-p", "company", "Rūta", "-p", "sector", "food")
    here, there = both(server, *args, "--format", fmt)
    assert (there.exit_code, there.output) == (here.exit_code, here.output) == (0, here.output)


@pytest.mark.loopback
def test_ruta_food_clusters_by_hand(server: SparqlServer) -> None:
    result = invoke(
        "--endpoint",
        server.query_url,
        "query",
        "clusters-of-company",
        "-p",
        "company",
        "Rūta",
        "-p",
        "sector",
        "food",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    found = rows(result)
    assert {r["cluster"] for r in found} == {
        CKID + "cluster/smart-food-cluster",
        CKID + "cluster/national-food-cluster",
    }
    assert {r["evidence"] for r in found} == {"inferred"}


@pytest.mark.loopback
@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("company", "Rūta"),
        ("company", "ruta"),
        ("company", "RŪTA"),
        ("company", "Ru\u0304ta"),
        ("company", "UAB Rūta"),
        ("company", "LITEK"),
        ("company", "litek laser"),
        ("company", "food"),  # ambiguous: several food clusters are organisations
        ("company", "Rutta"),  # unknown: did you mean …
        ("company", "Nothing Of That Name"),  # unknown, nothing near
        ("company", 'Rūta" } UNION { ?s ?p ?o } #'),
        ("company", "ck:nothing"),
        ("sector", "food"),
    ],
)
def test_names_resolve_remotely_as_locally(
    server: SparqlServer, parameter: str, value: str
) -> None:
    args = ["query", "clusters-of-company", "-p", "company", "Rūta", "--format", "csv"]
    args[args.index("company") + 1] = value if parameter == "company" else "Rūta"
    if parameter == "sector":
        args += ["-p", "sector", value]
    here, there = both(server, *args)
    assert (there.exit_code, there.output) == (here.exit_code, here.output)


@pytest.mark.loopback
def test_ambiguous_and_unknown_names_say_the_same(server: SparqlServer) -> None:
    for value in ("food", "Rutta"):
        here, there = both(server, "query", "clusters-of-company", "-p", "company", value)
        assert here.exit_code == there.exit_code == EXIT_USAGE
        assert there.output == here.output
    assert (
        "ambiguous"
        in both(server, "query", "clusters-of-company", "-p", "company", "food")[1].output
    )
    assert (
        "Did you mean"
        in both(server, "query", "clusters-of-company", "-p", "company", "Rutta")[1].output
    )


@pytest.mark.loopback
def test_sparql_expression_on_the_server(server: SparqlServer) -> None:
    text = (
        "PREFIX ck: <https://w3id.org/clusterkg/ontology#> "
        "SELECT ?c WHERE { ?c a ck:Cluster } ORDER BY ?c"
    )
    here, there = both(server, "sparql", "-e", text, "--format", "csv")
    assert there.exit_code == 0 and there.output == here.output
    assert len(there.output.splitlines()) > 10
    capped = invoke("--endpoint", server.query_url, "sparql", "-e", text, "--max-rows", "3")
    assert capped.exit_code == 0


@pytest.mark.loopback
def test_queries_lists_the_stored_queries_with_an_endpoint(server: SparqlServer) -> None:
    here, there = both(server, "queries")
    assert there.exit_code == 0 and there.output == here.output


@pytest.mark.parametrize("command", ["reason", "export", "generate", "serve", "site"])
def test_local_only_commands_refuse_an_endpoint(command: str) -> None:
    result = CliRunner().invoke(cli, ["--endpoint", "http://127.0.0.1:9/sparql", command])
    assert result.exit_code == EXIT_USAGE
    assert result.output.strip().splitlines() == [
        "clusterkg: error: --endpoint applies to query, sparql and validate"
    ]


def test_data_and_endpoint_together_are_refused() -> None:
    result = CliRunner().invoke(
        cli, ["--data", "data", "--endpoint", "http://127.0.0.1:9/sparql", "sparql", "-e", "ASK {}"]
    )
    assert result.exit_code == EXIT_USAGE
    assert "--data and --endpoint" in result.output


@pytest.mark.loopback
def test_a_server_that_is_not_there_is_exit_4() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = run_process("--endpoint", url, "sparql", "-e", "ASK {}")
    assert result.returncode == EXIT_REMOTE
    assert result.stderr.startswith("clusterkg: error: cannot reach http://127.0.0.1:")
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback


@pytest.mark.loopback
def test_a_server_too_slow_is_exit_3() -> None:
    from test_remote_engine import CUT, scripted

    with scripted(CUT, delay=5) as url:
        result = run_process("--endpoint", url, "sparql", "-e", "ASK {}", "--timeout", "0.5")
    assert result.returncode == EXIT_TIMEOUT, result.stderr
    assert "0.5 s timeout" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.loopback
def test_credentials_in_the_url_are_refused(server: SparqlServer) -> None:
    url = server.query_url.replace("http://", "http://agency:s3cret@")
    result = invoke("--endpoint", url, "sparql", "-e", "ASK {}")
    assert result.exit_code == EXIT_USAGE
    assert "s3cret" not in result.output


@pytest.mark.loopback
def test_the_answer_comes_from_the_server() -> None:
    """An empty server knows no Rūta and counts no triple: nothing is taken from the local graph."""
    with oxigraph_server() as empty:
        named = invoke(
            "--endpoint", empty.query_url, "query", "clusters-of-company", "-p", "company", "Rūta"
        )
        counted = invoke(
            "--endpoint",
            empty.query_url,
            "sparql",
            "-e",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "--format",
            "csv",
        )
    assert named.exit_code == EXIT_USAGE
    assert "no organisation is named 'Rūta'" in named.output
    assert counted.output.splitlines() == ["n", "0"]


@pytest.mark.loopback
@pytest.mark.parametrize("fmt", ["nt", "ttl"])
def test_sparql_construct_on_the_server(server: SparqlServer, fmt: str) -> None:
    text = (
        "PREFIX ck: <https://w3id.org/clusterkg/ontology#> "
        "CONSTRUCT { ?c a ck:Cluster ; ck:sector ?s } WHERE { ?c a ck:Cluster ; ck:sector ?s }"
    )
    here, there = both(server, "sparql", "-e", text, "--format", fmt)
    assert there.exit_code == 0
    assert sorted(there.output.splitlines()) == sorted(here.output.splitlines())
    assert "smart-food-cluster" in there.output


@pytest.mark.loopback
def test_stored_query_with_limits_on_the_server(server: SparqlServer) -> None:
    args = ("query", "labelled-clusters", "--max-rows", "2", "--timeout", "30", "--format", "csv")
    here, there = both(server, *args)
    assert there.exit_code == here.exit_code == 0
    # the header, two rows and the note that more matched (stderr, mixed in by CliRunner)
    lines, local_lines = there.output.splitlines(), here.output.splitlines()
    assert len(lines) == len(local_lines) == 4
    assert (lines[0], lines[-1]) == (local_lines[0], local_lines[-1])
    assert "truncated at 2 rows" in lines[-1]
