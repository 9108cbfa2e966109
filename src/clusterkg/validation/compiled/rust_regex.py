"""sh:pattern (SHACL section 4.4.3) in Oxigraph: the part of Python's regex syntax that Oxigraph's
(Rust) regex reads the same way, so that SPARQL can settle most values before Python's re is
asked, as pySHACL asks it."""

from __future__ import annotations

import re

_RUST_SPECIAL = frozenset("\\.+*?()|[]{}^$")
_RUST_CLASS_SPECIAL = frozenset("\\[]^-&~")
_QUANTIFIER = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")


def rust_subset(pattern: str) -> str | None:
    """A Rust regex matching only strings Python's re matches with `pattern` (search), or None.

    Every construct kept matches the same, or fewer, strings in Rust: \\d becomes [0-9] (Python's
    \\d also matches other digits), Rust's $ matches only at the very end (Python's also before a
    final newline). A string the Rust regex does not match is then checked by Python's re itself.
    Anything else (classes like \\w, look-arounds, back-references, flags) gives None.
    """
    out: list[str] = []
    i, depth, quantifiable = 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            atom = _rust_escape(pattern[i + 1 : i + 2], in_class=False)
            if atom is None:
                return None
            out.append(atom)
            i, quantifiable = i + 2, True
        elif char == "[":
            parsed = _rust_class(pattern, i)
            if parsed is None:
                return None
            atom, i = parsed
            out.append(atom)
            quantifiable = True
        elif char == "(":
            if pattern.startswith("(?:", i):
                out.append("(?:")
                i += 3
            elif pattern.startswith("(?", i):
                return None
            else:
                out.append("(")
                i += 1
            depth, quantifiable = depth + 1, False
        elif char == ")":
            if depth == 0:
                return None
            out.append(")")
            i, depth, quantifiable = i + 1, depth - 1, True
        elif char in "*+?{":
            quantifier = _QUANTIFIER.match(pattern, i) if char == "{" else None
            if not quantifiable or (char == "{" and quantifier is None):
                return None
            text = quantifier.group(0) if quantifier else char
            i += len(text)
            if pattern.startswith("?", i):  # lazy: the same strings match
                text, i = text + "?", i + 1
            if i < len(pattern) and pattern[i] in "*+?{":
                return None  # possessive or stacked quantifiers
            out.append(text)
            quantifiable = False
        elif char in "|^$":
            out.append(char)
            i, quantifiable = i + 1, False
        elif char == ".":
            out.append(".")  # neither matches a newline
            i, quantifiable = i + 1, True
        else:
            out.append("\\" + char if char in _RUST_SPECIAL else char)
            i, quantifiable = i + 1, True
    return "".join(out) if depth == 0 else None


def _rust_escape(escaped: str, in_class: bool) -> str | None:
    if escaped == "d":
        return "0-9" if in_class else "[0-9]"
    if escaped in ("n", "t"):
        return "\\" + escaped
    if len(escaped) == 1 and escaped.isascii() and not escaped.isalnum():
        return _rust_literal(escaped, in_class)
    return None


def _rust_literal(char: str, in_class: bool) -> str:
    special = _RUST_CLASS_SPECIAL if in_class else _RUST_SPECIAL
    return "\\" + char if char in special else char


def _rust_class(pattern: str, start: int) -> tuple[str, int] | None:
    """[...] from `start`: (Rust class, index after it), or None if not plainly translatable."""
    i = start + 1
    negated = pattern.startswith("^", i)
    i += negated
    items: list[str] = []
    while True:
        if i >= len(pattern) or pattern[i] == "[" or (pattern[i] == "]" and not items):
            return None  # unterminated, nested-set syntax, or a leading ] (a literal in Python)
        if pattern[i] == "]":
            return "[" + ("^" if negated else "") + "".join(items) + "]", i + 1
        low = _class_char(pattern, i)
        if low is None:
            return None
        text, char, i = low
        if char is None:  # \d: not in a negated class, where [0-9] would allow more, not less
            if negated:
                return None
            items.append(text)
            continue
        if pattern.startswith("-", i) and i + 1 < len(pattern) and pattern[i + 1] != "]":
            high = _class_char(pattern, i + 1)
            if high is None or high[1] is None:
                return None
            items.append(f"{text}-{high[0]}")
            i = high[2]
        else:
            items.append(text)


def _class_char(pattern: str, i: int) -> tuple[str, str | None, int] | None:
    """One member of a class: (Rust text, the character or None for \\d, next index)."""
    if pattern[i] != "\\":
        return _rust_literal(pattern[i], in_class=True), pattern[i], i + 1
    escaped = pattern[i + 1 : i + 2]
    text = _rust_escape(escaped, in_class=True)
    if text is None:
        return None
    return text, None if escaped == "d" else escaped, i + 2
