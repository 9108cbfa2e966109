"""`clusterkg validate -f sarif`: a SARIF 2.1.0 log that the OASIS schema accepts, whose results
point at the lines where the problems are written, and that meets what GitHub code scanning asks
of an uploaded file (a rule id and a location for every result).

The schema is the OASIS one, kept offline in tests/fixtures/sarif/ (its README says where it
came from). The broken file there was written by hand, its problems' lines noted in its header.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cli_support import copy_without_bronze_tier
from click.testing import CliRunner, Result
from rdflib import Graph

from clusterkg import __version__
from clusterkg.cli import cli
from clusterkg.output.sarif import as_sarif
from clusterkg.validation.report import Problem, Report

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sarif"
SCHEMA = FIXTURES / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
BROKEN = FIXTURES / "broken-award.trig"
CKID = "https://w3id.org/clusterkg/id/"
pytestmark = pytest.mark.usefixtures("shared_graphs")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def sarif_of(*args: str, exit_code: int = 1) -> dict[str, Any]:
    result = invoke("validate", *args, "-f", "sarif")
    assert result.exit_code == exit_code, (result.stderr, result.exception)
    log: dict[str, Any] = json.loads(result.stdout)
    return log


def check_schema(log: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)


def test_the_schema_is_the_oasis_file_unmodified() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")


def test_the_schema_refuses_what_is_not_sarif() -> None:
    """The check can fail: a log without its version, a result with a level SARIF lacks."""
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}
    check_schema(log)
    with pytest.raises(jsonschema.ValidationError):
        check_schema({"runs": log["runs"]})
    bad_level = {"message": {"text": "m"}, "level": "fatal"}
    with pytest.raises(jsonschema.ValidationError):
        check_schema({**log, "runs": [{**log["runs"][0], "results": [bad_level]}]})


def test_a_broken_file_gives_a_log_the_schema_accepts(in_folder: Path) -> None:
    shutil.copy(BROKEN, in_folder / "broken-award.trig")
    log = sarif_of("broken-award.trig")
    check_schema(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("clusterkg", __version__)
    assert driver["informationUri"] == "https://w3id.org/clusterkg/"


def test_conforming_data_gives_a_log_with_no_results(in_folder: Path) -> None:
    log = sarif_of(str(FIXTURES.parent / "cli" / "new-cluster.trig"), exit_code=0)
    check_schema(log)
    assert log["runs"][0]["results"] == []


def test_results_point_at_the_lines_of_the_broken_file(in_folder: Path) -> None:
    folder = in_folder / "duomenys"  # a name with a space and a letter outside ASCII
    folder.mkdir()
    shutil.copy(BROKEN, folder / "Rūta broken.trig")
    results = sarif_of("duomenys/Rūta broken.trig")["runs"][0]["results"]
    located = {
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    }
    uri = "duomenys/R%C5%ABta%20broken.trig"
    # lines 23 and 27 of tests/fixtures/sarif/broken-award.trig, as its header says
    assert located == {
        ("cksh:Cluster-sector-missing/MinCount", "warning", uri, "%SRCROOT%", 23),
        ("cksh:LabelAward-tier/MinCount", "error", uri, "%SRCROOT%", 27),
    }
    lines = (folder / "Rūta broken.trig").read_text(encoding="utf-8").splitlines()
    assert lines[23 - 1].strip().startswith("cluster:example-birch-cluster a ck:Cluster")
    assert lines[27 - 1].strip().startswith("award:example-birch-cluster-bronze-2021 a")


def test_a_file_outside_the_current_folder_is_a_file_uri(in_folder: Path) -> None:
    results = sarif_of(str(BROKEN))["runs"][0]["results"]
    artifact = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": BROKEN.as_uri()}


def test_github_code_scanning_finds_what_it_needs(in_folder: Path) -> None:
    """docs.github.com, "SARIF support for code scanning": every result has a ruleId, a message
    text and a location with a file and a start line; the rules are in tool.driver.rules, each
    id once, and ruleIndex points at its rule."""
    shutil.copy(BROKEN, in_folder / "broken-award.trig")
    (run,) = sarif_of("broken-award.trig")["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    assert run["results"]
    for result in run["results"]:
        assert result["ruleId"] and result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"]
        assert physical["region"]["startLine"] >= 1
        assert result["partialFingerprints"]
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}


def test_rule_ids_are_the_same_with_either_validator(in_folder: Path) -> None:
    shutil.copy(BROKEN, in_folder / "broken-award.trig")

    def rules(validator: str) -> set[tuple[str, int]]:
        result = invoke("--validator", validator, "validate", "broken-award.trig", "-f", "sarif")
        log = json.loads(result.stdout)
        return {
            (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in log["runs"][0]["results"]
        }

    assert (
        rules("fast")
        == rules("reference")
        == {
            ("cksh:Cluster-sector-missing/MinCount", 23),
            ("cksh:LabelAward-tier/MinCount", 27),
        }
    )


def test_a_sparql_constraint_is_its_own_rule(tmp_path: Path) -> None:
    """Two SPARQL constraints of one shape are two rules: the rule is named by the constraint."""
    data = tmp_path / "data"
    copy_without_bronze_tier(data)
    results = sarif_of(str(data))["runs"][0]["results"]
    # FETEK's Silver award (data/awards.trig) has no Bronze before it once the Bronze's tier is gone
    assert {r["ruleId"] for r in results} == {
        "cksh:LabelAward-tier/MinCount",
        "cksh:LabelAward-earlier-tier/SPARQL",
    }


def test_a_problem_with_no_file_gets_a_logical_location() -> None:
    """A graph on a SPARQL server has no file: the focus node is the location."""
    problem = Problem(
        file=None,
        line=None,
        severity="Violation",
        focus=CKID + "award/fetek-silver",
        path="https://w3id.org/clusterkg/ontology#tier",
        message="A label award needs exactly one ck:tier",
        component="sh:MinCountConstraintComponent",
        shape="https://w3id.org/clusterkg/shapes#LabelAward-tier",
        value=None,
        graph="http://example.org/graphs/clusters",
    )
    log = json.loads(as_sarif(Report([problem], "sparql", Graph())))
    check_schema(log)
    (location,) = log["runs"][0]["results"][0]["locations"]
    assert "physicalLocation" not in location
    assert location["logicalLocations"] == [
        {
            "name": "award:fetek-silver",
            "fullyQualifiedName": CKID + "award/fetek-silver",
            "kind": "object",
        }
    ]
    assert (
        log["runs"][0]["results"][0]["properties"]["graph"] == "http://example.org/graphs/clusters"
    )


def test_sarif_goes_to_a_file_with_o(in_folder: Path) -> None:
    shutil.copy(BROKEN, in_folder / "broken-award.trig")
    result = invoke("validate", "broken-award.trig", "-f", "sarif", "-o", "clusterkg.sarif")
    assert result.exit_code == 1
    assert result.stdout == ""
    check_schema(json.loads((in_folder / "clusterkg.sarif").read_text(encoding="utf-8")))
