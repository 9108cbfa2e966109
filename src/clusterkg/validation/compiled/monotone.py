"""Proof, read off a compiled query's text, that a Python check only ever makes a value pass more.

A server cannot call the compiled queries' Python checks (functions.py), so portable.py writes the
constant `false` in their place and trusts the server's rows to be a superset of the violations.
That holds when each flag `BIND (COALESCE(condition, false) AS ?okN)` of a value query is monotone
in every check it calls: true for a check can only turn the flag from false to true, never back.
The conditions are IF chains (expressions.all_of and any_of), where that is so by construction;
this module checks it on the text rather than taking it on trust, so that a later component that
puts a check under `!`, `=` or NOT EXISTS (sh:not would) is refused remotely instead of silently
giving fewer results. Walking out from the call, every enclosing expression must be one of:

    IF(c, x, y)        with the check inside x or y (either branch: the IF picks it whole), or
                       inside c when x is `true` or y is `false` (c || y, c && x: monotone in c)
    COALESCE(e, false) with the check inside e (an error reads as false, as the check's `false`)
    BIND (e AS ?okN)   the flag itself: the walk ends there

and the check must be the whole of its argument (no operator beside it), up to the BIND.
"""

from __future__ import annotations

import re

_FLAG = re.compile(r"^(?P<expression>.*) AS (?P<flag>\?ok[0-9]+)$", re.S)
_NAME_BEFORE = re.compile(r"(?P<name>[A-Za-z_]+)\s*$")


def flag_of_check(text: str, start: int, end: int) -> str | None:
    """The flag variable (`?okN`) that the check call at text[start:end] makes only truer, or
    None if its place in the query does not prove that."""
    pairs, skips = _scan(text)
    while True:
        enclosing = _enclosing(pairs, start, end)
        if enclosing is None:
            return None
        opening, closing = enclosing
        name_match = _NAME_BEFORE.search(text, 0, opening)
        name = name_match.group("name").upper() if name_match else ""
        arguments = _split_arguments(text, opening + 1, closing, pairs, skips)
        index = _argument_holding(arguments, start, end)
        if index is None:
            return None
        argument = text[arguments[index][0] : arguments[index][1]]
        if name == "BIND" and len(arguments) == 1:
            flag = _FLAG.match(argument.strip())
            if flag and _is_whole(flag.group("expression"), text[start:end]):
                return flag.group("flag")
            return None
        if not _is_whole(argument, text[start:end]) or not _monotone_place(
            name, [text[a:b].strip() for a, b in arguments], index
        ):
            return None
        assert name_match is not None
        start, end = name_match.start("name"), closing + 1


def _monotone_place(name: str, arguments: list[str], index: int) -> bool:
    """Whether argument `index` of the call `name(arguments)` is a place where true can only
    make the call's value truer."""
    if name == "IF" and len(arguments) == 3:
        return index in (1, 2) or arguments[1] == "true" or arguments[2] == "false"
    if name == "COALESCE":
        return index == 0 and all(a == "false" for a in arguments[1:])
    return False


def _is_whole(argument: str, expression: str) -> bool:
    return argument.strip() == expression.strip()


def _scan(text: str) -> tuple[dict[int, int], dict[int, int]]:
    """Each opening parenthesis's position → its closing one's, and each string literal's or
    IRI's start → its end: parentheses and commas inside those are text, not structure."""
    pairs: dict[int, int] = {}
    skips: dict[int, int] = {}
    stack: list[int] = []
    i = 0
    while i < len(text):
        skipped = _quoted_end(text, i)
        if skipped is not None:
            skips[i] = skipped
            i = skipped
            continue
        if text[i] == "(":
            stack.append(i)
        elif text[i] == ")" and stack:
            pairs[stack.pop()] = i
        i += 1
    return pairs, skips


def _quoted_end(text: str, i: int) -> int | None:
    """The end of the string literal or IRI starting at `i`, if one does (compiled queries
    write comparisons with spaces, `?v < 5`, and IRIs without: expressions.sparql)."""
    if text[i] == '"':
        j = i + 1
        while j < len(text) and text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, len(text))
    if text[i] == "<" and i + 1 < len(text) and not text[i + 1].isspace() and text[i + 1] != "=":
        closing = text.find(">", i)
        if closing != -1 and not any(c.isspace() for c in text[i:closing]):
            return closing + 1
    return None


def _enclosing(pairs: dict[int, int], start: int, end: int) -> tuple[int, int] | None:
    """The innermost parentheses around text[start:end]."""
    around = [(o, c) for o, c in pairs.items() if o < start and c >= end]
    return max(around) if around else None


def _split_arguments(
    text: str, start: int, end: int, pairs: dict[int, int], skips: dict[int, int]
) -> list[tuple[int, int]]:
    """text[start:end] cut at its top-level commas (not within parentheses, strings, IRIs)."""
    spans: list[tuple[int, int]] = []
    begin, i = start, start
    while i < end:
        if i in pairs:
            i = pairs[i] + 1
        elif i in skips:
            i = skips[i]
        else:
            if text[i] == ",":
                spans.append((begin, i))
                begin = i + 1
            i += 1
    spans.append((begin, end))
    return spans


def _argument_holding(arguments: list[tuple[int, int]], start: int, end: int) -> int | None:
    for index, (a, b) in enumerate(arguments):
        if a <= start and end <= b:
            return index
    return None
