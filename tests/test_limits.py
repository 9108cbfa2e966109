"""Queries under limits (clusterkg.engine.limits): a timeout that stops a runaway query, a row
cap that truncates with a note, rows that stream as they come, and results unchanged otherwise.

The runaway query is a cartesian product of the graph with itself three times (about 10^10
rows): it never ends by itself. The bounds on time and memory are generous functional bounds
(this machine is shared), not benchmarks.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from clusterkg.cli import cli
from clusterkg.cli.settings import Settings
from clusterkg.engine import Table, Term, Triples
from clusterkg.engine.limits import Limits
from clusterkg.errors import EXIT_TIMEOUT, ClusterKGError, QueryError, QueryTimeout
from clusterkg.inputs.cache import BuildCache
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.output.display import shown
from clusterkg.output.tables import (
    GRAPH_FORMATS,
    TABLE_FORMATS,
    render_table,
    render_triples,
)

CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# An ASK and a CONSTRUCT that must look at the whole cartesian product before answering.
CARTESIAN_ASK = (
    "ASK { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(CONCAT(STR(?a), STR(?d), STR(?g)) = 'none') }"
)
CARTESIAN_CONSTRUCT = "CONSTRUCT { ?a ?b ?g } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CLUSTERS = "SELECT ?c WHERE { ?c a <https://w3id.org/clusterkg/ontology#Cluster> } ORDER BY ?c"
TRUNCATED = "truncated at"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8"}


# --- the graphs: built in memory, and opened read-only from the build cache ----------------------


@pytest.fixture(scope="module", params=["in-memory", "cached-on-disk"])
def kg(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The bundled graph, once as built in memory and once as the cache's read-only RocksDB
    store: the worker is forked from a process holding either."""
    if request.param == "in-memory":
        return KnowledgeGraph.load()
    cache = BuildCache(tmp_path_factory.mktemp("limits-cache"))
    KnowledgeGraph.load(cache=cache)  # builds and publishes
    graph = KnowledgeGraph.load(cache=cache)
    assert graph.built.from_cache
    return graph


@pytest.fixture
def cli_on(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> KnowledgeGraph:
    """Commands run in this process use `kg` (blank node labels and the order of unordered rows
    differ between two builds, so outputs are compared on one): it is their graph loader."""
    monkeypatch.setitem(cli.context_settings, "obj", Settings(load=lambda *a, **k: kg))
    return kg


# --- timeout ------------------------------------------------------------------------------------

# Runs the CLI as a child of a small Python process, which reports how it went: the exit code,
# when the first line came and when the process ended (seconds after it started), the lines,
# stderr and the peak resident memory of the CLI and its worker (RUSAGE_CHILDREN: the largest
# waited-for descendant).
_WATCH = """
import json, resource, subprocess, sys, time
started = time.monotonic()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
first = None
lines = 0
for line in process.stdout:
    first = first or time.monotonic() - started
    lines += 1
stderr = process.stderr.read().decode()
code = process.wait()
print(json.dumps({"code": code, "first": first, "ended": time.monotonic() - started,
    "lines": lines, "stderr": stderr,
    "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def watch(*args: str) -> dict[str, Any]:
    command = [sys.executable, "-c", _WATCH, sys.executable, "-m", "clusterkg", *args]
    done = subprocess.run(
        command, capture_output=True, text=True, env=environment(), timeout=120, check=True
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_a_cartesian_product_stops_within_a_second_of_its_timeout_with_exit_3() -> None:
    run = watch("sparql", "-e", CARTESIAN, "--timeout", "1", "-f", "csv")
    assert run["code"] == EXIT_TIMEOUT, run
    assert run["stderr"] == "clusterkg: error: query stopped: it ran past its 1 s timeout\n"
    # The header line comes as the query starts: from then on, 1 s to the deadline and at
    # most about one more to be stopped.
    assert run["first"] is not None, run
    assert run["ended"] - run["first"] < 2.0, run
    assert run["lines"] > 1, run  # rows were printed before the deadline


@pytest.mark.slow
def test_a_runaway_query_runs_in_bounded_memory() -> None:
    """Rows are not piled up (the old code grew by 20 MB a second here, to 8 GB in 2 minutes):
    the peak stays that of a small query, give or take the pages in flight."""
    small = watch("sparql", "-e", CLUSTERS, "-f", "csv")
    runaway = watch("sparql", "-e", CARTESIAN, "--timeout", "3", "-f", "csv")
    assert runaway["code"] == EXIT_TIMEOUT, runaway
    assert runaway["lines"] > 1000, runaway
    assert runaway["peak_mb"] < small["peak_mb"] + 25, (small, runaway)


@pytest.mark.parametrize("query", [CARTESIAN_ASK, CARTESIAN_CONSTRUCT], ids=["ask", "construct"])
def test_ask_and_construct_stop_at_their_timeout_too(query: str) -> None:
    started = time.monotonic()
    result = invoke("sparql", "-e", query, "--timeout", "1")
    assert result.exit_code == EXIT_TIMEOUT, (result.stdout, result.stderr)
    assert result.stderr == "clusterkg: error: query stopped: it ran past its 1 s timeout\n"
    assert time.monotonic() - started < 10  # not run to the end (it would take hours)


# --- streaming ----------------------------------------------------------------------------------


def first_lines(process: subprocess.Popen[bytes], count: int, within: float) -> list[bytes]:
    """The first `count` lines of the process's stdout, failing (not hanging) if they take
    longer than `within` seconds; stdout is drained from then on."""
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    deadline = time.monotonic() + within
    try:
        return [lines.get(timeout=max(0.0, deadline - time.monotonic())) for _ in range(count)]
    except queue.Empty:
        pytest.fail(f"fewer than {count} lines on stdout after {within} s")


@pytest.mark.parametrize("fmt", TABLE_FORMATS)
def test_rows_are_printed_while_the_query_still_runs(fmt: str) -> None:
    """The first rows reach stdout long before the query could end; then Ctrl-C stops it."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clusterkg",
            "sparql",
            "-e",
            CARTESIAN,
            "-f",
            fmt,
            "--timeout",
            "60",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    try:
        # json: 15 lines of head; table: header and dashes, then a block of 1000 rows
        lines = b"".join(first_lines(process, 30, within=20))
        assert process.poll() is None  # still running: these rows were streamed
        assert b"rdf-syntax-ns" in lines or b"rdf:" in lines, lines
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        assert process.stderr is not None
        stderr = process.stderr.read()
    finally:
        process.kill()  # if anything above failed; its worker dies with it
        process.wait()
    assert process.returncode == 2
    assert stderr.decode() == "clusterkg: interrupted\n"


def test_an_answer_is_read_page_by_page(kg: KnowledgeGraph) -> None:
    answer = kg.sparql_stream(CARTESIAN, Limits(timeout=30))
    try:
        first = next(answer.pages)
        second = next(answer.pages)
    finally:
        answer.close()  # the worker is stopped long before its 10^10 rows
    assert answer.variables == list("abcdefghi")
    assert len(first[0]) == 9 and first[0] != second[0]


def children() -> set[int]:
    """The running (or unreaped) child processes of this process, from /proc."""
    tasks = Path("/proc/self/task").iterdir()
    return {int(pid) for task in tasks for pid in (task / "children").read_text().split()}


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("how", ["closed", "dropped"])
def test_an_answer_left_unread_stops_its_worker(kg: KnowledgeGraph, how: str) -> None:
    before = children()
    answer = kg.sparql_stream(CARTESIAN, Limits(timeout=60))
    (worker,) = children() - before
    if how == "closed":
        answer.close()
    else:
        del answer
        gc.collect()
    assert worker not in children()


# --- row cap ------------------------------------------------------------------------------------


def test_max_rows_prints_that_many_rows_and_a_note() -> None:
    result = invoke("sparql", "-e", CARTESIAN, "--max-rows", "5", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert len(list(csv.reader(io.StringIO(result.stdout)))) == 1 + 5
    assert result.stderr == (
        "clusterkg: note: result truncated at 5 rows (--max-rows); more matched\n"
    )


def test_max_rows_in_the_aligned_table_counts_the_rows_it_printed() -> None:
    result = invoke("query", "statistics", "--max-rows", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "(2 rows)"
    assert TRUNCATED in result.stderr


def test_no_note_when_the_rows_fit_the_cap_exactly(kg: KnowledgeGraph) -> None:
    everything = kg.sparql(CLUSTERS)
    assert isinstance(everything, Table) and len(everything.rows) > 1
    count = len(everything.rows)
    exact = kg.sparql(CLUSTERS, Limits(max_rows=count))
    one_less = kg.sparql(CLUSTERS, Limits(max_rows=count - 1))
    assert isinstance(exact, Table) and isinstance(one_less, Table)
    assert (exact.rows, exact.truncated) == (everything.rows, False)
    assert (one_less.rows, one_less.truncated) == (everything.rows[:-1], True)
    result = invoke("sparql", "-e", CLUSTERS, "--max-rows", str(count))
    assert result.exit_code == 0 and result.stderr == ""


def test_max_rows_caps_the_triples_of_a_construct() -> None:
    result = invoke("sparql", "-e", CARTESIAN_CONSTRUCT, "--max-rows", "3", "-f", "nt")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) <= 3  # distinct triples of the first three
    assert result.stderr == (
        "clusterkg: note: result truncated at 3 triples (--max-rows); more matched\n"
    )


# --- the Python API -----------------------------------------------------------------------------


def test_the_api_raises_query_timeout(kg: KnowledgeGraph) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="1 s timeout"):
        kg.sparql(CARTESIAN, Limits(timeout=1))
    assert time.monotonic() - started < 5


def test_the_api_caps_a_stored_query_with_bound_parameters(kg: KnowledgeGraph) -> None:
    params = {"company": "Rūta"}
    whole = kg.query("clusters-of-company", params)
    capped = kg.query("clusters-of-company", params, Limits(timeout=30, max_rows=1))
    assert isinstance(whole, Table) and isinstance(capped, Table)
    assert len(whole.rows) == 2 and not whole.truncated
    assert capped.rows == whole.rows[:1] and capped.truncated


def test_errors_in_the_worker_are_one_line_query_errors(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"^SPARQL syntax error: "):
        kg.sparql("SELECT * WHERE { ?s ?p ", Limits(timeout=30))
    with pytest.raises(QueryError, match=r"^SERVICE is not allowed"):
        kg.sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", Limits())


def test_limits_must_be_positive() -> None:
    assert invoke("sparql", "-e", CLUSTERS, "--timeout", "0").exit_code == 2
    assert invoke("sparql", "-e", CLUSTERS, "--max-rows", "0").exit_code == 2
    with pytest.raises(ClusterKGError, match="timeout"):
        Limits(timeout=-1)


# --- unchanged results --------------------------------------------------------------------------


def _stored_query_runs(kg: KnowledgeGraph) -> Iterator[tuple[str, dict[str, str]]]:
    for stored in kg.catalogue:
        examples = stored.example_arguments()
        yield stored.name, dict(examples[0] if examples else [])


def test_every_stored_query_prints_what_it_printed_before_in_every_format(
    cli_on: KnowledgeGraph,
) -> None:
    """The streamed output, byte for byte, against the renderers as they were before streaming
    (kept below) applied to the whole result; from both kinds of store."""
    kg = cli_on
    runs = list(_stored_query_runs(kg))
    assert runs  # a check over no queries would pass silently
    for name, params in runs:
        whole = kg.query(name, params)
        formats = GRAPH_FORMATS if isinstance(whole, Triples) else TABLE_FORMATS
        for fmt in formats:
            args = [a for k, v in params.items() for a in ("-p", k, v)]
            result = invoke("query", name, *args, "-f", fmt)
            assert result.exit_code == 0, (name, result.stderr)
            assert result.stdout_bytes.decode() == _as_before(whole, fmt), (name, fmt)


def test_a_big_result_streams_the_same_rows_as_before(cli_on: KnowledgeGraph) -> None:
    kg = cli_on
    everything = "SELECT * WHERE { ?s ?p ?o }"
    whole = kg.sparql(everything)
    assert isinstance(whole, Table) and len(whole.rows) > 1000  # more than one page
    for fmt in ("csv", "tsv", "json", "md"):
        result = invoke("sparql", "-e", everything, "-f", fmt)
        assert result.stdout_bytes.decode() == _as_before(whole, fmt), fmt


def test_the_aligned_table_of_a_big_result_is_aligned_block_by_block(
    cli_on: KnowledgeGraph,
) -> None:
    result = invoke("sparql", "-e", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    whole = cli_on.sparql("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert isinstance(whole, Table)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["s", "p", "o"] and set(lines[1]) == {"-", " "}
    assert lines[-1] == f"({len(whole.rows)} rows)"
    cells = [[shown(t) for t in row] for row in whole.rows]
    body = lines[2:-1]
    assert [line.split() for line in body] == [" ".join(row).split() for row in cells]
    # The first block (at least 1000 rows) is aligned under the header.
    at_p, at_o = lines[0].index(" p ") + 1, lines[0].rindex(" o") + 1
    for line, (_, p, o) in zip(body[:1000], cells[:1000], strict=True):
        assert line[at_p:].startswith(p + " ") and line[at_o:] == o


# The renderers as they were before rows streamed (formats.py at 8594e81), for the comparison;
# the table's cells as people read them since (clusterkg.output.display, tested on its own in
# tests/test_tables_fit.py).


def _as_before(result: Table | Triples, fmt: str) -> str:
    if isinstance(result, Triples):
        return render_triples(result, fmt)
    header, rows = (
        (["result"], [["true" if result.boolean else "false"]])
        if result.boolean is not None
        else (result.variables, [[shown(t) for t in r] for r in result.rows])
    )
    if fmt == "json":
        return _json_before(result)
    if fmt == "xml":  # added after streaming: the whole table written at once
        return render_table(result, fmt)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if result.boolean is not None:
            writer.writerows([["result"], ["true" if result.boolean else "false"]])
        else:
            writer.writerow(result.variables)
            # blank nodes as `_:label` since the CSV writer follows SPARQL 1.1 CSV there
            writer.writerows([_csv_cell(t) for t in r] for r in result.rows)
        return buffer.getvalue()
    if fmt == "tsv":
        if result.boolean is not None:
            return f"?result\n{'true' if result.boolean else 'false'}\n"
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join("" if t is None else _nt(t) for t in r) for r in result.rows]
        return "\n".join(lines) + "\n"
    if fmt == "md":
        separator = "| " + " | ".join("---" for _ in header) + " |"
        return "\n".join([_md_line(header), separator, *map(_md_line, rows)]) + "\n"
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _csv_cell(term: Term | None) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _md_line(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _nt(term: Term) -> str:
    return str(term).replace("\t", "\\t").replace("\n", "\\n")


def _json_before(table: Table) -> str:
    if table.boolean is not None:
        document: dict[str, Any] = {"head": {}, "boolean": table.boolean}
    else:
        bindings = [
            {v: _json_term(t) for v, t in zip(table.variables, row, strict=True) if t is not None}
            for row in table.rows
        ]
        document = {"head": {"vars": table.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_term(term: Term) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


KEPT = sorted((Path(__file__).parent / "fixtures" / "limits").glob("clusters-of-company.*"))


def test_output_is_what_the_command_printed_before_streaming(cli_on: KnowledgeGraph) -> None:
    """Output kept from before the change (one file per format), against the CLI now and against
    _as_before, so a slip in copying the old renderers cannot hide a change in the new ones."""
    assert KEPT  # a check over no files would pass silently
    whole = cli_on.query("clusters-of-company", {"company": "Rūta"})
    for kept in KEPT:
        fmt = kept.suffix[1:]
        before = kept.read_bytes().decode("utf-8")  # bytes: csv lines end in \r\n
        result = invoke("query", "clusters-of-company", "-p", "company", "Rūta", "-f", fmt)
        assert result.stdout_bytes.decode() == before == _as_before(whole, fmt), fmt
