"""The kinds of planted violation: each changes one node (wherever its groups write it) so that
it produces exactly one SHACL result, and says so in MANIFEST.json (focus node, constraint
component, path, file). One kind writes a statement outside every group instead: a fact without
a source.

Award defects change only the latest, first or a bronze-only award of a cluster (nothing later
depends on them); clusterkg.generate.planting keeps any two defects off one label history or one
node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from clusterkg.generate.awards import award_props
from clusterkg.generate.model import Award, Company
from clusterkg.generate.namespaces import COUNTRY_NS, SH, full_iri
from clusterkg.output.turtle_writer import Props, iri, text, typed
from clusterkg.vocabulary import CKID

Transform = Callable[[Props], Props]  # the properties of a node as written → as planted
SHAPES = "https://w3id.org/clusterkg/shapes#"


def _unchanged(props: Props) -> Props:
    return props


@dataclass(frozen=True)
class Defect:
    """One planted problem: one SHACL result on `focus`, from `component`, on `path`."""

    kind: str
    focus: str  # the subject as written (a CURIE)
    component: str  # local name in the SHACL namespace
    path: str | None  # a CURIE
    file: str
    description: str
    transform: Transform
    outside: Props | None = None  # statements about the focus written outside every group
    shape: str | None = None  # the shape that reports it, where it is not there for long

    def manifest(self) -> dict[str, Any]:
        """The defect's entry in MANIFEST.json, with full IRIs."""
        entry = {
            "kind": self.kind,
            "focus": full_iri(self.focus),
            "component": SH + self.component,
            "path": full_iri(self.path) if self.path else None,
            "file": self.file,
            "description": self.description,
        }
        return entry | ({"shape": self.shape} if self.shape else {})


@dataclass(frozen=True)
class MembershipTarget:
    subject: str
    group: str  # the statement group that holds it
    other_cluster: str | None  # another cluster, for a membership that names two


def _drop(predicate: str) -> Transform:
    return lambda props: [(p, o) for p, o in props if p != predicate]


def _set(predicate: str, objects: list[str]) -> Transform:
    return lambda props: [(p, objects if p == predicate else o) for p, o in props]


def _add(predicate: str, obj: str) -> Transform:
    return lambda props: [(p, [*o, obj] if p == predicate else o) for p, o in props]


def _set_from(predicate: str, objects: Callable[[Props], list[str]]) -> Transform:
    """Set `predicate` to objects computed from the node's own properties."""
    return lambda props: _set(predicate, objects(props))(props)


def _value(props: Props, predicate: str) -> str:
    return dict(props)[predicate][0]


def _year_before_start(props: Props) -> list[str]:
    year = int(_value(props, "schema:startDate")[1:5])
    return [typed(f"{year - 1}-06", "gYearMonth")]


def _two_letter_country(props: Props) -> list[str]:
    code = _value(props, "ck:country").removeprefix("country:")
    return [iri(f"{COUNTRY_NS}{code[:2]}")]


def _untagged_name(props: Props) -> list[str]:
    return [_value(props, "skos:prefLabel").removesuffix("@en")]


def award_without_tier(award: Award) -> Defect:
    return Defect(
        "award-without-tier", f"award:{award.slug}", "MinCountConstraintComponent", "ck:tier",
        "awards.trig", "the cluster's latest label award has no ck:tier", _drop("ck:tier"),
    )  # fmt: skip


def award_year_out_of_range(award: Award) -> Defect:
    return Defect(
        "award-year-out-of-range", f"award:{award.slug}", "PatternConstraintComponent",
        "ck:awardYear", "awards.trig", "the cluster's first award is dated 1985, before any label",
        _set("ck:awardYear", [typed("1985", "gYear")]),
    )  # fmt: skip


def tier_goes_down(award: Award) -> Defect:
    first_bronze = min(a.year for a in award.cluster.awards if a.tier == 0)
    earlier = replace(award, year=first_bronze - 1)
    return Defect(
        "tier-goes-down-in-time", f"award:{award.slug}", "SPARQLConstraintComponent", None,
        "awards.trig", f"silver in {earlier.year}, before the first bronze ({first_bronze})",
        lambda _props: award_props(earlier),
    )  # fmt: skip


def tier_skipped(award: Award) -> Defect:
    gold = replace(award, tier=2)
    return Defect(
        "tier-skipped", f"award:{award.slug}", "SPARQLConstraintComponent", None, "awards.trig",
        "gold for a cluster that never held silver", lambda _props: award_props(gold),
    )  # fmt: skip


def issuer_not_labelling_body(award: Award) -> Defect:
    org = award.cluster.coordinator
    issuer = f"organisation:{org.slug}" if org else f"cluster:{award.cluster.slug}"
    return Defect(
        "issuer-not-a-labelling-body", f"award:{award.slug}", "SPARQLConstraintComponent", None,
        "awards.trig", "issued by the cluster's coordinator, not by a labelling body",
        _set("schema:issuedBy", [issuer]),
    )  # fmt: skip


def award_after_source(award: Award) -> Defect:
    return Defect(
        "award-dated-after-its-source", f"award:{award.slug}", "SPARQLConstraintComponent", None,
        "awards.trig", f"dated {award.year + 1}, after its source (the {award.year} register)",
        _set("ck:awardYear", [typed(str(award.year + 1), "gYear")]),
    )  # fmt: skip


def expires_before_valid(award: Award) -> Defect:
    expires = f"{award.year - 1}-{award.month:02d}"
    return Defect(
        "label-expires-before-valid", f"award:{award.slug}", "SPARQLConstraintComponent", None,
        "awards.trig", f"the label is valid through {expires}, before it becomes valid",
        _set("schema:validThrough", [typed(expires, "gYearMonth")]),
    )  # fmt: skip


def budget_not_decimal(subject: str) -> Defect:
    return Defect(
        "budget-not-a-decimal", subject, "DatatypeConstraintComponent", "schema:amount",
        "projects.trig", "the budget is an xsd:integer, not an xsd:decimal",
        _set("schema:amount", ["1250000"]),
    )  # fmt: skip


def project_ends_before_start(subject: str) -> Defect:
    return Defect(
        "project-ends-before-it-starts", subject, "SPARQLConstraintComponent", None,
        "projects.trig", "the project ends the year before it starts",
        _set_from("schema:endDate", _year_before_start),
    )  # fmt: skip


def funder_not_funder(subject: str) -> Defect:
    return Defect(
        "funder-not-a-funder", subject, "ClassConstraintComponent", "schema:funder",
        "projects.trig", "schema:funder names the project's coordinator, not a ck:Funder",
        _set_from("schema:funder", lambda props: [_value(props, "ck:coordinator")]),
    )  # fmt: skip


def sector_not_sector(subject: str) -> Defect:
    return Defect(
        "sector-not-a-sector", subject, "ClassConstraintComponent", "ck:sector", "clusters.trig",
        "ck:sector names a label tier", _set("ck:sector", ["tier:bronze"]),
    )  # fmt: skip


def country_code_malformed(subject: str) -> Defect:
    return Defect(
        "country-code-malformed", subject, "PatternConstraintComponent", "ck:country",
        "clusters.trig", "ck:country uses a two-letter code, not the EU table's three letters",
        _set_from("ck:country", _two_letter_country),
    )  # fmt: skip


def evidence_not_level(target: MembershipTarget) -> Defect:
    return Defect(
        "evidence-not-a-level", target.group, "InConstraintComponent", "ck:evidence",
        "memberships.trig", "the membership's group has a ck:evidence none of the levels",
        _set("ck:evidence", [iri(f"{CKID}evidence/rumoured")]),
    )  # fmt: skip


def inferred_without_reasoning(target: MembershipTarget) -> Defect:
    return Defect(
        "inferred-without-reasoning", target.group, "SPARQLConstraintComponent", None,
        "memberships.trig", "the membership's group is inferred but gives no ck:reasoning",
        _set("ck:evidence", ["evidence:inferred"]),
    )  # fmt: skip


def membership_of_two(target: MembershipTarget) -> Defect:
    return Defect(
        "membership-of-two-clusters", target.subject, "MaxCountConstraintComponent",
        "org:organization", "memberships.trig", "one membership names two clusters",
        _add("org:organization", target.other_cluster or ""),
    )  # fmt: skip


def membership_without_member(target: MembershipTarget) -> Defect:
    return Defect(
        "membership-without-member", target.subject, "MinCountConstraintComponent", "org:member",
        "memberships.trig", "the membership names no member", _drop("org:member"),
    )  # fmt: skip


def name_without_english(subject: str) -> Defect:
    return Defect(
        "name-without-english", subject, "QualifiedMinCountConstraintComponent",
        "skos:prefLabel", "companies.trig", "the company's only name has no @en tag",
        _set_from("skos:prefLabel", _untagged_name),
    )  # fmt: skip


def two_english_names(subject: str) -> Defect:
    return Defect(
        "two-english-names", subject, "UniqueLangConstraintComponent", "skos:prefLabel",
        "people.trig", "two English skos:prefLabel values", _add("skos:prefLabel", text("N. N.")),
    )  # fmt: skip


def post_without_role(subject: str) -> Defect:
    return Defect(
        "post-without-role", subject, "MinCountConstraintComponent", "org:role", "people.trig",
        "the post has no org:role", _drop("org:role"),
    )  # fmt: skip


def empty_alternative_name(subject: str) -> Defect:
    def transform(props: Props) -> Props:
        return [*_drop("skos:altLabel")(props), ("skos:altLabel", [text("")])]

    return Defect(
        "empty-alternative-name", subject, "MinLengthConstraintComponent", "skos:altLabel",
        "organisations.trig", "an empty skos:altLabel instead of the acronym", transform,
    )  # fmt: skip


def source_without_title(subject: str) -> Defect:
    return Defect(
        "source-without-title", subject, "MinCountConstraintComponent", "dcterms:title",
        "sources.ttl", "the source document has no dcterms:title", _drop("dcterms:title"),
    )  # fmt: skip


def statement_without_source(company: Company) -> Defect:
    return Defect(
        "statement-without-a-source", f"company:{company.slug}", "SPARQLConstraintComponent",
        "skos:altLabel", "companies.trig",
        "a name that no source gives, written outside every group",
        _unchanged, [("skos:altLabel", [text(company.name.upper())])],
        SHAPES + "StatementSource",
    )  # fmt: skip
