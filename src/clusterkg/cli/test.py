"""The `test` command: a workspace's checks, one line each, a summary and the exit code."""

from __future__ import annotations

import sys
import time

import click

from clusterkg.cli.settings import Settings, pass_settings
from clusterkg.errors import EXIT_OK, EXIT_VIOLATIONS, ClusterKGError


@click.command("test")
@pass_settings
def test_command(settings: Settings) -> None:
    """Check the workspace's stored queries against their expected results, and that every
    *-violation query (bundled and the workspace's) gives no rows.

    A query NAME.rq of the workspace is checked against each NAME.expected.csv (and
    NAME.expected-*.csv) beside it. Exit 0 if every check passes, 1 if one fails, 2 if an
    input cannot be used.

    \b
        clusterkg test
    """
    from clusterkg.workspace.testing import plan, run

    if settings.workspace is None:
        raise ClusterKGError(
            "clusterkg test checks a workspace: run it in one (`clusterkg init DIR` makes one) "
            "or give --workspace DIR"
        )
    checks = plan(settings.workspace, settings.catalogue())
    started = time.monotonic()
    graph = settings.graph()
    passed = failed = 0
    for outcome in run(checks, graph):
        mark = "PASS" if outcome.passed else "FAIL"
        click.echo(f"{mark}  {outcome.name}  ({outcome.where})")
        for line in outcome.details:
            click.echo(f"      {line}")
        passed, failed = passed + outcome.passed, failed + (not outcome.passed)
    for query in checks.untested:
        click.echo(f"SKIP  {query.name}  (no {query.name}.expected.csv beside it)")
    seconds = time.monotonic() - started
    skipped = f", {len(checks.untested)} without expected results" if checks.untested else ""
    click.echo(f"{passed} passed, {failed} failed{skipped} in {seconds:.2f} s")
    sys.exit(EXIT_VIOLATIONS if failed else EXIT_OK)
