"""Tests of the `clusterkg` command line: every command, its exit codes, formats and messages.

Most tests call the click command in-process (click.testing.CliRunner); a few start a real
`python -m clusterkg` process where the process itself matters: the exit code, no traceback on
stderr, the same bytes under different PYTHONHASHSEED values.

Reasoning (about 3 s) and SHACL validation (about 6 s) dominate the run time, so tests that only
read the graph share loaded graphs through the `shared_graphs` fixture of conftest.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from cli_support import copy_without_bronze_tier, run_process
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

import clusterkg.output.export
import clusterkg.output.serialise
from clusterkg import __version__
from clusterkg.cli import cli
from clusterkg.cli.settings import Settings
from clusterkg.engine import LocalEngine, LocalStore
from clusterkg.engine.convert import to_oxigraph, to_rdflib
from clusterkg.errors import ClusterKGError
from clusterkg.output.description import describe
from clusterkg.vocabulary import ASSERTED, DESCRIPTION, INFERRED

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology"
QUERIES = ROOT / "queries"
NEW_CLUSTER = ROOT / "tests" / "fixtures" / "cli" / "new-cluster.trig"

CK = Namespace("https://w3id.org/clusterkg/ontology#")
CLUSTER = "https://w3id.org/clusterkg/id/cluster/"
ESCA = "https://w3id.org/clusterkg/id/organisation/esca"
FOOD_CLUSTERS = {CLUSTER + "smart-food-cluster", CLUSTER + "national-food-cluster"}
RUTA_FOOD = ["query", "clusters-of-company", "-p", "company", "Rūta", "-p", "sector", "food"]
COUNT_CLUSTERS = f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{CK.Cluster}> }}"
CONSTRUCT_CLUSTERS = f"CONSTRUCT {{ ?c a <{CK.Cluster}> }} WHERE {{ ?c a <{CK.Cluster}> }}"
RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


# --- running the command ----------------------------------------------------------------------


def invoke(*args: str, input: str | None = None) -> Result:
    """Run `clusterkg ARGS` in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=True)


def ok(result: Result) -> Result:
    """Assert the command succeeded, showing its stderr (or exception) if not."""
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
    return result


def usage_error(result: Result) -> str:
    """Assert exit 2 with nothing on stdout and no crash; return stderr."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    return result.stderr


@pytest.fixture(scope="module")
def loaded_graph() -> Graph:
    """What clusterkg loads by default, parsed by rdflib alone: ontology, reference, data."""
    graph = Graph()
    for path in [ONTOLOGY / "clusterkg.ttl", *sorted((ONTOLOGY / "reference").glob("*.ttl"))]:
        graph.parse(path, format="turtle")
    # statement groups (ESCA's facts in the reference data, the bundled facts): every graph's
    # triples, merged
    for path in sorted([*(ONTOLOGY / "reference").glob("*.trig"), *DATA.glob("*.trig")]):
        dataset = Dataset()
        dataset.parse(path, format="trig")
        for quad in dataset.quads((None, None, None, None)):
            graph.add(quad[:3])
    return graph


# --- --help, --version -----------------------------------------------------------------------


def test_help_lists_every_command() -> None:
    result = ok(invoke("--help"))
    for command in ("queries", "query", "sparql", "validate", "reason", "export"):
        assert re.search(rf"^\s+{command}\b", result.stdout, re.MULTILINE), command


def test_version_of_python_m_clusterkg() -> None:
    process = run_process("--version")
    assert process.returncode == 0, process.stderr
    assert "clusterkg" in process.stdout
    assert __version__ in process.stdout
    assert "Traceback" not in process.stderr


# --- queries ---------------------------------------------------------------------------------


def test_queries_lists_every_stored_query() -> None:
    result = ok(invoke("queries"))
    listed = {line.split()[0] for line in result.stdout.splitlines() if line[:1].strip()}
    expected = {path.stem for path in QUERIES.glob("*.rq")}
    assert expected <= listed
    for name in (
        "clusters-of-company",
        "labelled-clusters",
        "next-label",
        "project-participants",
        "people-and-roles",
        "cluster-profile",
        "clusters-by-sector",
        "provenance",
        "statistics",
    ):
        assert name in listed


def test_queries_shows_parameters() -> None:
    result = ok(invoke("queries"))
    assert re.search(r"-p company=<organisation>\s+required", result.stdout)
    assert re.search(r"-p sector=<sector>\s+optional", result.stdout)
    # the examples in the form -p accepts as one word, quoted for a shell where needed
    assert (
        "e.g. clusterkg query clusters-of-company -p company=Rūta -p sector=food" in result.stdout
    )
    assert "e.g. clusterkg query cluster-profile -p cluster='Smart Food Cluster'" in result.stdout


# --- query: formats ----------------------------------------------------------------------------


def _json_result(result: Result) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)
    assert isinstance(document["head"]["vars"], list)
    assert all(isinstance(v, str) for v in document["head"]["vars"])
    for binding in document["results"]["bindings"]:
        assert set(binding) <= set(document["head"]["vars"])
        for term in binding.values():
            assert term["type"] in {"uri", "literal", "bnode"}
            assert isinstance(term["value"], str)
            assert not ("xml:lang" in term and "datatype" in term)
    return document


@pytest.mark.usefixtures("shared_graphs")
def test_query_table() -> None:
    result = ok(invoke(*RUTA_FOOD))
    assert "Smart Food Cluster" in result.stdout
    assert "National Food Cluster" in result.stdout
    assert result.stdout.rstrip().endswith("(2 rows)")


@pytest.mark.usefixtures("shared_graphs")
def test_query_json_is_sparql_results_json() -> None:
    document = _json_result(ok(invoke(*RUTA_FOOD, "--format", "json")))
    assert "cluster" in document["head"]["vars"]
    clusters = {b["cluster"]["value"] for b in document["results"]["bindings"]}
    assert clusters == FOOD_CLUSTERS
    assert all(b["cluster"]["type"] == "uri" for b in document["results"]["bindings"])


@pytest.mark.usefixtures("shared_graphs")
def test_query_csv_has_a_header_row() -> None:
    variables = _json_result(ok(invoke(*RUTA_FOOD, "--format", "json")))["head"]["vars"]
    result = ok(invoke(*RUTA_FOOD, "--format", "csv"))
    assert result.stdout_bytes.endswith(b"\r\n")  # SPARQL 1.1 CSV: CRLF line ends
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == variables
    clusters = {row[variables.index("cluster")] for row in rows[1:]}
    assert clusters == FOOD_CLUSTERS


@pytest.mark.usefixtures("shared_graphs")
def test_query_tsv() -> None:
    result = ok(invoke(*RUTA_FOOD, "--format", "tsv"))
    lines = result.stdout.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    assert header[0].startswith("?") and all(h.startswith("?") for h in header)
    assert len(lines) == 3
    column = header.index("?cluster")
    assert {line.split("\t")[column] for line in lines[1:]} == {f"<{c}>" for c in FOOD_CLUSTERS}


@pytest.mark.usefixtures("shared_graphs")
def test_query_markdown() -> None:
    result = ok(invoke(*RUTA_FOOD, "--format", "md"))
    lines = result.stdout.rstrip("\n").split("\n")
    assert lines[0].startswith("| ") and lines[0].endswith(" |")
    assert re.fullmatch(r"\|( --- \|)+", lines[1])
    assert len(lines) == 4
    assert any("Smart Food Cluster" in line for line in lines[2:])


@pytest.mark.usefixtures("shared_graphs")
@pytest.mark.parametrize("spelling", ["ruta", "RŪTA", "Rūta"])
def test_query_names_ignore_case_and_accents(spelling: str) -> None:
    args = [*RUTA_FOOD[:4], spelling, *RUTA_FOOD[5:], "--format", "csv"]
    rows = list(csv.DictReader(io.StringIO(ok(invoke(*args)).stdout)))
    assert {row["cluster"] for row in rows} == FOOD_CLUSTERS


@pytest.mark.usefixtures("shared_graphs")
def test_query_table_result_refuses_a_graph_format() -> None:
    assert "--format" in usage_error(invoke(*RUTA_FOOD, "--format", "ttl"))


# --- query: errors ---------------------------------------------------------------------------


def test_query_unknown_name_suggests_the_nearest() -> None:
    stderr = usage_error(invoke("query", "next-labels", "-p", "cluster", "FETEK"))
    assert "next-labels" in stderr
    assert re.search(r"did you mean:? next-label\b", stderr, re.IGNORECASE)


@pytest.mark.usefixtures("shared_graphs")
def test_query_missing_required_parameter() -> None:
    stderr = usage_error(invoke("query", "next-label"))
    assert "cluster" in stderr


@pytest.mark.usefixtures("shared_graphs")
def test_query_unknown_parameter() -> None:
    stderr = usage_error(
        invoke("query", "next-label", "-p", "cluster", "FETEK", "-p", "colour", "red")
    )
    assert "colour" in stderr


@pytest.mark.usefixtures("shared_graphs")
def test_query_parameter_given_twice() -> None:
    stderr = usage_error(
        invoke("query", "next-label", "-p", "cluster", "FETEK", "-p", "cluster", "iVita")
    )
    assert "cluster" in stderr


@pytest.mark.usefixtures("shared_graphs")
def test_query_ambiguous_name_lists_the_candidates() -> None:
    # "food" is a word of two cluster names: Smart Food Cluster, National Food Cluster.
    stderr = usage_error(invoke("query", "next-label", "-p", "cluster", "food"))
    assert "ambiguous" in stderr
    assert "Smart Food Cluster" in stderr
    assert "National Food Cluster" in stderr
    for iri in FOOD_CLUSTERS:
        assert iri in stderr


@pytest.mark.usefixtures("shared_graphs")
def test_query_unknown_name_says_did_you_mean() -> None:
    stderr = usage_error(invoke("query", "next-label", "-p", "cluster", "FETEKK"))
    assert "FETEKK" in stderr
    assert "Did you mean" in stderr
    assert "FETEK" in stderr.split("Did you mean", 1)[1]


def test_query_error_in_a_real_process_has_no_traceback() -> None:
    process = run_process("query", "no-such-query")
    assert process.returncode == 2
    assert process.stdout == ""
    assert "no-such-query" in process.stderr
    assert "Traceback" not in process.stderr


# --- sparql ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster_count(loaded_graph: Graph) -> int:
    return len(set(loaded_graph.subjects(RDF.type, CK.Cluster)))


@pytest.mark.usefixtures("shared_graphs")
def test_sparql_expression(cluster_count: int) -> None:
    rows = list(
        csv.reader(io.StringIO(ok(invoke("sparql", "-e", COUNT_CLUSTERS, "-f", "csv")).stdout))
    )
    assert rows == [["n"], [str(cluster_count)]]


@pytest.mark.usefixtures("shared_graphs")
def test_sparql_file(tmp_path: Path, cluster_count: int) -> None:
    query = tmp_path / "count.rq"
    query.write_text(f"# how many clusters\n{COUNT_CLUSTERS}\n", encoding="utf-8")
    document = _json_result(ok(invoke("sparql", str(query), "--format", "json")))
    assert document["head"]["vars"] == ["n"]
    assert document["results"]["bindings"][0]["n"]["value"] == str(cluster_count)


@pytest.mark.usefixtures("shared_graphs")
def test_sparql_from_standard_input(cluster_count: int) -> None:
    result = ok(invoke("sparql", "-", "-f", "tsv", input=COUNT_CLUSTERS))
    assert result.stdout.split("\n")[0] == "?n"
    assert str(cluster_count) in result.stdout.split("\n")[1]


@pytest.mark.usefixtures("shared_graphs")
@pytest.mark.parametrize("answer", [True, False])
def test_sparql_ask(answer: bool) -> None:
    cls = CK.Cluster if answer else CK.NoSuchClass
    result = ok(invoke("sparql", "-e", f"ASK {{ ?c a <{cls}> }}", "-f", "json"))
    document = json.loads(result.stdout)
    assert document["boolean"] is answer
    assert "head" in document
    assert "results" not in document


@pytest.mark.usefixtures("shared_graphs")
@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_sparql_construct(fmt: str, cluster_count: int) -> None:
    args = ["sparql", "-e", CONSTRUCT_CLUSTERS] + (["--format", fmt] if fmt != "ttl" else [])
    graph = Graph().parse(data=ok(invoke(*args)).stdout, format=RDFLIB_FORMAT[fmt])
    assert len(graph) == cluster_count
    assert (URIRef(CLUSTER + "smart-food-cluster"), RDF.type, CK.Cluster) in graph


@pytest.mark.usefixtures("shared_graphs")
def test_sparql_sees_inferred_triples() -> None:
    # org:memberOf is only stated through org:Membership nodes; reasoning derives it.
    query = (
        "ASK { <https://w3id.org/clusterkg/id/organisation/ruta> "
        "<http://www.w3.org/ns/org#memberOf> "
        f"<{CLUSTER}smart-food-cluster> }}"
    )
    assert json.loads(ok(invoke("sparql", "-e", query, "-f", "json")).stdout)["boolean"] is True


@pytest.mark.usefixtures("shared_graphs")
@pytest.mark.parametrize(
    ("query", "fmt"),
    [
        (CONSTRUCT_CLUSTERS, "csv"),
        (CONSTRUCT_CLUSTERS, "json"),
        (COUNT_CLUSTERS, "ttl"),
        (COUNT_CLUSTERS, "jsonld"),
    ],
)
def test_sparql_format_mismatch(query: str, fmt: str) -> None:
    assert "--format" in usage_error(invoke("sparql", "-e", query, "--format", fmt))


@pytest.mark.usefixtures("shared_graphs")
def test_sparql_syntax_error() -> None:
    stderr = usage_error(invoke("sparql", "-e", "SELEC ?s WHERE { ?s ?p ?o }"))
    assert "syntax error" in stderr.lower()
    assert "Traceback" not in stderr


def test_sparql_needs_exactly_one_query(tmp_path: Path) -> None:
    usage_error(invoke("sparql"))
    query = tmp_path / "q.rq"
    query.write_text(COUNT_CLUSTERS, encoding="utf-8")
    usage_error(invoke("sparql", str(query), "-e", COUNT_CLUSTERS))


def test_sparql_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.rq"
    assert str(missing) in usage_error(invoke("sparql", str(missing)))


# --- validate --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A copy of data/ where award:fetek-bronze-2018 lost its ck:tier; returns (folder, the
    line where that award's subject is written)."""
    folder = tmp_path_factory.mktemp("broken") / "data"
    return folder, copy_without_bronze_tier(folder)


@pytest.mark.usefixtures("shared_graphs")
def test_validate_bundled_data_conforms() -> None:
    result = ok(invoke("validate"))
    assert "Violation" not in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("conforms")


@pytest.mark.usefixtures("shared_graphs")
def test_validate_json(broken_data: tuple[Path, int]) -> None:
    document = json.loads(ok(invoke("validate", "--format", "json")).stdout)
    assert document["conforms"] is True
    assert document["violations"] == 0

    folder, line = broken_data
    result = invoke("validate", str(folder), "--format", "json")
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["conforms"] is False
    assert {
        "file": str(folder / "awards.trig"),
        "line": line,
        "severity": "Violation",
        "focus": "https://w3id.org/clusterkg/id/award/fetek-bronze-2018",
        "path": str(CK.tier),
    }.items() <= next(
        p for p in document["problems"] if p["focus"].endswith("/fetek-bronze-2018")
    ).items()


@pytest.mark.usefixtures("shared_graphs")
def test_validate_ttl(broken_data: tuple[Path, int]) -> None:
    report = Graph().parse(data=ok(invoke("validate", "--format", "ttl")).stdout, format="turtle")
    assert (None, SH.conforms, Literal(True)) in report

    result = invoke("validate", str(broken_data[0]), "--format", "ttl")
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    assert (None, SH.conforms, Literal(False)) in report
    assert (None, SH.resultPath, CK.tier) in report


WARNING_ONLY = ROOT / "tests" / "fixtures" / "shapes" / "invalid" / "cluster-without-sector.trig"


@pytest.mark.parametrize("fmt", ["ttl", "json", "text"])
def test_validate_warnings_only_does_not_conform_but_exits_0(fmt: str) -> None:
    """The SHACL specification: conforms is false when there is any result, warnings included
    (pySHACL's allow_warnings said true); the exit code still fails only on violations."""
    result = ok(invoke("validate", str(WARNING_ONLY), "--format", fmt))
    if fmt == "ttl":
        report = Graph().parse(data=result.stdout, format="turtle")
        assert (None, SH.conforms, Literal(False)) in report
        assert (None, SH.resultSeverity, SH.Warning) in report
        assert (None, SH.resultSeverity, SH.Violation) not in report
    elif fmt == "json":
        document = json.loads(result.stdout)
        assert (document["conforms"], document["violations"], document["warnings"]) == (
            False,
            0,
            1,
        )
    else:
        summary = result.stdout.strip().splitlines()[-1]
        assert summary == "no violations: 0 violation(s), 1 warning(s), 0 info"


@pytest.mark.usefixtures("shared_graphs")
@pytest.mark.parametrize("how", ["--data", "argument"])
def test_validate_broken_copy_reports_file_and_line(
    broken_data: tuple[Path, int], how: str
) -> None:
    folder, line = broken_data
    args = ["--data", str(folder), "validate"] if how == "--data" else ["validate", str(folder)]
    result = invoke(*args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    problems = result.stdout.strip().splitlines()[:-1]
    assert problems
    for problem in problems:
        assert re.match(r"^.+\.(ttl|trig):\d+: (Violation|Warning|Info): ", problem), problem
    expected = f"{folder / 'awards.trig'}:{line}: Violation: award:fetek-bronze-2018 ck:tier: "
    assert any(p.startswith(expected) for p in problems), problems
    assert result.stdout.strip().splitlines()[-1].startswith("does not conform")


# --- reason ----------------------------------------------------------------------------------


def _counts(stdout: str, profile: str) -> tuple[int, int, int]:
    lines = stdout.splitlines()
    asserted = re.fullmatch(r"asserted: (\d+) triples", lines[0])
    inferred = re.fullmatch(rf"inferred \({profile}\): (\d+) triples", lines[1])
    assert asserted and inferred, lines[:2]
    by_predicate = 0
    for line in lines[2:]:
        match = re.fullmatch(r"\s+(\d+)\s+\S+", line)
        if not match:
            break
        by_predicate += int(match.group(1))
    return int(asserted.group(1)), int(inferred.group(1)), by_predicate


@pytest.mark.usefixtures("shared_graphs")
@pytest.mark.parametrize("profile", ["owlrl", "rdfs"])
def test_reason_counts(profile: str, loaded_graph: Graph) -> None:
    args = ["reason"] if profile == "owlrl" else ["reason", "--profile", profile]
    asserted, inferred, by_predicate = _counts(ok(invoke(*args)).stdout, profile)
    assert asserted == len(loaded_graph)
    assert inferred > 0
    assert by_predicate == inferred


@pytest.mark.usefixtures("shared_graphs")
def test_reason_show_prints_the_inferred_triples_as_turtle(loaded_graph: Graph) -> None:
    stdout = ok(invoke("reason", "--show")).stdout
    _, inferred, _ = _counts(stdout, "owlrl")
    turtle = stdout[stdout.index("@prefix") :]
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) == inferred
    assert not any(triple in loaded_graph for triple in graph if not _has_blank(triple))
    ruta, smart = (
        URIRef("https://w3id.org/clusterkg/id/organisation/ruta"),
        URIRef(CLUSTER + "smart-food-cluster"),
    )
    assert (ruta, URIRef("http://www.w3.org/ns/org#memberOf"), smart) in graph


def _has_blank(triple: tuple[Any, Any, Any]) -> bool:
    return any(not isinstance(t, (URIRef, Literal)) for t in triple)


def test_reason_unknown_profile() -> None:
    result = invoke("reason", "--profile", "owl-full")
    assert result.exit_code == 2
    assert "owl-full" in result.stderr


# --- export ----------------------------------------------------------------------------------


def _description(asserted: Graph) -> Graph:
    """The VoID/DCAT description describe() gives for `asserted`, as an rdflib Graph."""
    store = LocalStore()
    graph = ox.NamedNode(ASSERTED)
    store.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]
        for s, p, o in asserted
    )
    out = Graph()
    for s, p, o in describe(LocalEngine(store), len(asserted)):
        out.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return out


def _expected_export(loaded_graph: Graph) -> Graph:
    expected = Graph()
    expected += loaded_graph
    expected += _description(loaded_graph)
    return expected


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_export_formats_parse(fmt: str, loaded_graph: Graph) -> None:
    text = ok(invoke("export", "--format", fmt)).stdout
    description = _description(loaded_graph)
    if fmt in ("nq", "trig"):
        dataset = Dataset()
        dataset.parse(data=text, format=RDFLIB_FORMAT[fmt])
        assert len(dataset.graph(URIRef(ASSERTED))) == len(loaded_graph)
        assert len(dataset.graph(URIRef(DESCRIPTION))) == len(description)
    else:
        graph = Graph().parse(data=text, format=RDFLIB_FORMAT[fmt])
        assert len(graph) == len(loaded_graph) + len(description)


def test_export_round_trip_is_isomorphic_and_keeps_unicode(loaded_graph: Graph) -> None:
    text = ok(invoke("export", "--format", "ttl")).stdout
    exported = Graph().parse(data=text, format="turtle")
    assert isomorphic(exported, _expected_export(loaded_graph))
    for name in ("Rūta", "Kęstutis Šetkus"):
        assert name in text
        assert any(str(o) == name for o in exported.objects() if isinstance(o, Literal)), name


@pytest.mark.usefixtures("shared_graphs")
def test_export_inferred_keeps_graphs_apart(loaded_graph: Graph) -> None:
    dataset = Dataset()
    dataset.parse(data=ok(invoke("export", "-f", "trig", "--inferred")).stdout, format="trig")
    asserted = dataset.graph(URIRef(ASSERTED))
    inferred = dataset.graph(URIRef(INFERRED))
    assert len(asserted) == len(loaded_graph)
    assert len(inferred) > 0
    assert not any(t in asserted for t in inferred if not _has_blank(t))


def test_export_twice_gives_identical_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "first.ttl", tmp_path / "second.ttl"
    ok(invoke("export", "--format", "ttl", "-o", str(first)))
    ok(invoke("export", "--format", "ttl", "-o", str(second)))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_text(encoding="utf-8") == ok(invoke("export", "--format", "ttl")).stdout


def test_export_is_identical_across_processes_and_hash_seeds() -> None:
    outputs = []
    for seed in ("1", "2"):
        process = run_process("export", "--format", "ttl", seed=seed)
        assert process.returncode == 0, process.stderr
        outputs.append(process.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0] == ok(invoke("export", "--format", "ttl")).stdout


def test_export_to_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "out.ttl"
    stderr = usage_error(invoke("export", "-o", str(target)))
    assert "no-such-folder" in stderr
    assert not target.exists()
    assert not target.parent.exists()


def test_export_refuses_to_overwrite_an_input_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    clusters = data / "clusters.trig"
    before = clusters.read_bytes()
    stderr = usage_error(invoke("--data", str(data), "export", "-o", str(clusters)))
    assert "clusters.trig" in stderr
    assert "input" in stderr
    assert clusters.read_bytes() == before
    assert sorted(p.name for p in data.iterdir()) == sorted(p.name for p in DATA.glob("*.trig"))


@pytest.fixture
def previous_export(tmp_path: Path) -> Iterator[Path]:
    """An output folder holding one earlier export, checked to be untouched afterwards."""
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "clusterkg.ttl"
    target.write_text("# the previous export\n", encoding="utf-8")
    yield target
    assert target.read_text(encoding="utf-8") == "# the previous export\n"
    assert [p.name for p in folder.iterdir()] == ["clusterkg.ttl"]  # no temporary file left


def test_export_failing_serialisation_leaves_the_file_untouched(
    previous_export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> str:
        raise RuntimeError("serialisation failed half-way")

    monkeypatch.setattr(clusterkg.output.serialise, "serialise", fail)
    monkeypatch.setattr(clusterkg.output.export, "serialise", fail)  # the name it imported
    result = invoke("export", "-o", str(previous_export))
    assert result.exit_code != 0


def test_export_failing_write_leaves_the_file_untouched(
    previous_export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # as write_atomic calls it
    stderr = usage_error(invoke("export", "-o", str(previous_export)))
    assert "No space left on device" in stderr


def test_export_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "clusterkg.nt"
    result = ok(invoke("export", "-f", "nt", "-o", str(target)))
    assert result.stdout == ""
    assert str(target) in result.stderr
    assert Graph().parse(target, format="nt")


# --- --data ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("shared_graphs")
def test_data_replaces_the_bundled_facts() -> None:
    data = ["--data", str(NEW_CLUSTER)]
    result = ok(invoke(*data, "validate"))
    assert result.stdout.startswith("conforms")

    document = _json_result(ok(invoke(*data, "query", "labelled-clusters", "-f", "json")))
    bindings = document["results"]["bindings"]
    assert [b["cluster"]["value"] for b in bindings] == [CLUSTER + "example-amber-cluster"]
    assert bindings[0]["issuer"]["value"] == ESCA

    statistics = ok(invoke(*data, "query", "statistics", "-f", "csv")).stdout
    rows = {row["metric"]: row["count"] for row in csv.DictReader(io.StringIO(statistics))}
    assert rows["clusters"] == "1"

    next_label = ok(invoke(*data, "query", "next-label", "-p", "cluster", "examber", "-f", "csv"))
    csv_rows = list(csv.DictReader(io.StringIO(next_label.stdout)))
    assert [r["nextTierName"] for r in csv_rows] == ["Silver"]


def test_data_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "missing.ttl"
    assert str(missing) in usage_error(invoke("--data", str(missing), "export"))


# --- one process, several commands (the Python API in a long-running program) -------------------


def test_commands_run_one_after_another_in_one_process() -> None:
    """Reasoning must not break later loads in the same process (a notebook, a server, tests).

    owlrl swaps rdflib's literal converters process-wide; afterwards the valid
    "--05"^^xsd:gMonth of data/awards.ttl is read as ill-typed and every load fails.
    """
    ok(invoke("--data", str(NEW_CLUSTER), "reason"))
    ok(invoke("export", "--format", "nt"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-query"], "no stored query named 'no-such-query'"),
        (["next-label", "-p", "clustr", "FETEK"], "next-label has no parameter clustr"),
        (["next-label"], "next-label needs cluster"),
    ],
)
def test_a_wrong_query_name_or_parameter_is_said_before_anything_is_built(
    tmp_path: Path, args: list[str], message: str
) -> None:
    """The data file cannot even be parsed: only a check made before building gets to speak."""
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not Turtle\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--no-cache", "--data", str(broken), "query", *args])
    assert result.exit_code == 2
    assert message in result.output and "broken.ttl" not in result.output


def test_a_repeated_parameter_is_said_before_the_query_name_is_looked_up(tmp_path: Path) -> None:
    """A parameter given twice is wrong whatever the query: said first, before building."""
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not Turtle\n", encoding="utf-8")
    args = ["query", "no-such-query", "-p", "a", "1", "-p", "b", "2", "-p", "a", "3"]
    result = CliRunner().invoke(cli, ["--no-cache", "--data", str(broken), *args])
    assert result.exit_code == 2
    assert result.stderr == "clusterkg: error: parameter a given more than once\n"


def test_commands_load_the_graph_with_the_loader_of_their_settings(tmp_path: Path) -> None:
    """Settings given as click's obj keep their loader; the options before the command decide
    the rest, and each command says what it reads."""
    calls: list[tuple[Any, dict[str, Any]]] = []

    def load(data: Any, **options: Any) -> Any:
        calls.append((data, options))
        raise ClusterKGError("not loaded")

    # --reasoner owlrl: the earlier name of the reference reasoner, still accepted
    args = [
        "--no-cache",
        "--reasoner",
        "owlrl",
        "--reader",
        "reference",
        "--data",
        str(NEW_CLUSTER),
    ]
    for command in (["validate", str(tmp_path)], ["reason", "--profile", "rdfs"]):
        result = CliRunner().invoke(cli, [*args, *command], obj=Settings(load=load))
        assert (result.exit_code, result.stderr) == (2, "clusterkg: error: not loaded\n")
    assert calls == [
        (
            [tmp_path],
            dict(
                profile="owlrl",
                bundle=None,  # outside a workspace: the bundled files
                cache=None,
                reasoner="owlrl",
                keep_ill_typed=True,
                reads_every_triple=True,
                reader="reference",
                reasoning=False,
            ),
        ),
        (
            [NEW_CLUSTER],
            dict(
                profile="rdfs",
                bundle=None,
                cache=None,
                reasoner="owlrl",
                keep_ill_typed=False,
                reads_every_triple=False,
                reader="reference",
                reasoning=True,
            ),
        ),
    ]
