"""The `import` command: a spreadsheet (.xlsx or .csv) → a TriG file of sourced statement
groups, validated with the graph it joins; `--template` writes an empty workbook to fill in."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from clusterkg.cli.saving import write_to
from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.errors import EXIT_VIOLATIONS, ClusterKGError
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.resolve import Resolver
from clusterkg.spreadsheets import DEFAULT_BASE, KINDS, import_workbook
from clusterkg.spreadsheets.context import data_files, validate_in_context
from clusterkg.spreadsheets.mapping_file import read_mapping_file
from clusterkg.spreadsheets.mappings import by_sheet_name
from clusterkg.spreadsheets.problems import ImportRefused
from clusterkg.spreadsheets.template import write_template


@click.command("import")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The TriG file to write (written whole or not at all).",
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A mapping file (TOML) naming each sheet's kind and columns.",
)
@click.option("--sheet", help="Import only this sheet of the workbook.")
@click.option(
    "--base",
    metavar="IRI",
    help="The base of new things' IRIs ({base}cluster/{slug} …; default: the "
    "workspace's base, else https://w3id.org/clusterkg/id/).",
)
@click.option(
    "--template",
    "template",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write an empty workbook to fill in (headers, drop-down lists, examples) "
    "instead of importing.",
)
@click.option(
    "--kind",
    type=click.Choice([*KINDS, "all"]),
    help="With --template: the sheets to include (default: the kind the file's name says, "
    "members.xlsx → members; else all).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write even if the imported statements violate the shapes (exit 1 still); "
    "with --template, overwrite an existing file.",
)
@pass_settings
def import_command(
    settings: Settings,
    file: Path | None,
    output: Path | None,
    mapping: Path | None,
    sheet: str | None,
    base: str | None,
    template: Path | None,
    kind: str | None,
    force: bool,
) -> None:
    """Import a spreadsheet of clusters, members, awards or people as sourced statements.

    FILE (.xlsx or .csv) is read sheet by sheet; each row becomes a statement group derived
    from the workbook and quoting the row. Names resolve as query parameters do, against the
    graph (without OUT, which the import replaces) and the workbook's own new things.
    Every problem is listed at its cell (file!sheet!C7); nothing is written unless the whole
    workbook imports and the graph with it passes the shapes (exit 2: unusable input, exit
    1: violations).

    \b
        clusterkg import --template members.xlsx
        clusterkg import members.xlsx -o data/members.trig

    Columns, names, dates and exit codes: docs/import.md.
    """
    if template is not None:
        if file is not None or output is not None:
            raise click.UsageError("--template FILE writes a template: give no FILE nor -o")
        kind = kind or _kind_named_by(template)
        write_template(template, settings.graph().engine, kind, force)
        click.echo(f"clusterkg: wrote the template {template} ({kind})", err=True)
        return
    if file is None or output is None:
        raise click.UsageError("give the spreadsheet and -o OUT.trig (or --template FILE.xlsx)")
    _check_paths(file, output, mapping)
    base = _base(settings, base)
    mapping_file = read_mapping_file(mapping) if mapping else None
    graph = _graph_without(settings, output)
    graph.with_closure()  # the name index classes things by their inferred types too
    names = Resolver.of_build(graph.engine, graph.built.names, graph.built.scanned_names).names
    try:
        imported = import_workbook(file, graph.engine, names, base, sheet, mapping_file)
    except ImportRefused as refused:
        for note in refused.notes:  # which mapping each sheet used explains many a problem
            click.echo(f"clusterkg: {note}", err=True)
        raise
    for note in imported.notes:
        click.echo(f"clusterkg: {note}", err=True)
    findings = validate_in_context(
        imported,
        output.name,
        file.name,
        [f for f in data_files(graph) if f.resolve() != output.resolve()],
        lambda data: settings.graph(data, whole_graph=True, keep_ill_typed=True, reasoning=False),
    )
    violations = [f for f in findings if f.problem.severity == "Violation"]
    for finding in findings:
        click.echo(str(finding), err=True)
    if violations and not force:
        raise _Invalid(
            f"{len(violations)} violation(s) in the imported statements: nothing "
            f"written (fix the sheet, or --force to write anyway)"
        )
    with write_to(output, [file, *([mapping] if mapping else [])]) as out:
        out.write(imported.text.encode("utf-8"))
    verdict = (
        f"{len(violations)} violation(s), written anyway (--force)"
        if violations
        else (
            f"valid with the graph ({len(findings)} warning(s))"
            if findings
            else "valid with the graph"
        )
    )
    groups = f"{imported.groups} statement group{'s' if imported.groups != 1 else ''}"
    click.echo(f"{output}: {groups} from {file.name}; {verdict}")
    _outside_the_workspace(settings, output)
    if violations:
        sys.exit(EXIT_VIOLATIONS)


def _outside_the_workspace(settings: Settings, output: Path) -> None:
    """In a workspace, only its data/ is read: an import written elsewhere is said to be
    unread, rather than silently missing from the next query."""
    workspace = settings.workspace
    if workspace is not None and not output.resolve().is_relative_to(workspace.data.resolve()):
        click.echo(
            f"clusterkg: note: {output} is outside the workspace's data folder "
            f"({workspace.data}): the workspace's commands will not read it",
            err=True,
        )


def _graph_without(settings: Settings, output: Path) -> KnowledgeGraph:
    """The command's graph without the output file: re-importing into `data/x.trig` must not
    find the things the earlier import added (it would then not add them again, and the new
    file would lack them once it replaces the old one)."""
    graph = settings.graph()
    data = data_files(graph)
    kept = [f for f in data if f.resolve() != output.resolve()]
    if len(kept) == len(data):
        return graph
    # No data left: name a vocabulary file, which the graph holds anyway (an empty list would
    # mean "the default data", the output included).
    return settings.graph(kept or graph.bundle.vocabulary()[:1])


class _Invalid(ClusterKGError):
    exit_code = EXIT_VIOLATIONS


def _check_paths(file: Path, output: Path, mapping: Path | None) -> None:
    if not file.is_file():
        raise ClusterKGError(f"{file}: no such file")
    inputs = [file] + ([mapping] if mapping else [])
    if any(output.resolve() == p.resolve() for p in inputs):
        raise ClusterKGError(f"-o {output} is an input of the import: give another file")
    if not output.resolve().parent.is_dir():  # said before the work, not after
        raise ClusterKGError(f"-o {output}: folder {output.resolve().parent} does not exist")
    if output.suffix.lower() != ".trig":
        raise ClusterKGError(
            f"-o {output}: write a .trig file (each row is a statement group, a named graph)"
        )


def _base(settings: Settings, given: str | None) -> str:
    base = given or (settings.workspace.config.base if settings.workspace else DEFAULT_BASE)
    if not base.endswith(("/", "#")) or not base.startswith(("http://", "https://")):
        raise ClusterKGError(f"--base {base}: expected an http(s) IRI ending in / or #")
    return base


def _kind_named_by(template: Path) -> str:
    """The kind of sheet a template's file name names (members.xlsx, Clusters.xlsx), as a
    CSV file's name tells its kind on import; "all" for any other name."""
    named = by_sheet_name(template.stem)
    return named.kind if named else "all"
