"""Content negotiation: an HTTP Accept header (RFC 9110 §12.5.1) against what a resource offers.

A browser asks for `text/html,…,*/*;q=0.8`; a SPARQL client for
`application/sparql-results+json`; curl for `*/*`. The offer listed first wins ties and answers
`*/*` or no header at all, so each route lists its offers with its default first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    quality: float
    order: int

    def matches(self, media_type: str) -> int:
        """How specifically this range matches `media_type` (2 exact, 1 type/*, 0 */*), or -1."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[_Range]:
    """The media ranges of an Accept header; an absent or empty header accepts anything."""
    if not header or not header.strip():
        return [_Range("*", "*", 1.0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append(_Range(kind, sub, quality, order))
    return ranges


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers: the highest quality its most specific matching range gives
    (ties: the earlier offer), or None when it accepts none of them (answer 406)."""
    ranges = parse_accept(header)
    best: tuple[float, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        quality = _quality(ranges, offer.lower())
        if quality <= 0:
            continue
        rank = (quality, -index)
        if best is None or rank > best:
            best, chosen = rank, offer
    return chosen


def _quality(ranges: list[_Range], offer: str) -> float:
    """The quality of the most specific range matching `offer` (0 if none does)."""
    matching = [(r.matches(offer), r) for r in ranges]
    matching = [(s, r) for s, r in matching if s >= 0]
    if not matching:
        return 0.0
    specificity = max(s for s, _ in matching)
    return max(r.quality for s, r in matching if s == specificity)
