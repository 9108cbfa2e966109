"""The `validate` command: the SHACL report as text, JSON or Turtle, and its exit code; with
--endpoint, of the graph on a SPARQL server (clusterkg.validation.remote)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from clusterkg.cli.saving import output_option, refuse_bytes_on_terminal, write_to
from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.cli.terminal import colour_wanted, severities_coloured
from clusterkg.errors import EXIT_OK, EXIT_VIOLATIONS
from clusterkg.output.formats import names
from clusterkg.output.report_workbook import write_report
from clusterkg.output.sarif import as_sarif

if TYPE_CHECKING:
    from clusterkg.engine.remote import RemoteEngine
    from clusterkg.validation.report import Report


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(names("report")),
    default="text",
    help="text: one problem a line (file:line: severity: node property: message); "
    "json; ttl: the SHACL validation report graph; xlsx: a Report and a Summary sheet; "
    "sarif: SARIF 2.1.0 for code scanning (GitHub, GitLab).",
)
@click.option(
    "--in-context",
    is_flag=True,
    help="Check PATHS together with the graph's data (the bundled facts, or --data) and report "
    "only the problems in PATHS. Always so in a workspace.",
)
@output_option
@pass_settings
def validate_command(
    settings: Settings,
    paths: tuple[Path, ...],
    fmt: str,
    in_context: bool,
    output: Path | None,
) -> None:
    """Validate data files or folders (default: the graph's data) against the SHACL shapes.

    PATHS are validated together with the ontology and the reference vocabularies. In a
    workspace (or with --in-context) they are checked in the context of the whole graph (its
    data, and the bundled facts if it includes them) and only the problems in PATHS are reported.

    Exit 0 if no constraint is violated (warnings and info allowed), 1 if one is, 2 if an input
    (data or shapes) is unusable.

    With --endpoint, the server's graph (--graph) is validated instead, the compiled shapes
    running on the server; each problem names that graph in place of a file and line.

    \b
        clusterkg validate
        clusterkg validate my-new-cluster.trig
        clusterkg validate --in-context fetek-gold.trig
        clusterkg --endpoint http://localhost:7878/query validate
        clusterkg validate -f sarif -o clusterkg.sarif
        clusterkg validate -f xlsx -o report.xlsx
    """
    refuse_bytes_on_terminal(fmt, output)
    if settings.endpoint:
        report = _validate_on_server(settings, paths)
    elif paths and (in_context or settings.workspace is not None):
        report = _validate_in_context(settings, paths)
    else:
        report = _validate_here(settings, paths)
    if output is None and fmt == "text":
        text = severities_coloured(report.as_text(), sys.stdout)
        click.echo(text, nl=False, color=colour_wanted(sys.stdout) or None)
    elif output is None and fmt in ("json", "ttl"):
        click.echo(_rendered(report, fmt), nl=False)
    else:
        with write_to(output, _inputs(settings, paths)) as out:
            if fmt == "xlsx":
                write_report(report, out, paths)
            else:
                out.write(_rendered(report, fmt).encode("utf-8"))
        if output is not None:
            click.echo(f"clusterkg: wrote {output}", err=True)
    if report.violated and paths and not (settings.endpoint or in_context or settings.workspace):
        _say_files_were_checked_alone()
    sys.exit(EXIT_VIOLATIONS if report.violated else EXIT_OK)


def _say_files_were_checked_alone() -> None:
    """A file that adds to the bundled facts (an award for FETEK) is missing what they hold when
    checked alone: say how to check it with them."""
    click.echo(
        "clusterkg: note: the files were checked alone (with the ontology and reference "
        "vocabularies); to check them with the bundled facts, add --in-context, or keep them "
        "in a workspace (clusterkg init)",
        err=True,
    )


def _inputs(settings: Settings, paths: tuple[Path, ...]) -> list[Path]:
    """What -o may not replace: the files and folders validated, --data, the workspace's data."""
    workspace = [settings.workspace.data] if settings.workspace is not None else []
    return [*paths, *settings.data, *workspace]


def _rendered(report: Report, fmt: str) -> str:
    """The report as text in a text format: text, json, ttl or sarif."""
    if fmt == "sarif":
        return as_sarif(report)
    if fmt == "json":
        return report.as_json()
    if fmt == "ttl":
        return report.as_turtle()
    return report.as_text()


def _validate_here(settings: Settings, paths: tuple[Path, ...]) -> Report:
    # Ill-typed literals are listed as violations with everything else, not refused one by one.
    # Validation reads the asserted graph: no reasoning, unless contradictions are not known
    # from a cached build of the same inputs (then validate reasons to find them).
    graph = settings.graph(paths, whole_graph=True, keep_ill_typed=True, reasoning=False)
    return graph.validate(settings.validator)


def _validate_in_context(settings: Settings, paths: tuple[Path, ...]) -> Report:
    """PATHS with the graph's data (--data, else the workspace's or the bundled facts): the
    problems in PATHS, and on stderr how many the rest of the graph has."""
    from clusterkg.validation.in_context import located_in, with_context

    context = list(settings.data) or settings.bundle().data
    files = with_context(list(paths), context)
    whole = _validate_here(settings, tuple(files))
    report, elsewhere = located_in(whole, list(paths))
    if elsewhere:
        click.echo(
            f"clusterkg: {elsewhere} problem(s) in the rest of the graph not shown "
            "(`clusterkg validate` with no file lists them)",
            err=True,
        )
    return report


def _validate_on_server(settings: Settings, paths: tuple[Path, ...]) -> Report:
    """The server's graph against the bundled shapes; --validator reference reads the graph from
    the server and runs pySHACL here (as locally: same results, slower)."""
    if paths:
        raise click.UsageError(
            "with --endpoint the server's graph is validated: give no files "
            "(to validate files, leave out --endpoint)"
        )
    from clusterkg import backends
    from clusterkg.validation.remote import validate_remote

    backend = backends.checked("validator", settings.validator)
    engine = server_engine(settings)
    return validate_remote(engine, settings.bundle().shapes_files, engine.graphs, backend)


def server_engine(settings: Settings) -> RemoteEngine:
    """The engine port over the --endpoint server (--data refused: the server's graph is what
    was published there)."""
    remote = settings.remote()
    assert remote is not None, "called with --endpoint"
    return remote.engine
