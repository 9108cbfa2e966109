"""`clusterkg cache list|info|clear`: what the build cache holds, and making room in it."""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click

from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.errors import ClusterKGError
from clusterkg.inputs.cache import BuildCache
from clusterkg.inputs.cache_entries import (
    SIZE_VARIABLE,
    Entry,
    human_size,
    in_use,
    parse_size,
    remove_unless_in_use,
)

F = TypeVar("F", bound=Callable[..., Any])
KEY_SHOWN = 12  # characters of a key in listings; any unique prefix names a build
FILES_SHOWN = 3


class Size(click.ParamType[int]):
    """A size in bytes written as people write it: 2GB, 500MB, 1.5GiB."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


def cache_size_option(function: F) -> F:
    """--cache-size on the group: the build cache's size in bytes."""
    return click.option(
        "--cache-size",
        type=Size(),
        envvar=SIZE_VARIABLE,
        metavar="SIZE",
        help="Keep the build cache under SIZE (e.g. 2GB, 500MB): the least recently used builds "
        "are removed first, never one in use (default: $CLUSTERKG_CACHE_SIZE, else 2GB).",
    )(function)


@click.group("cache")
def cache_command() -> None:
    """List the builds the cache keeps, or remove them.

    \b
        clusterkg cache list
        clusterkg cache clear 0b2a736d51f6
        clusterkg cache clear --all
    """


def _cache(settings: Settings) -> BuildCache:
    if settings.cache is None:
        raise ClusterKGError("--no-cache: there is no build cache to look at")
    return settings.cache


def _when(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def _built(entry: Entry) -> str:
    written = entry.meta.get("built")
    try:
        return _when(calendar.timegm(time.strptime(str(written), "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return "?"


def _data_files(entry: Entry) -> str:
    """The data files the build was made from (after the vocabulary): the first few."""
    first = entry.meta.get("vocabulary_files")
    files = entry.inputs[first:] if isinstance(first, int) else entry.inputs
    shown = ", ".join(files[:FILES_SHOWN]) or "(no data files)"
    more = len(files) - FILES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


@cache_command.command("list")
@pass_settings
def list_command(settings: Settings) -> None:
    """List the builds in the cache, the most recently used first.

    \b
        clusterkg cache list
    """
    cache = _cache(settings)
    entries = cache.entries()
    writing = cache.being_published()
    for key in writing:
        click.echo(f"{key[:KEY_SHOWN]}  being written by a background writer (not listed below)")
    if not entries:
        click.echo(f"no builds in {cache.root}")
        return
    for entry in entries:
        busy = "  (in use)" if in_use(entry.path) else ""
        click.echo(
            f"{entry.key[:KEY_SHOWN]}  {human_size(entry.size):>8}  built {_built(entry)}  "
            f"used {_when(entry.last_used)}  {entry.setting('reasoner')}/"
            f"{entry.setting('profile')}{busy}"
        )
        click.echo(f"    from {_data_files(entry)}")
    total = sum(e.size for e in entries)
    click.echo(f"{len(entries)} build(s), {human_size(total)} of {human_size(cache.limit)}")


@cache_command.command("info")
@pass_settings
def info_command(settings: Settings) -> None:
    """Say where the cache is, how much it holds and its size limit.

    \b
        clusterkg cache info
    """
    cache = _cache(settings)
    entries = cache.entries()
    click.echo(f"folder  {cache.root}")
    click.echo(f"builds  {len(entries)}")
    click.echo(f"size    {human_size(sum(e.size for e in entries))}")
    click.echo(f"limit   {human_size(cache.limit)} (--cache-size, ${SIZE_VARIABLE})")


@cache_command.command("clear")
@click.argument("keys", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Remove every build not in use.")
@pass_settings
def clear_command(settings: Settings, keys: tuple[str, ...], everything: bool) -> None:
    """Remove builds from the cache: those KEYS name (a prefix `cache list` shows), or --all.

    A build that a running process reads (a server, a query) is kept, and said so.

    \b
        clusterkg cache clear 0b2a736d51f6
        clusterkg cache clear --all
    """
    cache = _cache(settings)
    if bool(keys) == everything:
        raise click.UsageError("give the KEYS of the builds to remove, or --all (one of them)")
    entries = cache.entries()
    chosen = entries if everything else [_named(entries, key) for key in keys]
    freed, kept = 0, []
    for entry in chosen:
        if remove_unless_in_use(entry.path):
            freed += entry.size
            click.echo(f"removed {entry.key[:KEY_SHOWN]} ({human_size(entry.size)})")
        elif not entry.path.exists():
            click.echo(f"{entry.key[:KEY_SHOWN]} was removed already (by another process)")
        else:
            kept.append(entry)
            why = "a running process reads it" if in_use(entry.path) else "not yours to remove"
            click.echo(f"kept {entry.key[:KEY_SHOWN]}: {why}")
    click.echo(f"{human_size(freed)} freed; {len(kept)} build(s) kept")


def _named(entries: list[Entry], key: str) -> Entry:
    found = [e for e in entries if e.key.startswith(key.lower())]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ClusterKGError(f"no build in the cache has a key starting {key!r} (cache list)")
    raise ClusterKGError(f"{key!r} starts {len(found)} builds' keys: give more of the key")
