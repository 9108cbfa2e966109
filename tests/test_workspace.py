"""The workspace: its config file (every mistake a one-line error naming the file and line), how
commands find it, `clusterkg init`, and its data, queries and shapes in the graph (validate,
query, the server's stored-query path).

Most workspaces here leave the bundled facts out (`bundled-facts = false`): the graphs stay small
and the tests fast. The ones about the bundled facts as context keep them in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_process
from click.testing import CliRunner, Result

from clusterkg.cli import cli
from clusterkg.cli.settings import Settings
from clusterkg.errors import InputError
from clusterkg.inputs.bundle import bundled
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.resolve import Resolver
from clusterkg.server.site import Paths
from clusterkg.server.stored import RunStored
from clusterkg.server.tasks import Served
from clusterkg.workspace import CONFIG_NAME, Workspace, find_workspace
from clusterkg.workspace.init import create

BASE = "https://example.org/agency/id/"
EXAMPLE_CLUSTER = BASE + "cluster/example-food-cluster"
ROOT = Path(__file__).resolve().parents[1]


def _new_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, facts: bool) -> Path:
    root = tmp_path / "agency"
    create(root, "Agency", BASE, bundled_facts=facts)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new workspace without the bundled facts, the current folder."""
    return _new_workspace(tmp_path, monkeypatch, facts=False)


@pytest.fixture
def with_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new workspace with the bundled facts, the current folder."""
    return _new_workspace(tmp_path, monkeypatch, facts=True)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def config(tmp_path: Path, text: str) -> Path:
    (tmp_path / CONFIG_NAME).write_text(text, encoding="utf-8")
    return tmp_path


# --- the config file ------------------------------------------------------------------------------


def test_a_config_with_defaults_is_read(tmp_path: Path) -> None:
    read = Workspace.read(
        config(tmp_path, '[workspace]\nname = "MITA"\nbase = "https://mita.lt/id/"\n')
    )
    assert read.config.name == "MITA" and read.config.bundled_facts is True


HEAD = '[workspace]\nname = "A"\nbase = "https://a/"\n'


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (
            '[workspace]\nname = "A"\nbase = "https://a/"\ncolour = "red"\n',
            4,
            "unknown key 'colour'",
        ),
        (
            '[workspace]\nname = "A"\nbase = "https://a/"\nbundled-facts = "yes"\n',
            4,
            "true or false",
        ),
        ('[workspace]\nbase = "https://a/"\n', 1, "has no name"),
        (
            '[workspace]\nname = "A"\nbase = "https://a/"\n[other]\n',
            4,
            "unknown table or key 'other'",
        ),
        ('[workspace]\nname = "A"\nbase = "https://a"\n', 3, "ending in / or #"),
        ('[workspace]\nname = "A"\nbase = "a/"\n', 3, "absolute IRI"),
        ('[workspace]\nname = "A\nbase = "https://a/"\n', 2, "not valid TOML"),
        ('name = "A"\n', 1, "no [workspace] table"),
    ],
)
def test_config_mistakes_name_the_file_and_line(
    tmp_path: Path, text: str, line: int, says: str
) -> None:
    with pytest.raises(InputError) as raised:
        Workspace.read(config(tmp_path, text))
    assert str(raised.value).startswith(f"{tmp_path / CONFIG_NAME}:{line}: ")
    assert says in str(raised.value)


def test_a_config_mistake_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config(tmp_path, '[workspace]\nname = 3\nbase = "https://a/"\n')
    result = invoke("--workspace", str(tmp_path), "queries")
    assert result.exit_code == 2
    assert result.stderr == (
        f"clusterkg: error: {tmp_path / CONFIG_NAME}:2: name must be a name, e.g. "
        'name = "MITA"; found an integer (3)\n'
    )


def test_the_workspace_is_found_from_a_folder_below_it(workspace: Path) -> None:
    found = find_workspace(workspace / "data")
    assert found is not None and found.root == workspace and found.config.name == "Agency"
    assert find_workspace(workspace.parent) is None


# --- clusterkg init -------------------------------------------------------------------------------


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 2 and "not empty and not a workspace" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_never_overwrites_a_workspace(workspace: Path) -> None:
    before = (workspace / CONFIG_NAME).read_bytes()
    result = invoke("init", str(workspace), "--name", "Other")
    assert result.exit_code == 2 and "already a workspace" in result.stderr
    assert (workspace / CONFIG_NAME).read_bytes() == before


def test_init_fills_an_empty_folder_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    result = invoke("init", str(tmp_path / "team"), "--no-bundled-facts")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team"]
    read = Workspace.read(tmp_path / "team")
    assert (read.config.name, read.config.base, read.config.bundled_facts) == (
        "team",
        "https://example.org/team/id/",
        False,
    )
    for relative in ("data/example.trig", "queries/our-clusters.rq", "shapes/example.ttl"):
        assert relative in result.stdout


def test_init_refuses_a_base_that_is_not_an_absolute_iri(tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "team"), "--base", "example.org/id")
    assert result.exit_code == 2 and "--base must be an absolute IRI" in result.stderr
    assert not (tmp_path / "team").exists()


def test_a_new_workspace_validates_and_its_tests_pass_from_a_subfolder(tmp_path: Path) -> None:
    """The real command line, as a team types it: init, then validate and test from inside."""
    made = run_process("init", str(tmp_path / "agency"), "--base", BASE)
    assert made.returncode == 0, made.stderr
    inside = tmp_path / "agency" / "queries"
    validated = run_in(inside, "validate")
    assert (validated.returncode, validated.stdout) == (
        0,
        "conforms: 0 violation(s), 0 warning(s), 0 info\n",
    )
    tested = run_in(inside, "test")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "PASS  our-clusters  (our-clusters.expected.csv, sector=food)" in tested.stdout
    assert "PASS  reported-figure-violation  (no rows)" in tested.stdout
    assert "Traceback" not in tested.stderr


def run_in(folder: Path, *args: str) -> Any:
    old = Path.cwd()
    os.chdir(folder)
    try:
        return run_process(*args)
    finally:
        os.chdir(old)


# --- the workspace's queries ----------------------------------------------------------------------


def test_workspace_queries_are_listed_and_run(workspace: Path) -> None:
    listed = invoke("queries")
    assert "our-clusters  Our clusters" in listed.stdout and "labelled-clusters" in listed.stdout
    result = invoke("query", "our-clusters", "-p", "sector", "food", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "cluster,name,founded,sector",
        f"{EXAMPLE_CLUSTER},Example Food Cluster,2021,https://w3id.org/clusterkg/id/sector/food",
    ]


def test_a_workspace_query_named_as_a_bundled_one_is_an_error_naming_both(workspace: Path) -> None:
    clash = workspace / "queries" / "labelled-clusters.rq"
    clash.write_text("#+ title: Ours\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    result = invoke("queries")
    assert result.exit_code == 2
    assert str(clash) in result.stderr
    assert str(bundled().queries / "labelled-clusters.rq") in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_workspace_query_with_a_bad_header_is_refused(workspace: Path) -> None:
    (workspace / "queries" / "bad.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n", "utf-8")
    result = invoke("query", "our-clusters")
    assert (
        result.exit_code == 2 and "bad.rq: stored query has no '#+ title:' header" in result.stderr
    )


def test_the_servers_stored_query_path_runs_workspace_queries(workspace: Path) -> None:
    found = find_workspace(workspace)
    assert found is not None
    kg = KnowledgeGraph.load(bundle=bundled().with_workspace(found), cache=None).with_closure()
    served = Served(kg.engine, kg.bundle, Resolver.of_build(kg.engine, None), BASE)
    task = RunStored("our-clusters", (("sector", "food"),), "text/csv", 10, Paths())
    reply = task.run(served)
    assert reply.status == 200, reply.body
    assert EXAMPLE_CLUSTER in reply.body.decode()


# --- the workspace's data and shapes --------------------------------------------------------------


def test_data_replaces_the_workspace_data_too(workspace: Path) -> None:
    other = workspace.parent / "other.ttl"
    other.write_text("<urn:x> <urn:p> 1 .\n", encoding="utf-8")
    result = invoke("--data", str(other), "query", "our-clusters", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "cluster,name,founded,sector\n"


def test_an_extra_shape_catches_a_violation_in_the_workspace_data(workspace: Path) -> None:
    data = workspace / "data" / "example.trig"
    text = data.read_text("utf-8")
    data.write_text(text.replace("        ck:sector sector:food ;\n", ""), "utf-8")
    line = 1 + text.splitlines().index("    cluster:example-food-cluster a ck:Cluster ;")
    for validator in ("fast", "reference"):
        result = invoke("--validator", validator, "validate")
        assert result.exit_code == 1, (validator, result.stdout, result.stderr)
        assert (
            f"data/example.trig:{line}: Violation: {EXAMPLE_CLUSTER} -: Our clusters say which "
            "sector they work in"
        ) in result.stdout, validator


def test_a_shapes_file_that_is_not_turtle_is_an_error_naming_its_line(workspace: Path) -> None:
    broken = workspace / "shapes" / "broken.ttl"
    broken.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:s> a sh:NodeShape ;\n"
        "    sh:targetClass <urn:c>\n"  # no ";": line 4 is where the parser finds out
        "    sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .\n",
        "utf-8",
    )
    for validator in ("fast", "reference"):
        result = invoke("--validator", validator, "validate")
        assert result.exit_code == 2
        assert result.stderr.startswith(
            "clusterkg: error: shapes/broken.ttl:4: the shapes are not valid Turtle"
        ), result.stderr


def test_a_shape_the_fast_validator_refuses_names_its_file_and_line(workspace: Path) -> None:
    (workspace / "shapes" / "broken.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n"
        "<urn:x:s> a sh:NodeShape ;\n    sh:targetClass <urn:x:c> ;\n    sh:minCount 1 .\n",
        "utf-8",
    )
    result = invoke("--validator", "fast", "validate")
    assert result.exit_code == 2
    assert result.stderr.startswith("clusterkg: error: shapes/broken.ttl:3: "), result.stderr


# --- validate FILE in the context of the workspace ------------------------------------------------

FETEK_GOLD = (Path(__file__).parent / "fixtures" / "workspace" / "fetek-gold.trig").read_text(
    encoding="utf-8"
)

# A cluster with no name: two violations (no name, none in English), on line 5, where it is
# described.
UNNAMED = """\
@prefix ck: <https://w3id.org/clusterkg/ontology#> .
@prefix evidence: <https://w3id.org/clusterkg/id/evidence/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://example.org/agency/id/statement/unnamed> {
<https://example.org/agency/id/cluster/unnamed> a ck:Cluster ;
    ck:sector <https://w3id.org/clusterkg/id/sector/food> .
}
<https://example.org/agency/id/statement/unnamed> a ck:StatementGroup ;
    prov:wasDerivedFrom <https://example.org/news/unnamed> ;
    ck:evidence evidence:confirmed .
<https://example.org/news/unnamed> a ck:WebSource .
"""


def test_a_file_is_validated_with_the_bundled_facts_of_the_workspace(with_facts: Path) -> None:
    """The issue's case: a Gold award for FETEK points at a cluster the bundled facts describe
    (and FETEK's Silver label, which Gold needs, is there too)."""
    (with_facts / "fetek-gold.trig").write_text(FETEK_GOLD, "utf-8")
    result = invoke("validate", "fetek-gold.trig")
    assert (result.exit_code, result.stdout) == (
        0,
        "conforms: 0 violation(s), 0 warning(s), 0 info\n",
    ), result.stderr
    assert "checked alone" not in result.stderr
    alone = invoke("--workspace", str(with_facts), "--data", "fetek-gold.trig", "validate")
    assert (
        "needs exactly one ck:awardedTo" in alone.stdout
    )  # without the context: the cluster is unknown


def test_validate_file_reports_only_that_files_problems(workspace: Path) -> None:
    (workspace / "data" / "unnamed.trig").write_text(UNNAMED, "utf-8")
    (workspace / "unnamed-too.trig").write_text(UNNAMED.replace("unnamed", "other"), "utf-8")
    result = invoke("validate", "unnamed-too.trig")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert {line.split(": ")[0] for line in lines[:-1]} == {"unnamed-too.trig:5"}
    # the other file's cluster has no name, nor one in English: 2 problems
    assert "2 problem(s) in the rest of the graph not shown" in result.stderr
    whole = invoke("validate")
    assert {line.split(": ")[0] for line in whole.stdout.splitlines()[:-1]} == {
        "data/unnamed.trig:5"
    }


def test_validate_in_context_outside_a_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fetek-gold.trig").write_text(FETEK_GOLD, "utf-8")
    alone = invoke("validate", "fetek-gold.trig")
    assert alone.exit_code == 1 and "needs exactly one ck:awardedTo" in alone.stdout
    assert "checked alone" in alone.stderr and "--in-context" in alone.stderr
    result = invoke("validate", "--in-context", "fetek-gold.trig")
    assert (result.exit_code, result.stdout) == (
        0,
        "conforms: 0 violation(s), 0 warning(s), 0 info\n",
    ), result.stderr


def test_a_change_to_the_workspace_data_is_seen_through_the_build_cache(workspace: Path) -> None:
    def names() -> str:
        result = invoke("query", "our-clusters", "-f", "csv")
        assert result.exit_code == 0, result.stderr
        return result.stdout.splitlines()[1].split(",")[1]

    assert names() == "Example Food Cluster"
    data = workspace / "data" / "example.trig"
    data.write_text(data.read_text("utf-8").replace('"Example Food', '"Renamed Food'), "utf-8")
    assert names() == "Renamed Food Cluster"


def test_with_an_endpoint_the_workspace_queries_are_offered_too(workspace: Path) -> None:
    """--endpoint runs the stored queries on a server: the workspace's are among them (no
    request is made to list them)."""
    found = find_workspace(workspace)
    settings = Settings(workspace=found, endpoint="http://127.0.0.1:9/query")
    remote = settings.remote()
    assert remote is not None
    assert {"our-clusters", "labelled-clusters"} <= set(remote.catalogue.names())


def test_imported_and_bundled_facts_answer_together(with_facts: Path) -> None:
    """The issue's closing path: a team's sheet imported into data/, then a bundled query
    answers from the bundled facts and the imported ones (Rūta: the two bundled food clusters,
    and the cluster the sheet adds)."""
    (with_facts / "clusters.csv").write_text(
        "name,country,sectors\nBaltic Agri Cluster,LT,Food\n", "utf-8"
    )
    (with_facts / "members.csv").write_text(
        "cluster,company,role\nBaltic Agri Cluster,Rūta,Member\n", "utf-8"
    )
    for sheet in ("clusters", "members"):
        made = invoke("import", f"{sheet}.csv", "-o", f"data/{sheet}.trig")
        assert made.exit_code == 0, made.stderr
    result = invoke("query", "clusters-of-company", "-p", "company", "Rūta", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    clusters = {line.split(",")[0] for line in result.stdout.splitlines()[1:]}
    assert clusters == {
        BASE + "cluster/baltic-agri-cluster",
        "https://w3id.org/clusterkg/id/cluster/national-food-cluster",
        "https://w3id.org/clusterkg/id/cluster/smart-food-cluster",
    }
    assert invoke("validate").exit_code == 0
