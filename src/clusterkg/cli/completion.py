"""Shell completion: `clusterkg completion bash|zsh|fish` and what TAB offers.

click completes command and option names itself, when the shell runs `clusterkg` with
`_CLUSTERKG_COMPLETE=bash_complete` (zsh_complete, fish_complete) and the words typed; the
script `clusterkg completion SHELL` prints sets that up. Here are the rest: stored query names
(the bundled ones and a workspace's), a query's parameter names (`-p <TAB>` gives `company=`),
and values of the kinds that have a short fixed list: tiers and sectors, read from the reference
vocabulary files, and countries. Nothing builds or opens a graph: TAB answers at once.
"""

from __future__ import annotations

from functools import cache

import click
import pyoxigraph as ox
from click import shell_completion
from click.shell_completion import CompletionItem, get_completion_class

from clusterkg.errors import ClusterKGError
from clusterkg.inputs.bundle import bundled
from clusterkg.queries.catalogue import Catalogue, StoredQuery
from clusterkg.queries.values import EUROPEAN_COUNTRIES
from clusterkg.vocabulary import CK, PREFIXES, RDF_TYPE

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_CLUSTERKG_COMPLETE"


class BashComplete(shell_completion.BashComplete):
    """click's bash script, with no space after a completion that ends with `=` (`company=`),
    so the value is typed right after it."""

    _added = "            COMPREPLY+=($value)\n"
    _no_space = "            [[ $value == *= ]] && compopt -o nospace\n"
    source_template = shell_completion.BashComplete.source_template.replace(
        _added, _added + _no_space
    )


shell_completion.add_completion_class(BashComplete, "bash")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion_command(ctx: click.Context, shell: str) -> None:
    """Print the shell completion script for SHELL (docs/shell.md says where to put it).

    \b
        eval "$(clusterkg completion bash)"     # in ~/.bashrc
        eval "$(clusterkg completion zsh)"      # in ~/.zshrc
        clusterkg completion fish > ~/.config/fish/completions/clusterkg.fish
    """
    root = ctx.find_root()
    script_class = get_completion_class(shell)
    assert script_class is not None, "click knows bash, zsh and fish"
    script = script_class(root.command, {}, root.info_name or "clusterkg", COMPLETE_VAR)
    click.echo(script.source())


def complete_query_name(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Stored query names starting with what is typed, each with its title."""
    catalogue = _catalogue(ctx)
    if catalogue is None:
        return []
    return [
        CompletionItem(stored.name, help=stored.title)
        for stored in catalogue
        if stored.name.startswith(incomplete)
    ]


def complete_parameter(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    """After `-p`: the query's parameter names as `NAME=` (those not given yet); once `NAME=`
    is typed, NAME's values as `NAME=VALUE`."""
    stored = _stored_query(ctx)
    if stored is None:
        return []
    name, equals, partial = incomplete.partition("=")
    if equals:
        return [
            CompletionItem(f"{name}={item.value}", help=item.help)
            for item in _values(stored, name, partial)
        ]
    given = {pair[0] for pair in ctx.params.get("params") or () if isinstance(pair, tuple)}
    return [
        CompletionItem(f"{p.name}=", help=p.description)
        for p in stored.parameters
        if p.name.startswith(incomplete) and p.name not in given
    ]


def complete_pending_value(ctx: click.Context, name: str, incomplete: str) -> list[CompletionItem]:
    """The value of parameter `name` typed as its own word: `-p sector <TAB>`, or after the
    `=` of `-p sector=`, which bash makes a word of its own."""
    stored = _stored_query(ctx)
    return [] if stored is None else _values(stored, name, incomplete)


def _values(stored: StoredQuery, name: str, partial: str) -> list[CompletionItem]:
    parameter = stored.parameter(name)
    if parameter is None:
        return []
    choices = _choices(parameter.kind)
    wanted = partial.casefold()
    return [
        CompletionItem(value, help=label)
        for value, label in choices
        if value.casefold().startswith(wanted)
    ]


def _choices(kind: str) -> list[tuple[str, str]]:
    """The values TAB offers for a parameter of `kind`, with what each names: tiers and sectors
    by the last segment of their IRI (which resolves like their label: `medical-tourism`),
    countries by ISO code."""
    if kind == "tier":
        return _concepts("label-tiers.ttl", CK + "LabelTier", PREFIXES["tier"])
    if kind == "sector":
        return _concepts("sectors.ttl", CK + "Sector", PREFIXES["sector"])
    if kind == "country":
        return [(alpha2, name) for alpha2, _, name in EUROPEAN_COUNTRIES]
    return []


@cache
def _concepts(file: str, class_iri: str, namespace: str) -> list[tuple[str, str]]:
    """The things of `class_iri` in a reference vocabulary file, by local name, with their
    skos:prefLabel."""
    typed: set[str] = set()
    labels: dict[str, str] = {}
    path = bundled().root / "ontology" / "reference" / file
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError):
        return []
    for quad in quads:
        subject = quad.subject.value
        if quad.predicate.value == RDF_TYPE and quad.object.value == class_iri:
            typed.add(subject)
        elif quad.predicate.value == PREFIXES["skos"] + "prefLabel":
            labels.setdefault(subject, quad.object.value)
    return sorted(
        (iri.removeprefix(namespace), labels.get(iri, ""))
        for iri in typed
        if iri.startswith(namespace)
    )


def _stored_query(ctx: click.Context) -> StoredQuery | None:
    from clusterkg.cli.query_help import NAME

    # A trailing `-p` stops click's parser before NAME: the command's parse_args found it.
    name = ctx.params.get("name") or ctx.meta.get(NAME)
    catalogue = _catalogue(ctx)
    if not name or catalogue is None:
        return None
    try:
        return catalogue.get(name)
    except ClusterKGError:
        return None


def _catalogue(ctx: click.Context) -> Catalogue | None:
    """The stored queries, or None if they cannot be read: TAB never prints an error."""
    from clusterkg.cli.query_help import catalogue_for

    try:
        return catalogue_for(ctx)
    except ClusterKGError:
        return None
