"""The tables: per size, the commands side by side (clusterkg | Jena | rdflib pipeline), then the
in-process figures; row counts of every query compared across engines, a mismatch marked ≠."""

from __future__ import annotations

from typing import Any

# Targets at 2 M triples (issues 3 and 11).
COMMAND_TARGETS = {"first run": 30.0, "validate": 15.0, "export": 8.0}
NAME_OVER_IRI = 0.050  # a company by name: at most this much over the IRI-bound command
IN_PROCESS_TARGETS = {"build": 30.0, "validate": 8.0, "lookup": 0.050, "aggregate": 0.500}
QUERY_TARGETS = {"clusters-of-company": 0.005}
JENA_PEERS = {
    "first run": "tdb2.tdbloader (load into TDB2)",
    "later runs": "tdb2.tdbquery statistics",
    "validate": "shacl validate",
    "export": "riot --output=turtle",
    "reason": "— (no OWL RL materialisation command)",
}


def size_report(label: str, result: dict[str, Any], budgets: dict[str, float]) -> list[str]:
    project = result["project"]
    lines = [
        f"### {label}: {project['triples']:,} asserted + {project['inferred']:,} inferred triples "
        f"(reasoner: {project['reasoner']}, validator: {project['validator']}, "
        f"violations found in process: {project['violations']}{_expected(project)})",
        "",
    ]
    if result.get("commands"):
        lines += command_table(result)
    lines += in_process_table(project, result.get("baseline"), budgets)
    return lines


# --- commands -------------------------------------------------------------------------------------


def command_table(result: dict[str, Any]) -> list[str]:
    ours, jena, base = result["commands"], result.get("jena") or {}, result.get("baseline")
    project = result["project"]
    lines = [
        "Commands as typed, each its own process (wall from spawn to exit, median of the runs "
        "shown; RSS: peak of the process tree). Jena answers queries on the closure clusterkg "
        "inferred (it has no OWL RL materialisation command). rdflib pipeline: in process, "
        "no process start (a lower bound for its command).",
        "",
        "| command | clusterkg | RSS | Jena | RSS | ratio Jena/clusterkg | Jena arq, in memory "
        "(1 run) | rows: clusterkg · in process · Jena TDB2 · arq · rdflib | rdflib pipeline "
        "| ratio | target (2 M) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    if "missing" in jena:
        lines[0] += f" **Jena not run: {jena['missing']}.**"
    base_steps = (base or {}).get("steps", {})
    build = _sum(base_steps.get("load"), base_steps.get("reason"))
    peers = {"first run": build, "later runs": None, "validate": base_steps.get("validate")}
    peers |= {"export": base_steps.get("export"), "reason": base_steps.get("reason")}
    for step in ("first run", "later runs"):
        lines.append(_command_row(step, ours.get(step), jena.get(step), None, "", base, peers))
    for name, query in ours.get("queries", {}).items():
        theirs = jena.get("queries", {}).get(name, {})
        base_query = (base or {}).get("queries", {}).get(name)
        rows = _rows(query, project["queries"][name], theirs, base_query)
        label = f"query {query.get('argv', name)}"
        lines.append(
            _command_row(label, query, theirs.get("tdb"), theirs.get("memory"), rows, base,
                         {label: (base_query or {}).get("p50")})
        )  # fmt: skip
    if "iri query" in ours:
        lines.append(_command_row("query clusters-of-company (IRI)", ours["iri query"],
                                  None, None, "", None, {}))  # fmt: skip
    for step in ("validate", "export", "reason"):
        lines.append(_command_row(step, ours.get(step), jena.get(step), None, "", base, peers))
    return [*lines, "", *_command_notes(result), ""]


def _command_row(
    label: str,
    ours: dict[str, Any] | None,
    theirs: dict[str, Any] | None,
    memory: dict[str, Any] | None,
    rows: str,
    base: dict[str, Any] | None,
    peers: dict[str, float | None],
) -> str:
    step = label.split(" ")[0] if label.startswith("query") else label
    peer = JENA_PEERS.get(label)
    jena_cell = _wall(theirs) if theirs else (peer or "—")
    if step == "reason":
        jena_cell = JENA_PEERS["reason"]
    base_time = peers.get(label)
    base_cell = _base_cell(label, base, base_time)
    ours_wall = (ours or {}).get("wall")
    return (
        f"| {label} | {_wall(ours)} | {_rss(ours)} | {jena_cell} | {_rss(theirs)} | "
        f"{_ratio((theirs or {}).get('wall'), ours_wall)} | {_wall(memory) if memory else ''} | "
        f"{rows} | {base_cell} | {_ratio(base_time, ours_wall)} | "
        f"{_command_target(label, ours)} |"
    )


def _base_cell(label: str, base: dict[str, Any] | None, spent: float | None) -> str:
    if base is None:
        return "—"
    if label == "later runs":
        return "(no cache)"
    not_run = base.get("not run", {})
    if label.startswith("query"):
        if "queries" in not_run:
            return f"not run: {not_run['queries']}"
        if base.get("queries", {}).get(label.split(" ")[1], {}).get("failed"):
            return "not runnable (rdflib)"
        return _seconds(spent) if spent is not None else "> budget"
    step = "load" if label == "first run" else label
    if step in not_run:
        return f"not run: {not_run[step]} over budget"
    return _seconds(spent) if spent is not None else "> budget"


def _rows(
    ours: dict[str, Any],
    in_process: dict[str, Any],
    jena: dict[str, Any],
    base: dict[str, Any] | None,
) -> str:
    """The query's row count from each engine that answered; ≠ when they differ."""
    counts = [
        ours.get("rows"),
        in_process.get("rows"),
        (jena.get("tdb") or {}).get("rows"),
        (jena.get("memory") or {}).get("rows"),
        (base or {}).get("rows"),
    ]
    answered = {c for c in counts if c is not None}
    cells = " · ".join("—" if c is None else str(c) for c in counts)
    return f"**≠** {cells}" if len(answered) > 1 else cells


def _command_notes(result: dict[str, Any]) -> list[str]:
    notes = []
    jena = result.get("jena") or {}
    for name, query in jena.get("queries", {}).items():
        tdb = query.get("tdb") or {}
        if tdb.get("status") == "failed":
            why = tdb.get("why", "")
            runnable = (
                "not runnable on Jena 4.5 (LATERAL came in Jena 4.7)"
                if "LATERAL" in why
                else "failed on Jena"
            )
            notes.append(f"- {name}: {runnable}: {why[:160]}")
    notes += _violation_notes(result["commands"].get("validate", {}), jena.get("validate", {}))
    for step, measured in result["commands"].items():
        if isinstance(measured, dict) and measured.get("status") == "failed":
            notes.append(f"- clusterkg {step}: exit {measured['code']}: {measured['why'][:200]}")
    for name, query in result["commands"].get("queries", {}).items():
        if query.get("status") == "failed":
            notes.append(f"- clusterkg query {name}: exit {query['code']}: {query['why'][:200]}")
    return notes


def _violation_notes(ours: dict[str, Any], jena: dict[str, Any]) -> list[str]:
    mine, theirs = ours.get("violations"), jena.get("violations")
    if mine is None:
        return []
    line = f"- violations: clusterkg {sum(mine.values())}"
    if theirs is not None:
        line += f", Jena {sum(theirs.values())}"
        differ = {
            s: (mine.get(s, 0), theirs.get(s, 0))
            for s in sorted(set(mine) | set(theirs))
            if mine.get(s, 0) != theirs.get(s, 0)
        }
        if differ:
            shown = ", ".join(f"{s}: {a} vs {b}" for s, (a, b) in differ.items())
            line += (
                f"; by shape where they differ (clusterkg vs Jena): {shown}. Jena's `shacl` "
                "command reads one graph, not the statement groups (named graphs) that "
                "cksh:StatementSource's SPARQL looks in"
            )
    return [line]


def _command_target(label: str, ours: dict[str, Any] | None) -> str:
    target = COMMAND_TARGETS.get(label)
    if target is None or not ours or ours.get("wall") is None:
        return ""
    return _target(ours["wall"], target)


# --- in process -----------------------------------------------------------------------------------


def in_process_table(
    project: dict[str, Any], baseline: dict[str, Any] | None, budgets: dict[str, float]
) -> list[str]:
    steps = {**project["steps"]}
    steps["build"] = steps["load"] + steps["reason"]
    base_steps = (baseline or {}).get("steps", {})
    base_build = _sum(base_steps.get("load"), base_steps.get("reason"))
    lines = [
        "In process (engine work, no process start; queries: median of the runs, terms bound):",
        "",
        "| step | clusterkg | clusterkg, cached store | rdflib / owlrl / pyshacl | ratio "
        "| target (2 M) |",
        "|---|---|---|---|---|---|",
    ]
    for step in ("load", "reason", "build", "first run", "later runs", "validate", "export"):
        spent = base_build if step == "build" else base_steps.get(step)
        cell = _in_process_base(step, baseline, spent)
        on_disk = steps.get(f"{step} (cached store)")
        lines.append(
            f"| {step} | {_seconds(steps[step])} | {_seconds(on_disk) if on_disk else ''} | "
            f"{cell} | {_ratio(spent, steps[step])} | "
            f"{_target(steps[step], IN_PROCESS_TARGETS.get(step))} |"
        )
    for name, query in project["queries"].items():
        theirs = (baseline or {}).get("queries", {}).get(name, {})
        cell = _in_process_base("query", baseline, theirs.get("p50"))
        target = QUERY_TARGETS.get(name, IN_PROCESS_TARGETS[query["kind"]])
        checked = query["p50_cached"] if query["kind"] == "aggregate" else query["p50"]
        lines.append(
            f"| query {name} ({query['kind']}, {query['rows']} rows) | {_seconds(query['p50'])} | "
            f"{_seconds(query['p50_cached'])} | {cell} | {_ratio(theirs.get('p50'), query['p50'])} "
            f"| {_target(checked, target)} |"
        )
    base_rss = f"{baseline['peak_rss_mb']:,.0f} MB" if baseline else "—"
    lines.append(f"| peak RSS (worker) | {project['peak_rss_mb']:,.0f} MB | | {base_rss} | | |")
    return [*lines, ""]


def _in_process_base(step: str, baseline: dict[str, Any] | None, spent: float | None) -> str:
    if baseline is None:
        return "—"
    if step in ("first run", "later runs"):
        return "(no cache)"
    not_run = baseline.get("not run", {})
    key = "queries" if step == "query" else step
    if key in not_run:
        return f"not run: {not_run[key]}" + (" over budget" if key != "queries" else "")
    return _seconds(spent) if spent is not None else "> budget"


# --- cells ----------------------------------------------------------------------------------------


def _wall(measured: dict[str, Any] | None) -> str:
    if not measured:
        return "—"
    status = measured.get("status")
    if status == "ok":
        return _seconds(measured["wall"])
    if status == "over budget":
        return "> budget"
    if status == "failed":
        return "not runnable" if "LATERAL" in measured.get("why", "") else "failed"
    return "not run"


def _rss(measured: dict[str, Any] | None) -> str:
    if not measured or measured.get("rss_mb") is None:
        return ""
    return f"{measured['rss_mb']:,.0f} MB"


def _sum(*parts: float | None) -> float | None:
    return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)


def _expected(project: dict[str, Any]) -> str:
    """Say " of 13 planted, 12 expected by the shapes" where those counts differ from the found."""
    planted = project.get("planted")
    if not planted or planted["planted"] == planted["expected"] == project["violations"]:
        return ""
    return f" of {planted['planted']} planted, {planted['expected']} expected by the shapes"


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.1f} s"


def _ratio(theirs: float | None, ours: float | None) -> str:
    if theirs is None or ours is None or ours <= 0:
        return ""
    ratio = theirs / ours
    return f"{ratio:,.1f}×" if ratio < 10 else f"{ratio:,.0f}×"  # noqa: RUF001


def _target(value: float | None, target: float | None) -> str:
    if target is None or value is None:
        return ""
    return f"{'✓' if value <= target else '✗'} ≤ {_seconds(target)}"
