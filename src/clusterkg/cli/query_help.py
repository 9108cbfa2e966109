"""`clusterkg query`'s command class: help that knows the stored queries, and `-p NAME=VALUE`.

click prints a command's help while it parses the arguments, before the command runs, and a
command's help is the same whatever its arguments. `query` is different: `query --help` lists
the stored queries, and `query NAME --help` is NAME's own help (title, description, parameters,
examples as whole command lines). So the help option is processed in the order it was given
rather than first, and when it follows NAME the help is NAME's.

`-p` takes one value, `NAME=VALUE`; `-p NAME VALUE`, the older two-word form the README uses,
is joined into it before click parses (a value with `=` in it, `-p title 'a=b'`, still works:
the name is what comes before the first `=`, and a name never holds one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from clusterkg.cli.settings import Settings
from clusterkg.errors import ClusterKGError
from clusterkg.queries.catalogue import Catalogue, StoredQuery
from clusterkg.workspace import Workspace, find_workspace

PARAM_OPTIONS = ("-p", "--param")
# Where parse_args leaves the parameter whose value is being typed, for shell completion.
PENDING = "clusterkg.pending_parameter"
# Where parse_args leaves the NAME given, for --help.
NAME = "clusterkg.query_name"


def catalogue_for(ctx: click.Context) -> Catalogue:
    """The stored queries a command in `ctx` sees: the bundled queries and the workspace's.
    Shell completion and the CLI reference have no settings yet (the group's callback has not
    run): the workspace is found as the callback would find it."""
    settings = ctx.find_object(Settings)
    if settings is None:
        settings = Settings(workspace=_workspace(ctx))
    return settings.catalogue()


def _workspace(ctx: click.Context) -> Workspace | None:
    given = ctx.find_root().params.get("workspace_dir")
    try:
        return Workspace.read(Path(given)) if given else find_workspace(Path.cwd())
    except (ClusterKGError, OSError):
        return None


class ParameterValue(click.ParamType[tuple[str, str], Any]):
    """`NAME=VALUE` as the pair (NAME, VALUE)."""

    name = "NAME=VALUE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        if isinstance(value, tuple):
            return (str(value[0]), str(value[1]))
        name, equals, given = str(value).partition("=")
        if not equals or not name:
            self.fail(f"{value!r}: give NAME=VALUE (or NAME VALUE), e.g. -p company=Rūta")
        return (name, given)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        from clusterkg.cli.completion import complete_parameter

        return complete_parameter(ctx, incomplete)


class StoredQueryCommand(click.Command):
    """The `query` command: its help and its -p, as the module's doc says."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.resilient_parsing:
            ctx.meta[PENDING] = pending_parameter(args)
        value_options = self._value_options(ctx)
        joined = joined_parameters(args, value_options)
        # --help is processed before any argument: it finds NAME here.
        ctx.meta[NAME] = first_argument(joined, value_options)
        return super().parse_args(ctx, joined)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        name = ctx.params.get("name") or ctx.meta.get(NAME)
        if not name:
            super().format_help(ctx, formatter)
            _format_query_list(catalogue_for(ctx), formatter)
            return
        stored = catalogue_for(ctx).get(name)
        formatter.write_usage(f"{ctx.command_path} {stored.name}", "[-p NAME=VALUE]... [OPTIONS]")
        _format_stored_query(stored, formatter)
        self.format_options(ctx, formatter)

    def shell_complete(
        self, ctx: click.Context, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        from clusterkg.cli.completion import complete_pending_value

        pending = ctx.meta.get(PENDING)
        if pending is not None and not incomplete.startswith("-"):
            return complete_pending_value(ctx, pending, incomplete)
        return super().shell_complete(ctx, incomplete)

    def _value_options(self, ctx: click.Context) -> set[str]:
        """The options (other than -p) that take a value: a word after one is its value."""
        return {
            opt
            for param in self.get_params(ctx)
            if isinstance(param, click.Option) and not param.is_flag and not param.count
            for opt in param.opts + param.secondary_opts
            if opt not in PARAM_OPTIONS
        }


def joined_parameters(args: list[str], value_options: set[str]) -> list[str]:
    """`args` with every `-p NAME VALUE` written `-p NAME=VALUE` (and `-p NAME= VALUE`, as shell
    completion may leave it, too); `-p NAME=VALUE`, `--param=…` and `-pNAME=…` as given."""
    joined: list[str] = []
    at = 0
    while at < len(args):
        arg = args[at]
        if arg == "--":
            return joined + args[at:]
        if arg in value_options:
            joined += args[at : at + 2]
            at += 2
            continue
        option, value = _param_option(arg)
        at += 1
        if option is None:
            joined.append(arg)
            continue
        if value is None:
            if at == len(args):
                joined.append(arg)
                continue
            value, at = args[at], at + 1
        name, equals, given = value.partition("=")
        if (not equals or not given) and at < len(args):
            value, at = f"{name}={args[at]}", at + 1
        joined += [option, value]
    return joined


def first_argument(args: list[str], value_options: set[str]) -> str | None:
    """The first word of `args` (joined) that is no option and no option's value: NAME."""
    at = 0
    while at < len(args):
        arg = args[at]
        if arg == "--":
            return args[at + 1] if at + 1 < len(args) else None
        if arg in value_options or arg in PARAM_OPTIONS:
            at += 2
        elif arg.startswith("-") and arg != "-":
            at += 1
        else:
            return arg
    return None


def _param_option(arg: str) -> tuple[str | None, str | None]:
    """("-p", the value attached to it or None) if `arg` is -p/--param, else (None, None)."""
    if arg in PARAM_OPTIONS:
        return arg, None
    if arg.startswith("--param="):
        return "--param", arg.removeprefix("--param=")
    if arg.startswith("-p") and not arg.startswith("--"):
        return "-p", arg[2:]
    return None, None


def pending_parameter(args: list[str]) -> str | None:
    """The parameter whose value is typed next, when `args` (the words before the one being
    completed) end with `-p NAME` or, as bash splits words at `=`, with `-p NAME =`."""
    words = args[:-1] if args[-1:] == ["="] else args
    if len(words) >= 2 and words[-2] in PARAM_OPTIONS and "=" not in words[-1]:
        return words[-1]
    return None


def _format_query_list(catalogue: Catalogue, formatter: click.HelpFormatter) -> None:
    with formatter.section("Stored queries (clusterkg query NAME --help for one)"):
        formatter.write_dl([(stored.name, stored.title) for stored in catalogue])


def _format_stored_query(stored: StoredQuery, formatter: click.HelpFormatter) -> None:
    formatter.write_paragraph()
    with formatter.indentation():
        formatter.write_text(stored.title)
        if stored.description:
            formatter.write_paragraph()
            formatter.write_text(stored.description)
    with formatter.section("Parameters"):
        rows = [
            (
                f"-p {p.name}=<{p.kind}>",
                f"{'required' if p.required else 'optional'}. {p.description}",
            )
            for p in stored.parameters
        ]
        if rows:
            formatter.write_dl(rows)
        else:
            formatter.write_text("none")
    _format_examples(stored, formatter)


def _format_examples(stored: StoredQuery, formatter: click.HelpFormatter) -> None:
    """Each example as a whole command line, unwrapped, to copy."""
    lines = [f"clusterkg query {stored.name} {options}" for options in stored.example_options()]
    with formatter.section("Examples"):
        for line in lines or [f"clusterkg query {stored.name}"]:
            formatter.write(f"{'':>{formatter.current_indent}}{line.rstrip()}\n")
