"""Records → statements, with the properties and classes the bundled facts use (data/*.trig):

- clusters: `ck:Cluster`, `skos:prefLabel @en`, `ck:acronym`, `skos:altLabel`, `ck:country`
  (EU authority IRI), `ck:sector`, `foaf:homepage`, `ck:coordinator`, `schema:foundingDate`,
  `dcterms:description @en`;
- members: an `org:Membership` (`org:member`, `org:organization`, `org:role`, default
  role:member; `schema:startDate` for "since"), IRI `membership/{company}-{cluster}`;
- awards: a `ck:LabelAward` (`ck:awardedTo`, `ck:tier`, `schema:issuedBy` ESCA unless given,
  `ck:awardYear` and `ck:awardMonth`, `schema:validFrom`, `schema:validThrough`), IRI
  `award/{cluster}-{tier}-{year}`;
- people: a `foaf:Person` (`foaf:name`, `skos:prefLabel`) holding an `org:Post` (`org:postIn`,
  `org:heldBy`, `org:role`), IRI `post/{organisation}-{role}-{person}`.

A thing the workbook adds is typed and named in the group of the first row that names it.
Each row is one statement group (docs/model.md): derived from the workbook's source node (and a
row's own source page, for awards), evidence stated, and quoting the row itself.
"""

from __future__ import annotations

from collections.abc import Callable

from clusterkg.spreadsheets import trig
from clusterkg.spreadsheets.cell_values import DateValue
from clusterkg.spreadsheets.records import Columns, Record, Thing
from clusterkg.vocabulary import CK, CKID, FOAF, ORG, PREFIXES, XSD, slugify

SCHEMA = PREFIXES["schema"]

Triples = list[trig.Triple]
ESCA = CKID + "organisation/esca"
MEMBER_ROLE = CKID + "role/member"
# The column each property is written from, to say a validation problem at its cell.
FIELD_OF: dict[str, str] = {
    CK + "acronym": "acronym",
    CK + "country": "country",
    CK + "sector": "sectors",
    CK + "coordinator": "coordinator",
    FOAF + "homepage": "website",
    SCHEMA + "foundingDate": "founded",
    CK + "awardedTo": "cluster",
    CK + "tier": "tier",
    CK + "awardYear": "awarded on",
    CK + "awardMonth": "awarded on",
    SCHEMA + "validFrom": "valid from",
    SCHEMA + "validThrough": "valid until",
    SCHEMA + "issuedBy": "issuer",
    ORG + "organization": "cluster",
    ORG + "member": "company",
    SCHEMA + "startDate": "since",
    ORG + "role": "role",
    ORG + "postIn": "organisation",
}


class Writer:
    """Makes the groups of one import: `known` prefixes for the output's terms, `base` for the
    IRIs of new facts (memberships, awards, posts, groups), `source` the workbook's node."""

    def __init__(self, known: dict[str, str], base: str, source: str) -> None:
        self.known = known
        self.base = base
        self.source = source
        self.catalogue: dict[str, list[str]] = {}  # web pages cited by rows, described once

    def i(self, value: str) -> str:
        return trig.iri(value, self.known)

    def group(self, record: Record, columns: Columns, group_iri: str) -> trig.Group:
        where = (record.sheet.name, record.row, columns.letters)
        group = trig.Group(self.i(group_iri), where)
        kind = columns.mapping.kind
        group.triples = _BUILDERS[kind](self, record) + self.extras(
            record, _SUBJECT[kind](self, record)
        )
        sources = [self.source]
        page = record["source"]
        if columns.mapping.kind == "awards" and isinstance(page, str):
            sources.append(page)
            self.catalogue[page] = [f"{self.i(page)} a ck:WebSource ."]
        group.description = [
            f"prov:wasDerivedFrom {', '.join(self.i(s) for s in sources)}",
            "ck:evidence evidence:stated",
            f"ck:quote [ a oa:SpecificResource ; oa:hasSource {self.i(self.source)} ; "
            f"oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact {_quote(record, columns)} ] ]",
        ]
        return group

    def extras(self, record: Record, subject: str) -> Triples:
        """The mapping file's extra columns, as properties of the row's thing."""
        out = []
        for iri, kind, value in record.extras:
            if kind == "date":
                term = _date(value)
            elif kind == "web":
                term = self.i(value)
            elif kind == "integer":
                term = trig.literal(str(int(value)), datatype=XSD + "integer")
            else:
                term = trig.literal(value, "en" if kind == "text" else None)
            out.append((subject, self.i(iri), term))
        return out

    def introduce(self, thing: Thing, classes: str, lang: str | None = "en") -> Triples:
        """The type and name of a thing the workbook adds, on the row that first names it."""
        if not thing.introduced:
            return []
        me = self.i(thing.iri)
        return [(me, "a", classes), (me, "skos:prefLabel", trig.literal(thing.name, lang))]


def _quote(record: Record, columns: Columns) -> str:
    """The row as the group's quotation: where it is and what its cells say, header by header.
    Tagged `und` (BCP 47: undetermined), since a sheet's cells can be in any language."""
    sheet = f"{record.sheet.name}!" if record.sheet.name else ""
    cells = " | ".join(
        f"{columns.headers[c.column]} = {_shown(c.value)}"
        for c in record.cells
        if c.value is not None
    )
    return trig.literal(f"{record.sheet.file}!{sheet}row {record.row}: {cells}", "und")


def _shown(value: object) -> str:
    from clusterkg.spreadsheets.cell_values import text

    return text(value)  # type: ignore[arg-type]


def _date(value: DateValue) -> str:
    return trig.literal(value.lexical, datatype=XSD + value.datatype)


def _cluster(w: Writer, r: Record) -> Triples:
    cluster: Thing = r["name"]
    me = w.i(cluster.iri)
    out = w.introduce(cluster, "ck:Cluster")
    if r["acronym"]:
        out.append((me, "ck:acronym", trig.literal(r["acronym"])))
    for other in (r["other names"] or "").split(";"):
        if other.strip():
            out.append((me, "skos:altLabel", trig.literal(other.strip(), "en")))
    if r["country"]:
        out.append((me, "ck:country", w.i(r["country"].iri)))
    for sector in r["sectors"] or []:
        out.append((me, "ck:sector", w.i(sector.iri)))
    if r["website"]:
        out.append((me, "foaf:homepage", w.i(r["website"])))
    if r["coordinator"]:
        out += w.introduce(r["coordinator"], "org:FormalOrganization")
        out.append((me, "ck:coordinator", w.i(r["coordinator"].iri)))
    if r["founded"]:
        out.append((me, "schema:foundingDate", _date(r["founded"])))
    if r["description"]:
        out.append((me, "dcterms:description", trig.literal(r["description"], "en")))
    return out


def _member(w: Writer, r: Record) -> Triples:
    cluster: Thing = r["cluster"]
    company: Thing = r["company"]
    me = _membership(w, r)
    label = trig.literal(f"{company.name} is a member of {cluster.name}", "en")
    out = w.introduce(company, "ck:Company")
    out += [
        (me, "a", "org:Membership"),
        (me, "rdfs:label", label),
        (me, "skos:prefLabel", label),
        (me, "org:member", w.i(company.iri)),
        (me, "org:organization", w.i(cluster.iri)),
        (me, "org:role", w.i(r["role"].iri if r["role"] else MEMBER_ROLE)),
    ]
    if r["since"]:
        out.append((me, "schema:startDate", _date(r["since"])))
    return out


def _award(w: Writer, r: Record) -> Triples:
    cluster: Thing = r["cluster"]
    tier: Thing = r["tier"]
    awarded: DateValue | None = r["awarded on"]
    year = f"-{awarded.year}" if awarded else ""
    me = _award_iri(w, r)
    tier_name = _segment(tier.iri).capitalize()
    label = trig.literal(f"{tier_name} Label{year.replace('-', ' ')}: {cluster.name}", "en")
    out = [
        (me, "a", "ck:LabelAward"),
        (me, "rdfs:label", label),
        (me, "skos:prefLabel", label),
        (me, "ck:awardedTo", w.i(cluster.iri)),
        (me, "ck:tier", w.i(tier.iri)),
        (me, "schema:issuedBy", w.i(r["issuer"].iri if r["issuer"] else ESCA)),
    ]
    if awarded:
        out.append((me, "ck:awardYear", trig.literal(awarded.year, datatype=XSD + "gYear")))
        if awarded.month:
            month = trig.literal(f"--{awarded.month}", datatype=XSD + "gMonth")
            out.append((me, "ck:awardMonth", month))
    if r["valid from"]:
        out.append((me, "schema:validFrom", _date(r["valid from"])))
    if r["valid until"]:
        out.append((me, "schema:validThrough", _date(r["valid until"])))
    return out


def _person(w: Writer, r: Record) -> Triples:
    person: Thing = r["person"]
    where: Thing = r["organisation"]
    role: Thing = r["role"]
    segments = f"{_segment(where.iri)}-{_segment(role.iri)}-{_segment(person.iri)}"
    post = w.i(f"{w.base}post/{segments}")
    me = w.i(person.iri)
    out = w.introduce(person, "foaf:Person", lang=None)
    if person.introduced:
        out.append((me, "foaf:name", trig.literal(person.name)))
    title = r["post"] or f"{role.name} of {where.name}"
    label = trig.literal(title, "en")
    out += [
        (me, "org:holds", post),
        (post, "a", "org:Post"),
        (post, "rdfs:label", label),
        (post, "skos:prefLabel", label),
        (post, "org:postIn", w.i(where.iri)),
        (post, "org:heldBy", me),
        (post, "org:role", w.i(role.iri)),
    ]
    return out


def _membership(w: Writer, r: Record) -> str:
    return w.i(f"{w.base}membership/{_segment(r['company'].iri)}-{_segment(r['cluster'].iri)}")


def _award_iri(w: Writer, r: Record) -> str:
    awarded: DateValue | None = r["awarded on"]
    year = f"-{awarded.year}" if awarded else ""
    return w.i(f"{w.base}award/{_segment(r['cluster'].iri)}-{_segment(r['tier'].iri)}{year}")


def _segment(iri: str) -> str:
    """The last path segment of an IRI, as a slug (for the IRIs of facts about things)."""
    return slugify(iri.rstrip("/").rsplit("/", 1)[-1])


_BUILDERS: dict[str, Callable[[Writer, Record], Triples]] = {
    "clusters": _cluster,
    "members": _member,
    "awards": _award,
    "people": _person,
}

# The row's thing, which a mapping file's extra columns describe.
_SUBJECT: dict[str, Callable[[Writer, Record], str]] = {
    "clusters": lambda w, r: w.i(r["name"].iri),
    "members": _membership,
    "awards": _award_iri,
    "people": lambda w, r: w.i(r["person"].iri),
}
