"""Data that does not conform is not published: refused with a short summary (how many
violations, the first few at file:line) unless the user forces it. Warnings do not block."""

from __future__ import annotations

from clusterkg.errors import EXIT_VIOLATIONS, ClusterKGError
from clusterkg.validation.report import Report, problem_order

SHOWN = 3


class NotConforming(ClusterKGError):
    """The data violates a shape: nothing was written to the server."""

    exit_code = EXIT_VIOLATIONS


def refuse_violations(report: Report) -> None:
    """A NotConforming error if the report has a violation."""
    if not report.violated:
        return
    violations = sorted(
        (p for p in report.problems if p.severity == "Violation"), key=problem_order
    )
    shown = "; ".join(p.text() for p in violations[:SHOWN])
    more = f"; and {len(violations) - SHOWN:,} more" if len(violations) > SHOWN else ""
    raise NotConforming(
        f"not published: the data does not conform ({len(violations):,} violations: "
        f"{shown}{more}); nothing was written to the server. Fix the data (clusterkg "
        "validate lists every problem), or publish it anyway with --force"
    )
