"""The built-in mappings: the four sheets people keep (clusters, member companies, label awards,
people and their posts), each a list of columns with the headers they are known by, what a cell
holds, and whether the column is required. Which mapping a sheet uses is told by its name
(`Members`) or, failing that, by its header row; docs/import.md lists every column.

What each column becomes in RDF is in clusterkg.spreadsheets.statements, which writes the same
properties and classes as the bundled facts (data/*.trig).
"""

from __future__ import annotations

from dataclasses import dataclass

from clusterkg.queries.names import normalise

# What a column holds:
#   text         a text, kept as written (trimmed)
#   date         a date as precise as known (clusterkg.spreadsheets.cell_values)
#   web          a web address
#   country      a country: ISO code or English name
#   new:KIND     a name that may name a new thing of KIND (made if no name matches)
#   name:KIND    a name of a thing of KIND that exists (in the graph or the same workbook)
#   names:KIND   several such names, separated by ; or ,
TEXT, DATE, WEB, COUNTRY = "text", "date", "web", "country"


@dataclass(frozen=True)
class Column:
    field: str
    holds: str
    required: bool = False
    # other headers it is known by, besides its field name (compared normalised)
    aliases: tuple[str, ...] = ()
    help: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.field, *self.aliases)


@dataclass(frozen=True)
class Mapping:
    kind: str  # clusters, members, awards, people
    sheet_names: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def field_of(self, header: str) -> str | None:
        """The field a header names, compared case-, accent- and punctuation-blind."""
        key = normalise(header)
        for column in self.columns:
            if key in (normalise(h) for h in column.headers):
                return column.field
        return None


CLUSTERS = Mapping(
    "clusters",
    ("clusters", "cluster", "klasteriai"),
    (
        Column("name", "new:cluster", True, ("cluster", "cluster name"), "The cluster's name"),
        Column("acronym", TEXT, help="Its acronym, e.g. LITEK"),
        Column(
            "other names",
            TEXT,
            aliases=("also known as", "alternative name"),
            help="Other names, separated by ;",
        ),
        Column("country", COUNTRY, help="ISO code or English name, e.g. LT or Lithuania"),
        Column("sectors", "names:sector", aliases=("sector",), help="Sectors, separated by ;"),
        Column("website", WEB, aliases=("homepage", "web", "url"), help="Its web address"),
        Column(
            "coordinator",
            "new:organisation",
            aliases=("coordinating organisation",),
            help="The organisation that coordinates it",
        ),
        Column(
            "founded",
            DATE,
            aliases=("founding date", "founded on"),
            help="2013-05-30, 2015-01 or 2015",
        ),
        Column("description", TEXT, help="One sentence, in English"),
    ),
)

MEMBERS = Mapping(
    "members",
    ("members", "member companies", "memberships", "nariai"),
    (
        Column("cluster", "name:cluster", True, help="The cluster, by name or acronym"),
        Column(
            "company",
            "new:organisation",
            True,
            ("member", "organisation", "organization", "member company"),
            "The member: an existing organisation's name, or a new company's",
        ),
        Column("since", DATE, aliases=("member since", "joined"), help="When it joined"),
        Column("role", "name:role", help="Its role (default: Member)"),
    ),
)

AWARDS = Mapping(
    "awards",
    ("awards", "labels", "label awards"),
    (
        Column("cluster", "name:cluster", True, help="The cluster awarded"),
        Column("tier", "name:tier", True, ("label", "level"), "Bronze, Silver or Gold"),
        Column(
            "awarded on",
            DATE,
            aliases=("awarded", "award date", "year"),
            help="The year, month or day of the award",
        ),
        Column("valid from", DATE, help="First day (or month, year) of validity"),
        Column(
            "valid until",
            DATE,
            aliases=("valid through", "expires"),
            help="Last day (or month, year) of validity",
        ),
        Column(
            "source",
            WEB,
            aliases=("source url", "evidence"),
            help="The web page that reports the award",
        ),
        Column(
            "issuer",
            "name:organisation",
            aliases=("issued by",),
            help="The labelling body (default: ESCA)",
        ),
    ),
)

PEOPLE = Mapping(
    "people",
    ("people", "persons", "posts", "contacts"),
    (
        Column("person", "new:person", True, ("name", "full name"), "The person's full name"),
        Column(
            "organisation",
            "name:organisation",
            True,
            ("organization", "cluster", "company"),
            "Where the post is",
        ),
        Column("role", "name:role", True, help="Director, Cluster coordinator, …"),
        Column(
            "post",
            TEXT,
            aliases=("title", "position", "job title"),
            help="The post's title as written, e.g. Director of MITA",
        ),
    ),
)

MAPPINGS: dict[str, Mapping] = {m.kind: m for m in (CLUSTERS, MEMBERS, AWARDS, PEOPLE)}
# Sheets of the template that hold no data.
NOT_DATA = {"about", "examples", "example", "lists"}


def by_sheet_name(name: str | None) -> Mapping | None:
    if name is None:
        return None
    key = normalise(name)
    return next((m for m in MAPPINGS.values() if key in m.sheet_names), None)


def by_headers(headers: list[str]) -> list[Mapping]:
    """The mappings whose required columns are all among `headers`, best covered first."""
    fitting = []
    for mapping in MAPPINGS.values():
        fields = {mapping.field_of(h) for h in headers} - {None}
        if all(c.field in fields for c in mapping.required):
            fitting.append((-len(fields), mapping.kind, mapping))
    return [m for *_, m in sorted(fitting)]
