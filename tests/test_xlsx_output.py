"""Results people can take away: `query|sparql … -f xlsx -o FILE` and `validate -f xlsx`.

Every workbook here is a real .xlsx file written by the CLI and read back with openpyxl (and once
by LibreOffice, a spreadsheet program that is not the library that wrote it). The expected
values are written by hand from data/ (queries/clusters-of-company.rq's answer for Rūta and
food, the 2018 awards of data/awards.trig).
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pyoxigraph as ox
import pytest
from cli_support import copy_without_bronze_tier
from click.testing import CliRunner, Result
from openpyxl.worksheet.worksheet import Worksheet

from clusterkg.cli import cli
from clusterkg.engine import Answer
from clusterkg.output.answer_workbook import Asked, write_answer

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CKID = "https://w3id.org/clusterkg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
pytestmark = pytest.mark.usefixtures("shared_graphs")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
    return result


def values(sheet: Worksheet) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def about(sheet: Worksheet) -> dict[str, Any]:
    """The Query or Summary sheet as {label: value}."""
    return {row[0]: row[1] for row in values(sheet) if row and row[0] is not None}


# --- a stored query's answer ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def food_clusters_of_ruta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "ruta food.xlsx"
    args = ["query", "clusters-of-company", "-p", "company", "Rūta", "-p", "sector", "food"]
    ok(invoke(*args, "-f", "xlsx", "-o", str(path)))
    return path


def test_the_two_food_clusters_of_ruta_are_the_rows_of_the_results_sheet(
    food_clusters_of_ruta: Path,
) -> None:
    workbook = openpyxl.load_workbook(food_clusters_of_ruta)
    assert workbook.sheetnames == ["Results", "Query"]
    rows = values(workbook["Results"])
    assert rows[0] == ["cluster", "name", "sectors", "evidence", "company", "sector"]
    # data/memberships.trig: Rūta is a member of both food clusters of data/clusters.trig
    assert sorted((r[0], r[1], r[4], r[5]) for r in rows[1:]) == [
        (
            "cluster:national-food-cluster",
            "National Food Cluster",
            "organisation:ruta",
            "sector:food",
        ),
        ("cluster:smart-food-cluster", "Smart Food Cluster", "organisation:ruta", "sector:food"),
    ]


def test_curies_link_to_their_full_iris_and_the_header_is_bold_and_frozen(
    food_clusters_of_ruta: Path,
) -> None:
    sheet = openpyxl.load_workbook(food_clusters_of_ruta)["Results"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    links = {
        c.value: c.hyperlink.target
        for row in sheet.iter_rows(min_row=2)
        for c in row
        if c.hyperlink
    }
    assert links == {
        "cluster:national-food-cluster": CKID + "cluster/national-food-cluster",
        "cluster:smart-food-cluster": CKID + "cluster/smart-food-cluster",
        "organisation:ruta": CKID + "organisation/ruta",
        "sector:food": CKID + "sector/food",
    }
    assert sheet.auto_filter.ref == "A1:F3"


def test_the_query_sheet_says_what_was_asked_when_and_how_many_rows_came(
    food_clusters_of_ruta: Path,
) -> None:
    written = dt.datetime.fromtimestamp(food_clusters_of_ruta.stat().st_mtime, dt.timezone.utc)
    record = about(openpyxl.load_workbook(food_clusters_of_ruta)["Query"])
    assert record["query"] == "clusters-of-company"
    assert record["title"] == "Clusters a company belongs to"
    assert record["parameter company"] == "Rūta"
    assert record["parameter sector"] == "food"
    assert record["graph"] == "the bundled facts"
    assert record["rows"] == 2
    assert record["cut by --max-rows"] == "no"
    ran = record["ran at (UTC)"]
    assert isinstance(ran, dt.datetime)
    assert abs((written.replace(tzinfo=None) - ran).total_seconds()) < 120


def test_years_are_numbers_a_spreadsheet_can_compute_with(tmp_path: Path) -> None:
    path = tmp_path / "awards.xlsx"
    ok(invoke("query", "awards-in-year", "-p", "year", "2018", "-f", "xlsx", "-o", str(path)))
    rows = values(openpyxl.load_workbook(path)["Results"])
    header, body = rows[0], rows[1:]
    # data/awards.trig, lines 77-98: the eight Bronze labels awarded in 2018
    assert sorted(r[header.index("award")] for r in body) == [
        "award:fetek-bronze-2018",
        "award:ivita-bronze-2018",
        "award:laugea-bronze-2018",
        "award:litek-bronze-2018",
        "award:lithuanian-plastic-cluster-bronze-2018",
        "award:national-food-cluster-bronze-2018",
        "award:smart-food-cluster-bronze-2018",
        "award:vilnius-film-cluster-bronze-2018",
    ]
    assert {r[header.index("year")] for r in body} == {2018}
    assert {r[header.index("tierName")] for r in body} == {"Bronze"}


def test_max_rows_is_recorded_in_the_query_sheet(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    args = ["query", "awards-in-year", "-p", "year", "2018", "--max-rows", "3"]
    result = ok(invoke(*args, "-f", "xlsx", "-o", str(path)))
    workbook = openpyxl.load_workbook(path)
    assert len(values(workbook["Results"])) == 1 + 3
    record = about(workbook["Query"])
    assert record["rows"] == 3
    assert record["cut by --max-rows"] == "yes: the first 3 rows; more matched"
    assert "truncated at 3 rows" in result.stderr


# --- typed literals, text that looks like something else -----------------------------------------

TYPED = f"""SELECT * WHERE {{ VALUES (?integer ?decimal ?double ?date ?moment ?local ?yes ?year
  ?name ?formula ?huge ?nan ?month ?old ?control) {{ (
  42 12.50 "1.5E0"^^<{XSD}double> "2018-05-01"^^<{XSD}date>
  "2018-05-01T10:30:00+02:00"^^<{XSD}dateTime> "2018-05-01T10:30:00"^^<{XSD}dateTime>
  true "2019"^^<{XSD}gYear> "Vilniaus klasteris"@lt
  "=HYPERLINK(\\"http://example.org\\")" 123456789012345678901 "NaN"^^<{XSD}double>
  "--05"^^<{XSD}gMonth> "1850-01-01"^^<{XSD}date> "a\\u0001b" ) }} }}"""


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, openpyxl.cell.Cell]:
    path = tmp_path_factory.mktemp("typed") / "typed.xlsx"
    ok(invoke("sparql", "-e", TYPED, "-f", "xlsx", "-o", str(path)))
    sheet = openpyxl.load_workbook(path)["Results"]
    return {h.value: c for h, c in zip(sheet[1], sheet[2], strict=True)}


def test_numbers_dates_and_booleans_are_cells_of_their_type(typed: dict[str, Any]) -> None:
    assert (typed["integer"].value, typed["integer"].data_type) == (42, "n")
    assert float(typed["decimal"].value) == 12.5
    assert typed["double"].value == 1.5
    assert typed["date"].value == dt.datetime(2018, 5, 1)
    assert typed["date"].number_format == "yyyy-mm-dd"
    assert typed["yes"].value is True
    assert (typed["year"].value, typed["year"].number_format) == (2019, "0")


def test_a_moment_with_a_time_zone_is_shown_in_utc_and_says_so(typed: dict[str, Any]) -> None:
    assert typed["moment"].value == dt.datetime(2018, 5, 1, 8, 30)  # 10:30 at +02:00
    assert "UTC" in typed["moment"].number_format
    assert typed["local"].value == dt.datetime(2018, 5, 1, 10, 30)
    assert "UTC" not in typed["local"].number_format


def test_what_a_spreadsheet_cannot_hold_exactly_stays_text(typed: dict[str, Any]) -> None:
    assert typed["huge"].value == "123456789012345678901"  # past Excel's 15 digits
    assert typed["nan"].value == "NaN"
    assert typed["month"].value == "--05"
    assert typed["old"].value == "1850-01-01"  # before Excel's calendar starts
    assert typed["name"].value == "Vilniaus klasteris"


def test_a_value_that_looks_like_a_formula_is_text(typed: dict[str, Any]) -> None:
    assert typed["formula"].data_type == "s"
    assert typed["formula"].value == '=HYPERLINK("http://example.org")'


def test_a_control_character_is_shown_escaped(typed: dict[str, Any]) -> None:
    assert typed["control"].value == "a\\u0001b"


def test_an_ask_answer_is_one_boolean_cell(tmp_path: Path) -> None:
    path = tmp_path / "ask.xlsx"
    ok(
        invoke(
            "sparql", "-e", f"ASK {{ <{CKID}cluster/fetek> ?p ?o }}", "-f", "xlsx", "-o", str(path)
        )
    )
    assert values(openpyxl.load_workbook(path)["Results"]) == [["result"], [True]]


def test_a_construct_answer_is_a_sheet_of_triples(tmp_path: Path) -> None:
    path = tmp_path / "construct.xlsx"
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    query = (
        f"CONSTRUCT {{ ?c {label} ?n }} WHERE {{ "
        f"VALUES ?c {{ <{CKID}cluster/fetek> }} ?c {label} ?n }}"
    )
    ok(invoke("sparql", "-e", query, "-f", "xlsx", "-o", str(path)))
    workbook = openpyxl.load_workbook(path)
    # data/clusters.trig: FETEK's one English name
    assert values(workbook["Results"]) == [
        ["subject", "predicate", "object"],
        ["cluster:fetek", "skos:prefLabel", "FETEK"],
    ]
    assert about(workbook["Query"])["triples"] == 1


# --- -o: atomic, never an input; xlsx never to a terminal ----------------------------------------


def test_o_writes_every_format_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ruta.csv"
    args = ["query", "clusters-of-company", "-p", "company", "Rūta", "-p", "sector", "food"]
    result = ok(invoke(*args, "-f", "csv", "-o", str(path)))
    assert result.stdout == ""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "cluster,name,sectors,evidence,company,sector"
    assert sorted(line.split(",")[1] for line in lines[1:]) == [
        "National Food Cluster",
        "Smart Food Cluster",
    ]


def test_a_failed_query_leaves_the_existing_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "kept.ttl"
    path.write_text("kept\n", encoding="utf-8")
    # a SELECT in a graph format fails once the query has run, after the file was opened
    result = invoke(
        "sparql", "-e", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "-f", "ttl", "-o", str(path)
    )
    assert result.exit_code == 2, result.stderr
    assert "is for graphs" in result.stderr
    assert path.read_text(encoding="utf-8") == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.ttl"]  # no temporary file left


def test_o_refuses_to_replace_an_input_file(tmp_path: Path) -> None:
    data = tmp_path / "new-cluster.trig"
    shutil.copy(ROOT / "tests" / "fixtures" / "cli" / "new-cluster.trig", data)
    before = data.read_bytes()
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    result = invoke("--data", str(data), "sparql", "-e", query, "-f", "ttl", "-o", str(data))
    assert result.exit_code == 2
    assert f"{data}: is one of the input files" in result.stderr
    assert data.read_bytes() == before


def test_validate_o_refuses_an_rdf_file_in_a_folder_it_reads(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "cli" / "new-cluster.trig", folder)
    report = folder / "report.ttl"  # the next `validate data/` would read it as data
    result = invoke("validate", str(folder), "-f", "ttl", "-o", str(report))
    assert result.exit_code == 2, (result.stderr, result.exception)
    assert f"{report}: is one of the input files" in result.stderr
    assert not report.exists()


@pytest.mark.timeout(120)
def test_a_query_stopped_by_its_timeout_writes_no_file(tmp_path: Path) -> None:
    """Also the regression test of a timeout that never came: the worker's pages were always
    waiting for a reader slower than the query (a workbook), so the deadline was never met."""
    everything_thrice = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"never.{fmt}"
        result = invoke(
            "sparql", "-e", everything_thrice, "--timeout", "1", "-f", fmt, "-o", str(path)
        )
        assert result.exit_code == 3, (fmt, result.stderr, result.exception)
    assert list(tmp_path.iterdir()) == []  # neither file, nor a temporary one


def _clusterkg(*args: str, **options: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run(
        [sys.executable, "-m", "clusterkg", *args], env=env, timeout=120, check=False, **options
    )


def test_xlsx_on_a_terminal_is_refused_before_anything_runs() -> None:
    leader, follower = pty.openpty()
    try:
        process = _clusterkg(
            "query",
            "clusters-of-company",
            "-p",
            "company",
            "Rūta",
            "-f",
            "xlsx",
            stdout=follower,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert process.returncode == 2
    stderr = process.stderr.decode()
    assert "-f xlsx writes a binary file" in stderr
    assert "-o FILE.xlsx" in stderr
    assert "Traceback" not in stderr


def test_xlsx_goes_to_a_pipe_or_a_redirected_file(tmp_path: Path) -> None:
    process = _clusterkg(
        "sparql", "-e", "SELECT (1 AS ?one) WHERE {}", "-f", "xlsx", capture_output=True
    )
    assert process.returncode == 0, process.stderr
    path = tmp_path / "piped.xlsx"
    path.write_bytes(process.stdout)
    assert values(openpyxl.load_workbook(path)["Results"]) == [["one"], [1]]


# --- validate -f xlsx ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """data/ with FETEK's 2018 Bronze award's ck:tier deleted; (folder, its subject's line)."""
    folder = tmp_path_factory.mktemp("broken") / "data"
    return folder, copy_without_bronze_tier(folder)


def test_validate_writes_a_report_sheet_and_a_summary(
    broken_copy: tuple[Path, int], tmp_path: Path
) -> None:
    folder, line = broken_copy
    path = tmp_path / "report.xlsx"
    result = invoke("validate", str(folder), "-f", "xlsx", "-o", str(path))
    assert result.exit_code == 1, (result.stderr, result.exception)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Report", "Summary"]
    rows = values(workbook["Report"])
    assert rows[0] == [
        "severity",
        "file",
        "line",
        "focus node",
        "path",
        "value",
        "message",
        "shape",
        "component",
    ]
    tier = next(r for r in rows[1:] if r[3] == "award:fetek-bronze-2018")
    assert tier[:5] == [
        "Violation",
        str(folder / "awards.trig"),
        line,
        "award:fetek-bronze-2018",
        "ck:tier",
    ]
    assert tier[6].startswith("A label award needs exactly one ck:tier")
    assert tier[7:] == ["cksh:LabelAward-tier", "sh:MinCountConstraintComponent"]
    shape = workbook["Report"].cell(row=rows.index(tier) + 1, column=8)
    assert shape.hyperlink.target == "https://w3id.org/clusterkg/shapes#LabelAward-tier"
    focus = workbook["Report"].cell(row=rows.index(tier) + 1, column=4)
    assert focus.hyperlink.target == CKID + "award/fetek-bronze-2018"
    summary = about(workbook["Summary"])
    # the tier gone: the tier's own shape, and FETEK's Silver now lacks the Bronze before it
    assert summary["verdict"] == "does not conform"
    assert (summary["violations"], summary["warnings"], summary["info"]) == (2, 0, 0)
    assert summary["cksh:LabelAward-tier/MinCount"] == 1


def test_validate_xlsx_on_a_terminal_is_refused() -> None:
    leader, follower = pty.openpty()
    try:
        process = _clusterkg("validate", "-f", "xlsx", stdout=follower, stderr=subprocess.PIPE)
    finally:
        os.close(follower)
        os.close(leader)
    assert process.returncode == 2
    assert "add -o FILE.xlsx" in process.stderr.decode()


# --- a spreadsheet program reads it -------------------------------------------------------------


def test_libreoffice_reads_the_workbook_as_written(
    food_clusters_of_ruta: Path, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is installed in CI (.ci/install-libreoffice)")
        pytest.skip("LibreOffice (soffice) is not installed: .ci/install-libreoffice installs it")
    profile = tmp_path / "profile"
    process = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(food_clusters_of_ruta),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    lines = (tmp_path / "ruta food.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "cluster,name,sectors,evidence,company,sector"
    assert sorted(line.split(",")[:2] for line in lines[1:]) == [
        ["cluster:national-food-cluster", "National Food Cluster"],
        ["cluster:smart-food-cluster", "Smart Food Cluster"],
    ]


# --- more rows than a sheet holds, longer text than a cell holds -------------------------------


def test_rows_past_a_sheets_limit_go_on_in_the_next_sheet(tmp_path: Path) -> None:
    """With sheets of 3 rows (Excel's are 1,048,576), the header and 2 rows a sheet: 7 rows fill
    Results, Results 2, 3 and 4."""
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]] = [
        [ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))] for n in range(1, 8)
    ]
    answer = Answer(["n"], iter([rows[:4], rows[4:]]))
    path = tmp_path / "many.xlsx"
    with path.open("wb") as out:
        written = write_answer(answer, Asked("sparql"), out, rows_per_sheet=3)
    assert (written.rows, written.sheets) == (7, 4)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Results", "Results 2", "Results 3", "Results 4", "Query"]
    assert [values(workbook[name]) for name in workbook.sheetnames[:4]] == [
        [["n"], [1], [2]],
        [["n"], [3], [4]],
        [["n"], [5], [6]],
        [["n"], [7]],
    ]
    record = about(workbook["Query"])
    assert record["rows"] == 7
    assert record["sheets"] == "Results to Results 4: more than a sheet holds"


def test_text_longer_than_a_cell_holds_is_cut_and_counted(tmp_path: Path) -> None:
    answer = Answer(["text"], iter([[[ox.Literal("x" * 40_000)]]]))
    path = tmp_path / "long.xlsx"
    with path.open("wb") as out:
        write_answer(answer, Asked("sparql"), out)
    workbook = openpyxl.load_workbook(path)
    cell = workbook["Results"]["A2"].value
    assert len(cell) == 32_767 and cell.endswith("…")
    assert about(workbook["Query"])["cells cut"] == "1 longer than Excel's 32,767 characters"
