"""`query --help` lists the stored queries, `query NAME --help` shows one; `-p NAME=VALUE`.

Titles, parameters and examples are those written in the `#+` headers of queries/*.rq.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clusterkg.cli import cli
from clusterkg.cli.query_help import first_argument, joined_parameters, pending_parameter
from tests.cli_support import run_process

ROOT = Path(__file__).resolve().parents[1]
VALUE_OPTIONS = {"-f", "--format", "--timeout", "--max-rows"}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="clusterkg", catch_exceptions=True)


def flat(text: str) -> str:
    return " ".join(text.split())


# --- help ----------------------------------------------------------------------------------------


def test_query_help_lists_every_stored_query_with_its_title() -> None:
    result = invoke("query", "--help")
    assert result.exit_code == 0
    stored = sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))
    assert len(stored) >= 10
    listing = result.stdout.split("Stored queries", 1)[1]
    for name in stored:
        assert re.search(rf"^  {re.escape(name)}\b", listing, re.MULTILINE), name
    assert re.search(r"^  clusters-of-company\s+Clusters a company belongs to$", listing, re.M)
    assert re.search(r"^  awards-in-year\s+Label awards of a year$", listing, re.M)


def test_query_name_help_shows_title_parameters_and_examples() -> None:
    result = invoke("query", "clusters-of-company", "--help")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("Usage: clusterkg query clusters-of-company [-p NAME=VALUE]...")
    assert "\n  Clusters a company belongs to\n" in text
    assert "which food clusters does Rūta belong to?" in flat(text)
    parameters = flat(text.split("Parameters:", 1)[1].split("Examples:", 1)[0])
    assert "-p company=<organisation> required. The member organisation" in parameters
    assert "-p sector=<sector> optional. Only clusters of this sector, e.g. food" in parameters
    examples = text.split("Examples:", 1)[1].split("Options:", 1)[0]
    assert examples.strip() == "clusterkg query clusters-of-company -p company=Rūta -p sector=food"
    assert "Stored queries" not in text  # one query's help, not the list


def test_an_example_with_spaces_is_quoted_for_the_shell() -> None:
    result = invoke("query", "cluster-profile", "--help")
    assert "clusterkg query cluster-profile -p cluster='Smart Food Cluster'" in result.stdout


def test_a_query_without_parameters_says_so() -> None:
    result = invoke("query", "statistics", "--help")
    assert result.exit_code == 0
    assert flat(result.stdout.split("Parameters:", 1)[1]).startswith("none")


def test_help_before_the_name_is_the_names_help_too() -> None:
    assert "Label awards of a year" in invoke("query", "--help", "awards-in-year").stdout


def test_help_for_an_unknown_query_is_one_line_that_suggests() -> None:
    result = invoke("query", "cluster-profil", "--help")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "clusterkg: error: no stored query named 'cluster-profil'; did you mean cluster-profile"
    )
    assert len(result.stderr.splitlines()) == 1


def test_query_help_in_a_real_process_builds_nothing(tmp_path: Path) -> None:
    # An empty cache folder stays empty: help is known from the query files alone.
    cache = tmp_path / "cache"
    cache.mkdir()
    result = run_process("--cache-dir", str(cache), "query", "next-label", "--help")
    assert result.returncode == 0, result.stderr
    assert "Next label a cluster can earn" in result.stdout
    assert list(cache.iterdir()) == []


def test_query_help_lists_a_workspaces_own_queries(tmp_path: Path) -> None:
    (tmp_path / "clusterkg.toml").write_text(
        '[workspace]\nname = "agency"\nbase = "https://example.org/agency/"\n', encoding="utf-8"
    )
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "team-clusters.rq").write_text(
        "#+ title: Our own clusters\nSELECT ?c WHERE { ?c a ?t }\n", encoding="utf-8"
    )
    result = invoke("--workspace", str(tmp_path), "query", "--help")
    assert re.search(r"^  team-clusters\s+Our own clusters$", result.stdout, re.M)


# --- -p NAME=VALUE -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "joined"),
    [
        (["-p", "company=Rūta"], ["-p", "company=Rūta"]),
        (["-p", "company", "Rūta"], ["-p", "company=Rūta"]),
        (["-p", "title", "a=b"], ["-p", "title=a=b"]),
        (["-p", "company=", "Rūta"], ["-p", "company=Rūta"]),
        (["--param", "company", "Rūta"], ["--param", "company=Rūta"]),
        (["--param=company", "Rūta"], ["--param", "company=Rūta"]),
        (["-pcompany=Rūta"], ["-p", "company=Rūta"]),
        (["-f", "-p", "-p", "x=1"], ["-f", "-p", "-p", "x=1"]),  # -f's value is no -p
        (["--", "-p", "a", "b"], ["--", "-p", "a", "b"]),
        (["-p", "company"], ["-p", "company"]),  # left for click to refuse
    ],
)
def test_parameters_are_joined_into_name_equals_value(given: list[str], joined: list[str]) -> None:
    assert joined_parameters(["q", *given], VALUE_OPTIONS) == ["q", *joined]


def test_the_name_is_found_among_the_options() -> None:
    args = ["-p", "company=Rūta", "--format", "csv", "--no-such", "clusters-of-company"]
    assert first_argument(args, VALUE_OPTIONS) == "clusters-of-company"
    assert first_argument(["-f", "csv"], VALUE_OPTIONS) is None


def test_the_parameter_being_completed_is_known() -> None:
    assert pending_parameter(["query", "x", "-p", "sector"]) == "sector"
    assert pending_parameter(["query", "x", "-p", "sector", "="]) == "sector"  # bash's words
    assert pending_parameter(["query", "x", "-p"]) is None
    assert pending_parameter(["query", "x", "-p", "sector=food"]) is None


def test_name_equals_value_is_refused_clearly_when_it_is_neither_form() -> None:
    result = invoke("query", "clusters-of-company", "-p", "company")
    assert result.exit_code == 2
    assert "'company': give NAME=VALUE (or NAME VALUE), e.g. -p company=Rūta" in result.stderr


def test_the_missing_parameter_error_suggests_a_form_that_is_accepted() -> None:
    result = invoke("query", "clusters-of-company", "-p", "sector=food")
    assert result.exit_code == 2
    assert result.stderr == (
        "clusterkg: error: clusters-of-company needs company: add -p company=VALUE "
        "(example: -p company=Rūta -p sector=food)\n"
    )


@pytest.mark.usefixtures("shared_graphs")
@pytest.mark.parametrize(
    "parameters",
    [
        ["-p", "company=Rūta", "-p", "sector=food"],
        ["-p", "company", "Rūta", "-p", "sector", "food"],
        ["-p", "company=Rūta", "-p", "sector", "food"],
    ],
)
def test_both_forms_give_the_same_answer(parameters: list[str]) -> None:
    # Rūta's food clusters (sources/public-facts.md): Smart Food Cluster, National Food Cluster.
    result = invoke("query", "clusters-of-company", *parameters, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    clusters = {line.split(",")[0] for line in result.stdout.splitlines()[1:]}
    assert clusters == {
        "https://w3id.org/clusterkg/id/cluster/smart-food-cluster",
        "https://w3id.org/clusterkg/id/cluster/national-food-cluster",
    }


@pytest.mark.usefixtures("shared_graphs")
def test_a_value_holding_an_equals_sign_keeps_it_in_the_two_word_form() -> None:
    # No organisation is named "Rū=ta": the error quotes the value whole.
    result = invoke("query", "clusters-of-company", "-p", "company", "Rū=ta")
    assert result.exit_code == 2
    assert "no organisation is named 'Rū=ta'" in result.stderr
