"""The benchmark's pieces that decide what its figures mean: how a command is measured, what
Jena is given to read, how parameters reach Jena's queries, and how the report compares rows.
The benchmark itself is never run here (it takes an hour at full size)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import jena
import processes
import report

ASSERTED, INFERRED = f"<{jena.ASSERTED}>", f"<{jena.INFERRED}>"


def test_a_command_is_timed_with_its_own_peak_rss() -> None:
    big = [
        sys.executable,
        "-c",
        "b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])",
    ]
    run = processes.run_measured(big, budget=60)
    assert run.code == 0 and not run.over_budget
    assert run.rss_mb >= 200  # the child's memory, not the benchmark's


def test_counting_a_big_result_does_not_swell_the_rss_of_later_commands(tmp_path: Path) -> None:
    """Linux keeps a process's RSS high-water mark across fork and exec: had the driver parsed
    the result file itself (~300 MB of Python objects), `true` would report that as its own."""
    result = tmp_path / "rows.json"
    row = '{"a": {"type": "literal", "value": "xxxxxxxxxxxxxxxxxxxx"}}, '
    with result.open("w") as out:  # written in pieces: this process stays as it is
        out.write('{"results": {"bindings": [')
        for _ in range(600):
            out.write(row * 1000)
        out.write(row.rstrip(", ") + "]}}")
    before = processes.run_measured(["true"], budget=10).rss_mb
    assert processes.json_rows(result) == 600_001
    assert processes.run_measured(["true"], budget=10).rss_mb < before + 50


def test_a_command_over_budget_is_killed_and_said_so() -> None:
    run = processes.run_measured([sys.executable, "-c", "import time; time.sleep(30)"], budget=0.5)
    assert run.over_budget and run.wall < 10


def test_a_failing_command_is_not_given_a_time() -> None:
    failing = [sys.executable, "-c", "import sys; sys.exit('no cluster is named x')"]
    measured = processes.repeated(failing, 3, budget=30)
    assert measured["status"] == "failed" and "no cluster is named x" in str(measured["why"])


def test_jena_reads_the_store_with_groups_and_the_default_graph_it_queries(tmp_path: Path) -> None:
    export = tmp_path / "export.nq"
    export.write_text(
        f"<s> <p> <o> {ASSERTED} .\n"
        f"<s> <q> <o> {INFERRED} .\n"
        "<s> <p> <o> <https://w3id.org/clusterkg/id/statement/g1> .\n"
        f"<d> <p> <o> <{jena.DESCRIPTION}> .\n"
    )
    files = jena.prepare_inputs(export, tmp_path)
    store = files["store.nq"].read_text().splitlines()
    assert len(store) == 3 and not any(jena.DESCRIPTION in line for line in store)
    memory = files["memory.nq"].read_text().splitlines()
    assert "<s> <p> <o> ." in memory and "<s> <q> <o> ." in memory and len(memory) == 5
    assert files["asserted.nt"].read_text() == "<s> <p> <o> .\n"  # what both validators check


def test_jena_gets_parameters_as_a_values_block_at_the_head_of_where() -> None:
    text = "PREFIX ck: <x#>\nSELECT ?c WHERE {\n  ?company ck:memberOf ?c .\n}"
    bound = jena.query_text(text, [("company", "organisation")], {"organisation": "<urn:x:rūta>"})
    assert "WHERE {\n  VALUES (?company) { (<urn:x:rūta>) }\n" in bound
    assert bound.endswith("?company ck:memberOf ?c .\n}")
    assert jena.query_text(text, [], {}) == text
    with pytest.raises(ValueError):
        jena.query_text("ASK { ?s ?p ?o }", [("s", "cluster")], {"cluster": "<urn:x>"})


def test_a_row_count_mismatch_across_engines_is_marked() -> None:
    same = report._rows({"rows": 4}, {"rows": 4}, {"tdb": {"rows": 4}}, {"rows": 4})
    differ = report._rows({"rows": 4}, {"rows": 4}, {"tdb": {"rows": 3}}, None)
    assert "≠" not in same and differ.startswith("**≠**")


def test_a_baseline_query_whose_closure_was_not_made_is_not_given_a_time() -> None:
    base = {"not run": {"queries": "reasoning over budget"}, "queries": {}, "steps": {}}
    base |= {"startup": 0.5, "steps": {"load": 10.0, "reason": None, "validate": 20.0}}
    budgets = {"reason": 120.0, "query": 30.0}
    cell, seconds, lower = report._base_command(
        ("startup", "load", "reason", "query x"), base, budgets
    )
    assert (cell, seconds, lower) == ("≥ 130.5 s (reason over budget; query not run)", 130.5, True)
    assert report._base_command(("startup", "load", "validate"), base, budgets) == (
        "30.5 s",
        30.5,
        False,
    )
