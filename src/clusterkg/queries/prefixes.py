"""The prefixes an ad-hoc query may use without declaring them, and the declarations added for it.

Results print `cluster:fetek`, `tier:bronze`, `ck:Cluster`; a person copying one into
`clusterkg sparql` should not have to look up its namespace first. So the prefixes of
clusterkg.vocabulary, and those the bundled data and vocabulary files declare, are predeclared:
a query that uses one it does not declare gets the declaration (its own PREFIX always wins).

The query is read as the engine reads it, cut into SPARQL terminals (clusterkg.engine.safety),
so a `foo:` inside a string, an IRI or a comment is never taken for a prefix. The declarations
go before the query's first line, on that line: only line 1's columns move, by `len(added)`,
which clusterkg.engine.syntax.Where takes back off in error messages.

Stored queries get none of this: they are kept valid SPARQL for any server, with their own
declarations (clusterkg.queries.catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

from clusterkg.engine.safety import position, terminals
from clusterkg.engine.syntax import Where, check_syntax, undeclared_prefix
from clusterkg.errors import QueryError
from clusterkg.vocabulary import EU_COUNTRY, PREFIXES

_CKID = PREFIXES["ckid"]

# Declared by the bundled data and vocabulary files beyond clusterkg.vocabulary's list
# (tests/test_prefixes.py checks that every prefix those files declare is here or there).
_BUNDLED_FILES: dict[str, str] = {
    "country": EU_COUNTRY,
    "scheme": _CKID + "scheme/",
    "role": _CKID + "role/",
    "criterion": _CKID + "criterion/",
    "quotation": _CKID + "quotation/",
    "quote": _CKID + "quote/",
    "figure": _CKID + "figure/",
    "forecast": _CKID + "forecast/",
    "grant": _CKID + "grant/",
    "funder": _CKID + "funder/",
    "funding-scheme": _CKID + "funding-scheme/",
    "change-event": _CKID + "change-event/",
    "nace": "http://data.europa.eu/ux2/nace2/",
    "cksh": "https://w3id.org/clusterkg/shapes#",
    "vann": "http://purl.org/vocab/vann/",
}

# Other names in common use for a namespace above (DCAT's own documents write dct:).
_ALIASES: dict[str, str] = {"dct": PREFIXES["dcterms"]}

PREDECLARED: dict[str, str] = PREFIXES | _BUNDLED_FILES | _ALIASES
"""Every predeclared prefix and its namespace IRI: clusterkg.vocabulary's first, in its order."""


@dataclass(frozen=True)
class PrefixedQuery:
    """A query with the declarations it needed (`added`, put before its first line)."""

    text: str
    added: str = ""

    @property
    def shift(self) -> int:
        """How many characters line 1 moved right."""
        return len(self.added)


def ad_hoc_query(query: str, origin: str | None = None, local: bool = True) -> str:
    """An ad-hoc query as it is run: with the predeclared prefixes it needs (see with_prefixes),
    and, when it runs on the local engine (`local`), parsed first, so a syntax error is said at
    once, before a graph is built, at its place in the text as written (`origin`: its file)."""
    prefixed = with_prefixes(query, origin, refuse_unknown=local)
    if local:
        check_syntax(prefixed.text, Where(origin, prefixed.shift))
    return prefixed.text


def with_prefixes(
    query: str, origin: str | None = None, refuse_unknown: bool = True
) -> PrefixedQuery:
    """`query` with a PREFIX declaration for each predeclared prefix it uses and does not
    declare. `refuse_unknown`: a prefix it uses that is neither declared nor predeclared is a
    QueryError naming its line and column (in `origin`, its file, if given). Not for a remote
    server, which may predeclare prefixes of its own, as Virtuoso does."""
    declared, used = _prefixes_of(query)
    missing: list[str] = []
    for prefix, at in used:
        if prefix in declared or prefix in missing:
            continue
        if prefix in PREDECLARED:
            missing.append(prefix)
        elif refuse_unknown:
            raise QueryError(_unknown(query, prefix, at, Where(origin)))
    added = "".join(f"PREFIX {p}: <{PREDECLARED[p]}> " for p in missing)
    return PrefixedQuery(added + query, added)


def declarations(fmt: str) -> str:
    """The predeclared prefixes as `fmt` writes them: text (aligned columns), ttl, sparql, json."""
    if fmt == "json":
        import json

        return json.dumps(PREDECLARED, indent=2) + "\n"
    width = max(len(prefix) for prefix in PREDECLARED) + 1
    lines = {
        "text": "{prefix:<{width}} {iri}",
        "ttl": "@prefix {prefix:<{width}} <{iri}> .",
        "sparql": "PREFIX {prefix:<{width}} <{iri}>",
    }[fmt]
    return "".join(
        lines.format(prefix=f"{prefix}:", iri=iri, width=width) + "\n"
        for prefix, iri in PREDECLARED.items()
    )


def _prefixes_of(query: str) -> tuple[set[str], list[tuple[str, int]]]:
    """The prefixes `query` declares, and those it uses with the offset of each first use."""
    declared: set[str] = set()
    used: list[tuple[str, int]] = []
    after_prefix_keyword = False
    for kind, text, at in terminals(query):
        if kind in ("space", "comment"):
            continue
        if kind == "name":
            prefix = text.partition(":")[0]
            if after_prefix_keyword:
                declared.add(prefix)
            else:
                used.append((prefix, at))
        after_prefix_keyword = kind == "word" and text.upper() == "PREFIX"
    return declared, used


def _unknown(query: str, prefix: str, at: int, where: Where) -> str:
    line, column = position(query, at)
    near = get_close_matches(prefix, list(PREDECLARED), n=1, cutoff=0.6)
    return f"{where.at(line, column)}: {undeclared_prefix(prefix, near[0] if near else None)}"
