"""Statement groups: every generated fact is written inside one (docs/model.md, "Statement-level
provenance"), a TriG named graph `statement:<slug>` described in the default graph by its
sources, its evidence level, its reasoning (inferred groups) and the quote it rests on.

A group holds the facts one source gives about one thing (a cluster's profile about the
cluster, one line of its member directory about a membership); a fact that two sources give is
written in a group of each. Quotes are Web Annotations (oa:SpecificResource with an
oa:TextQuoteSelector) named after their group rather than blank nodes: the tool locates a
problem by the subject a line starts with, and two million blank nodes would cost the loader's
blank-node checks their time.
"""

from __future__ import annotations

from dataclasses import dataclass

from clusterkg.output.turtle_writer import Node, text


@dataclass(frozen=True, slots=True)
class Group:
    """The facts that rest on the same sources, quote and evidence, before they are written."""

    slug: str
    sources: tuple[str, ...]  # CURIEs (source:…), the quoted one first
    evidence: str  # stated, confirmed or inferred
    nodes: list[Node]
    quote: str | None = None  # the source's words, verbatim
    reasoning: str | None = None  # why an inferred group was concluded

    @property
    def name(self) -> str:
        return f"statement:{self.slug}"


def description(group: Group) -> list[Node]:
    """The group's description (default graph): the group node, then its quote's two nodes."""
    quote = f"quote:{group.slug}"
    described: list[Node] = [
        (
            group.name,
            [
                ("a", ["ck:StatementGroup"]),
                ("prov:wasDerivedFrom", list(group.sources)),
                ("ck:evidence", [f"evidence:{group.evidence}"]),
                ("ck:reasoning", [text(group.reasoning)] if group.reasoning else []),
                ("ck:quote", [quote] if group.quote else []),
            ],
        )
    ]
    if group.quote:
        selector = f"{quote}-selector"
        described += [
            (
                quote,
                [
                    ("a", ["oa:SpecificResource"]),
                    ("oa:hasSource", [group.sources[0]]),
                    ("oa:hasSelector", [selector]),
                ],
            ),
            (selector, [("a", ["oa:TextQuoteSelector"]), ("oa:exact", [text(group.quote)])]),
        ]
    return described
