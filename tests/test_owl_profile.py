"""The ontology, with the reference vocabularies it uses, is OWL 2 DL, as the OWL API says.

The checker is the OWL API's OWL2DLProfile (the reference implementation of the OWL 2 profiles),
run by tests/owl_profile/OwlDlProfile.java on the Turtle files merged into one RDF/XML file. The
OWL API is Debian's libowlapi-java, installed by `.ci/install-owlapi`; where it is missing the
check is skipped, except in CI (CI=true), where it must run.

What OWL 2 DL cannot say and the model keeps anyway (OUTSIDE_DATATYPE_MAP) is explained in
docs/model.md, section "OWL 2 DL"; any other finding fails the test and is printed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "clusterkg.ttl"
REFERENCE = sorted((ROOT / "ontology" / "reference").glob("*.ttl"))
CHECKER = Path(__file__).resolve().parent / "owl_profile" / "OwlDlProfile.java"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "owl"
MODEL_DOC = ROOT / "docs" / "model.md"

INSTALL = "bash .ci/install-owlapi (apt-get install libowlapi-java)"
JAVA_DIR = Path("/usr/share/java")
# The OWL API and the libraries it loads Turtle, RDF/XML and profiles with, as Debian names them.
OWLAPI_JARS = [
    "owlapi-distribution",
    "guava",
    "caffeine",
    "commons-io",
    "commons-codec",
    "commons-rdf-api",
    "hppcrt",
    "jsr305",
    "atinject-jsr330-api",
    "xz",
    "slf4j-api",
    "slf4j-nop",  # quiet: the findings are the output
    "rdf4j-model",
    "rdf4j-model-api",
    "rdf4j-rio-api",
    "rdf4j-util",
]

# A run of a few seconds: the quick compiler only and one GC thread take a second and a core less.
JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]

XSD = "http://www.w3.org/2001/XMLSchema#"
# XSD datatypes outside the OWL 2 datatype map that the model uses on purpose (docs/model.md,
# "OWL 2 DL"): a year, a month and a validity period are what the sources state.
OUTSIDE_DATATYPE_MAP = {XSD + "gYear", XSD + "gMonth", XSD + "duration"}
# The findings such a datatype causes: the OWL API knows no datatype it was not told of.
DATATYPE_FINDINGS = {"UseOfUndeclaredDatatype", "UseOfDefinedDatatypeInLiteral"}


@dataclass(frozen=True)
class Finding:
    """One reason the graph is not OWL 2 DL: the OWL API's kind, the IRI it is about, its text."""

    kind: str
    about: str
    text: str

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 400 else self.text[:400] + "…"
        return f"{self.kind} <{self.about}>: {text}"


def accepted(finding: Finding) -> bool:
    """A finding the model accepts (docs/model.md, "OWL 2 DL"): a datatype outside the map."""
    return finding.kind in DATATYPE_FINDINGS and finding.about in OUTSIDE_DATATYPE_MAP


def owlapi_classpath() -> str:
    """The OWL API's class path, or skip (fail in CI) saying what is missing."""
    missing = [f"{name}.jar" for name in OWLAPI_JARS if not (JAVA_DIR / f"{name}.jar").exists()]
    if missing:
        missing = [f"{', '.join(missing)} in {JAVA_DIR}"]
    if shutil.which("java") is None:
        missing.insert(0, "java (a JDK 11 or later)")
    if missing:
        reason = f"the OWL 2 DL checker needs {', '.join(missing)}: run {INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return os.pathsep.join(str(JAVA_DIR / f"{name}.jar") for name in OWLAPI_JARS)


def owlapi_version() -> str:
    """The installed OWL API's version, from its jar's manifest."""
    with zipfile.ZipFile(JAVA_DIR / "owlapi-distribution.jar") as jar:
        manifest = jar.read("META-INF/MANIFEST.MF").decode("utf-8")
    found = re.search(r"^Bundle-Version: (\S+)", manifest, flags=re.M)
    return found.group(1) if found else "unknown"


def owl_dl_findings(files: list[Path], folder: Path) -> list[Finding]:
    """Everything the OWL API finds against OWL 2 DL in the files taken as one ontology."""
    classpath = owlapi_classpath()
    merged = rdflib.Graph()
    for path in files:
        merged.parse(path)
    # RDF/XML: the OWL API's own parser of it is its oldest and most used
    document = folder / "merged.rdf"
    merged.serialize(document, format="xml")
    process = subprocess.run(
        ["java", *JVM_OPTIONS, "-cp", classpath, str(CHECKER), str(document)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    lines = process.stdout.splitlines()
    findings = [Finding(*line.split("\t")[1:4]) for line in lines if line.startswith("FINDING\t")]
    assert lines[-1] == f"FINDINGS\t{len(findings)}", process.stdout[-2000:]
    return findings


def summary(findings: list[Finding]) -> str:
    """One line per kind and IRI with its count and first text, then the version checked with."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.kind, finding.about), []).append(finding)
    lines = [f"{len(group)} x {group[0]}" for group in groups.values()]
    return "\n".join([*lines, f"(OWL API {owlapi_version()}, OWL2DLProfile)"])


@pytest.fixture(scope="module")
def ontology_findings(tmp_path_factory: pytest.TempPathFactory) -> list[Finding]:
    assert REFERENCE  # a check over no reference vocabulary would pass silently
    return owl_dl_findings([ONTOLOGY, *REFERENCE], tmp_path_factory.mktemp("owl"))


def test_the_ontology_with_its_reference_vocabularies_is_owl2_dl(
    ontology_findings: list[Finding],
) -> None:
    unexpected = [finding for finding in ontology_findings if not accepted(finding)]
    assert not unexpected, "not OWL 2 DL:\n" + summary(unexpected)


def test_every_accepted_divergence_still_occurs(ontology_findings: list[Finding]) -> None:
    """An accepted divergence the ontology no longer has must leave the list and the docs."""
    occurring = {finding.about for finding in ontology_findings if accepted(finding)}
    assert occurring == OUTSIDE_DATATYPE_MAP


def test_the_model_doc_explains_every_accepted_divergence() -> None:
    text = MODEL_DOC.read_text(encoding="utf-8")
    section = re.search(r"^## OWL 2 DL\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert section, "docs/model.md has no section '## OWL 2 DL'"
    for datatype in OUTSIDE_DATATYPE_MAP:
        assert f"xsd:{datatype.removeprefix(XSD)}" in section.group(1), datatype


def test_the_checker_finds_a_data_property_under_an_annotation_property(tmp_path: Path) -> None:
    """The ck:acronym mistake, alone in a file: the checker must say it is not OWL 2 DL."""
    findings = owl_dl_findings([FIXTURES / "acronym-under-altlabel.ttl"], tmp_path)
    found = {(f.kind, f.about) for f in findings}
    # The OWL API reads the rdfs:subPropertyOf by the declaration it meets first, an order the
    # RDF/XML writer leaves to Python's hash seed: as a data subproperty (skos:altLabel is then
    # an annotation property and a data property at once), or as an annotation subproperty
    # (ex:acronym is then an annotation property never declared one). Both say: not OWL 2 DL.
    alt_label_punned = ("IllegalPunning", str(rdflib.SKOS.altLabel))
    acronym_undeclared = (
        "UseOfUndeclaredAnnotationProperty",
        "https://example.org/owl-fixture#acronym",
    )
    assert found & {alt_label_punned, acronym_undeclared}, summary(findings)
    assert not any(accepted(finding) for finding in findings)


def test_the_checker_passes_the_same_properties_as_annotation_properties(tmp_path: Path) -> None:
    """The fix of that mistake: nothing found, so the check above fails for the right reason."""
    findings = owl_dl_findings([FIXTURES / "acronym-as-annotation.ttl"], tmp_path)
    assert not findings, summary(findings)
