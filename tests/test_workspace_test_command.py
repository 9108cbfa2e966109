"""`clusterkg test`: a workspace's queries against the expected results written beside them, and
every -violation query empty. The expected rows here are written by hand from the example data
that `clusterkg init` writes (data/example.trig: one cluster, Example Food Cluster, food, 2021)
and from the second cluster each test adds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clusterkg.cli import cli
from clusterkg.workspace.init import create

BASE = "https://example.org/agency/id/"
HEADER = "cluster,name,founded,sector\n"
EXAMPLE = f"{BASE}cluster/example-food-cluster"
FOOD = "https://w3id.org/clusterkg/id/sector/food"

# A second cluster of the team, founded in 2019, of no sector (validity is not what is tested).
SECOND = f"""\
<{BASE}statement/second> {{
    <{BASE}cluster/second> a <https://w3id.org/clusterkg/ontology#Cluster> ;
        <http://www.w3.org/2004/02/skos/core#prefLabel> "A Second Cluster"@en ;
        <https://schema.org/foundingDate> "2019"^^<http://www.w3.org/2001/XMLSchema#gYear> .
}}
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "agency"
    create(root, "Agency", BASE, bundled_facts=False)
    (root / "data" / "second.trig").write_text(SECOND, "utf-8")
    monkeypatch.chdir(root)
    yield root


def run_tests() -> Result:
    return CliRunner().invoke(cli, ["test"], catch_exceptions=True)


def expect(workspace: Path, text: str, name: str = "our-clusters.expected.csv") -> None:
    (workspace / "queries" / name).write_text(text, "utf-8")


def test_the_example_passes_with_curies_and_full_iris(workspace: Path) -> None:
    # with no sector given, the sector column (the parameter) is unbound: an empty cell
    (workspace / "queries" / "our-clusters.expected-all.csv").write_text(
        "# parameters:\n"
        "name,cluster,sector,founded\n"  # the columns in another order than the query's
        f"A Second Cluster,<{BASE}cluster/second>,,2019\n"
        f"Example Food Cluster,{EXAMPLE},,2021\n",
        "utf-8",
    )
    result = run_tests()
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[:2] == [
        "PASS  our-clusters  (queries/our-clusters.expected-all.csv)",
        "PASS  our-clusters  (queries/our-clusters.expected.csv, sector=food)",
    ]
    # and the two bundled -violation queries
    assert result.stdout.splitlines()[-1].startswith("4 passed, 0 failed in ")


def test_a_wrong_row_fails_with_the_missing_and_unexpected_rows(workspace: Path) -> None:
    expect(workspace, f"{HEADER}{EXAMPLE},Example Food Cluster,2020,sector:food\n")
    result = run_tests()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:5] == [
        "FAIL  our-clusters  (queries/our-clusters.expected.csv, sector=food)",
        "      missing (expected, not given):",
        f"        {EXAMPLE}, Example Food Cluster, 2020, sector:food",
        "      unexpected (given, not expected):",
        f"        {EXAMPLE}, Example Food Cluster, 2021, sector:food",
    ]
    assert result.stdout.splitlines()[-1].startswith("2 passed, 1 failed in ")


def test_rows_in_another_order_fail_when_the_query_orders_them(workspace: Path) -> None:
    # ORDER BY LCASE(?name): "A Second Cluster" comes first
    expect(
        workspace,
        f"# parameters:\n{HEADER}{EXAMPLE},Example Food Cluster,2021,\n"
        f"<{BASE}cluster/second>,A Second Cluster,2019,\n",
    )
    result = run_tests()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:7] == [
        "FAIL  our-clusters  (queries/our-clusters.expected.csv)",
        "      the rows are right but in another order (the query has ORDER BY; "
        "`# order: any` in the file compares them as a set):",
        "      expected:",
        f"        {EXAMPLE}, Example Food Cluster, 2021, (unbound)",
        f"        {BASE}cluster/second, A Second Cluster, 2019, (unbound)",
        "      given:",
        f"        {BASE}cluster/second, A Second Cluster, 2019, (unbound)",
    ]


def test_order_any_compares_the_rows_as_a_set(workspace: Path) -> None:
    expect(
        workspace,
        f"# order: any\n# parameters:\n{HEADER}{EXAMPLE},Example Food Cluster,2021,\n"
        f"<{BASE}cluster/second>,A Second Cluster,2019,\n",
    )
    result = run_tests()
    assert result.exit_code == 0, result.stdout
    assert "PASS  our-clusters  (queries/our-clusters.expected.csv)" in result.stdout


def test_a_violation_query_that_gives_rows_fails(workspace: Path) -> None:
    (workspace / "queries" / "founded-before-2020-violation.rq").write_text(
        "#+ title: Clusters founded before 2020 (none may be)\n"
        "SELECT ?cluster WHERE {\n"
        "  ?cluster a <https://w3id.org/clusterkg/ontology#Cluster> ;\n"
        "           <https://schema.org/foundingDate> ?year .\n"
        '  FILTER(STR(?year) < "2020") }\n',
        "utf-8",
    )
    result = run_tests()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[2:5] == [
        "FAIL  founded-before-2020-violation  (1 row(s), must give none)",
        "      rows (cluster):",
        f"        {BASE}cluster/second",
    ]
    assert "PASS  our-clusters  (queries/our-clusters.expected.csv, sector=food)" in result.stdout


def test_a_query_without_expected_results_is_said(workspace: Path) -> None:
    (workspace / "queries" / "our-clusters.expected.csv").unlink()
    result = run_tests()
    assert result.exit_code == 0
    assert "SKIP  our-clusters  (no our-clusters.expected.csv beside it)" in result.stdout


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        (
            "our-clusters.expected.csv",
            f"# written by hand\n{HEADER}{EXAMPLE},Example Food Cluster\n",
            "queries/our-clusters.expected.csv:3: 2 cell(s) in this row, 4 columns in the header",
        ),
        (
            "our-clusters.expected.csv",
            f"# parameters: colour=red\n{HEADER}",
            "queries/our-clusters.expected.csv:1: our-clusters has no parameter colour",
        ),
        (
            "our-custers.expected.csv",
            HEADER,
            "queries/our-custers.expected.csv: expected results of no stored query "
            "(no our-custers.rq beside it)",
        ),
    ],
)
def test_expected_results_that_cannot_be_used_exit_2(
    workspace: Path, name: str, text: str, error: str
) -> None:
    expect(workspace, text, name)
    result = run_tests()
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("clusterkg: error: ")
    assert error in result.stderr, result.stderr


def test_outside_a_workspace_test_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_tests()
    assert result.exit_code == 2
    assert "clusterkg test checks a workspace" in result.stderr
