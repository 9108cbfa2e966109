"""LATERAL for servers that lack it: `LATERAL { OPTIONAL { P } … }` written `OPTIONAL { P } …`.

Two stored queries (organisations, provenance) keep LATERAL, an Oxigraph extension (SEP-0006),
because every portable form was 30 to 2,700 times slower on Oxigraph: there it makes the engine
look up the statement groups of the row at hand instead of reading every group first. A server
without it (Virtuoso 7) refuses the syntax. The two forms give the same rows: a LATERAL group
that holds only an OPTIONAL joins each row with the solutions of P compatible with it, keeping
the row when there are none, which is the left join `OPTIONAL { P }` makes, FILTERs inside P
seeing the row's bindings in both; a LATERAL group of several OPTIONALs is the same chain of
left joins either way. A LATERAL of another shape is left as written (the server then says it
cannot read it).
"""

from __future__ import annotations

from collections.abc import Sequence

from clusterkg.engine.binding import _is_word, _matching_braces, _significant, _Token


def without_lateral(query: str) -> str:
    """`query` with each `LATERAL { OPTIONAL { P } … }` written `OPTIONAL { P } …`."""
    tokens = _significant(query)
    if not any(_is_word(t, "LATERAL") for t in tokens):
        return query
    closing = _matching_braces(tokens)
    cuts: list[tuple[int, int]] = []  # text spans to remove: "LATERAL {" and its "}"
    for i, token in enumerate(tokens):
        if not _is_word(token, "LATERAL") or i + 1 >= len(tokens) or tokens[i + 1].text != "{":
            continue
        group_end = closing[i + 1]
        if _only_optionals(tokens, closing, i + 2, group_end):
            cuts.append((token.at, tokens[i + 2].at))
            cuts.append((tokens[group_end].at, tokens[group_end].at + 1))
    for start, end in sorted(cuts, reverse=True):
        query = query[:start] + query[end:]
    return query


def _only_optionals(tokens: Sequence[_Token], closing: dict[int, int], at: int, end: int) -> bool:
    """Whether the tokens from `at` to `end` are one or more `OPTIONAL { … }` and nothing else."""
    if at >= end:
        return False
    while at < end:
        if not _is_word(tokens[at], "OPTIONAL") or tokens[at + 1].text != "{":
            return False
        at = closing[at + 1] + 1
    return at == end
