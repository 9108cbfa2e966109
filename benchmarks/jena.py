"""Apache Jena's commands on the same data (Debian's libapache-jena-java 4.5: `.ci/install-jena`).

Debian ships no wrapper scripts, so each command is `java -cp CLASSPATH riotcmd.riot …`, timed
with the JVM's start (a user waits for it too). The class path is Jena's jars and their Debian
dependencies only (all of /usr/share/java holds two SLF4J bindings that stop the JVM), plus a
small folder with the message files Debian's repackaged Xerces looks for but does not ship
(without them every Jena command dies at start in XSDDatatype's initialiser).

What Jena reads, made once per size from what clusterkg builds (`export --format nq --inferred`):
- store.nq: clusterkg's store as it is (asserted and inferred graphs and one named graph per
  statement group); TDB2 loads it and queries it with the union of its named graphs as the
  default graph, which is the asserted + inferred graphs (a group repeats asserted triples).
- memory.nq: the same plus the asserted + inferred triples in the default graph, for `arq`,
  whose in-memory dataset has no union default graph.
- asserted.nt: the asserted graph (data + vocabulary) alone, what both validators check.
Jena has no command that materialises OWL RL as clusterkg does, so its queries read the
triples clusterkg inferred: the same question, answered by each engine on the same closure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from processes import apart, json_rows, repeated, run_measured, single

JENA_PACKAGE = "libapache-jena-java"
JAVA_DIR = Path("/usr/share/java")
# SLF4J bindings beside the one kept (slf4j-simple): two on the class path stop the JVM.
_OTHER_BINDINGS = re.compile(r"slf4j-(log4j|jdk|jcl|reload|migrator|ext|nop)|log4j-over|jcl-over")
ASSERTED = "https://w3id.org/clusterkg/graph/asserted"
INFERRED = "https://w3id.org/clusterkg/graph/inferred"
DESCRIPTION = "https://w3id.org/clusterkg/graph/description"
UNION_DEFAULT = ["--set", "tdb:unionDefaultGraph=true"]


def classpath(scratch: Path) -> tuple[str | None, str]:
    """(class path, "") when Jena and Java are installed, else (None, why not)."""
    if shutil.which("java") is None:
        return None, "Java is not installed (run .ci/install-jena)"
    jars = _package_jars([JENA_PACKAGE, *_dependencies(JENA_PACKAGE)])
    if not any(j.name == "jena-arq.jar" for j in jars):
        return None, f"{JENA_PACKAGE} is not installed (run .ci/install-jena)"
    overlay = _xerces_messages(scratch / "jena-overlay", JAVA_DIR / "jena-core.jar")
    return ":".join([str(overlay), *map(str, jars)]), ""


def _dependencies(package: str) -> list[str]:
    listed = subprocess.run(
        ["apt-cache", "depends", package], capture_output=True, text=True, check=False
    ).stdout
    return [line.split(":", 1)[1].strip() for line in listed.splitlines() if "Depends:" in line]


def _package_jars(packages: list[str]) -> list[Path]:
    """The unversioned jars of the installed packages (dpkg lists each jar twice: name-1.2.jar
    and name.jar), SLF4J bindings other than slf4j-simple left out."""
    listed = subprocess.run(
        ["dpkg-query", "-L", *packages], capture_output=True, text=True, check=False
    ).stdout
    jars = [Path(p) for p in listed.splitlines() if p.startswith(f"{JAVA_DIR}/")]
    return sorted(
        {
            j
            for j in jars
            if j.suffix == ".jar"
            and not re.search(r"-\d[\d.]*\.jar$", j.name)
            and not _OTHER_BINDINGS.search(j.name)
        }
    )


def _xerces_messages(folder: Path, core: Path) -> Path:
    """Jena's shaded Xerces message files, copied where Debian's repackaged classes look."""
    shaded = "org/apache/jena/ext/xerces/impl/"
    with zipfile.ZipFile(core) as jar:
        for member in jar.namelist():
            if member.startswith(shaded) and member.endswith(".properties"):
                target = folder / "xerces/impl" / member[len(shaded) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(member))
    return folder


# --- what Jena reads ------------------------------------------------------------------------------


def prepare_inputs(store_nquads: Path, folder: Path) -> dict[str, Path]:
    """Split clusterkg's N-Quads export into the three files Jena reads (module docstring)."""
    files = {n: folder / n for n in ("store.nq", "memory.nq", "asserted.nt")}
    if all(f.is_file() for f in files.values()):
        return files
    own = {g: f"<{g}> ." for g in (ASSERTED, INFERRED, DESCRIPTION)}
    with (
        store_nquads.open(encoding="utf-8") as source,
        files["store.nq"].open("w", encoding="utf-8") as store,
        files["memory.nq"].open("w", encoding="utf-8") as memory,
        files["asserted.nt"].open("w", encoding="utf-8") as asserted,
    ):
        for line in source:
            stripped = line.rstrip()
            if stripped.endswith(own[DESCRIPTION]):
                continue  # the export's VoID/DCAT description: not in the store
            store.write(line)
            memory.write(line)
            for graph in (ASSERTED, INFERRED):
                if stripped.endswith(own[graph]):
                    triple = stripped[: -len(own[graph])] + ".\n"
                    memory.write(triple)
                    if graph == ASSERTED:
                        asserted.write(triple)
    return files


def query_text(text: str, params: list[tuple[str, str]], terms: dict[str, str]) -> str:
    """The stored query with its required parameters bound by a VALUES block at the head of the
    WHERE clause (the terms come from the data, written as RDF terms, never user text): Jena's
    commands take no bindings, and ARQ joins a leading VALUES first, as a substitution."""
    if not params:
        return text
    names = " ".join(f"?{p}" for p, _ in params)
    values = " ".join(terms[kind] for _, kind in params)
    block = f"VALUES ({names}) {{ ({values}) }}"
    where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if where is None:
        raise ValueError("no WHERE clause to bind parameters in")
    return f"{text[: where.end()]}\n  {block}\n{text[where.end() :]}"


# --- the commands ---------------------------------------------------------------------------------


def run_jena(
    cp: str,
    inputs: dict[str, Path],
    project: dict[str, Any],
    runs: int,
    budgets: dict[str, float],
    scratch: Path,
) -> dict[str, Any]:
    """Jena's peer of each clusterkg command, on the same files."""
    java = ["java", "-cp", cp]
    out: dict[str, Any] = {}
    # What every Jena command pays before its work: start the JVM, load Jena's classes
    out["start"] = repeated([*java, "riotcmd.riot", "--version"], runs, budget=budgets["command"])
    out["export"] = repeated(
        [*java, "riotcmd.riot", "--output=turtle", *project["files"]],
        runs,
        budget=budgets["command"],
        stdout=scratch / "jena-export.ttl",
    )
    report = scratch / "jena-validate.ttl"
    out["validate"] = repeated(
        [*java, "shacl.shacl", "validate", "--shapes", project["shapes"], "--data",
         str(inputs["asserted.nt"])],
        runs,
        budget=budgets["command"],
        stdout=report,
    )  # fmt: skip
    out["validate"]["violations"] = _violations(report)
    location = scratch / "tdb2"
    shutil.rmtree(location, ignore_errors=True)
    loaded = run_measured(
        [*java, "tdb2.tdbloader", "--loc", str(location), str(inputs["store.nq"])],
        budget=budgets["jena load"],
    )
    out["first run"] = single(loaded)
    out["queries"] = {}
    for name, query in project["queries"].items():
        path = scratch / f"jena-{name}.rq"
        path.write_text(query_text(query["text"], query["params"], project["terms"]))
        out["queries"][name] = _queries(java, path, location, inputs, runs, budgets, out)
    first = out["queries"].get("statistics", {}).get("tdb", {})
    out["later runs"] = first  # the same command as clusterkg's later run
    shutil.rmtree(location, ignore_errors=True)
    return out


def _queries(
    java: list[str],
    query: Path,
    location: Path,
    inputs: dict[str, Path],
    runs: int,
    budgets: dict[str, float],
    done: dict[str, Any],
) -> dict[str, Any]:
    """One query on the TDB2 store (tdbquery) and in memory (arq, one run: it parses the whole
    data set before the query, which is most of its time)."""
    result = query.with_suffix(".json")
    out: dict[str, Any] = {}
    if done["first run"]["status"] == "ok":
        tdb = repeated(
            [*java, "tdb2.tdbquery", "--loc", str(location), *UNION_DEFAULT,
             "--results=json", "--query", str(query)],
            runs,
            budget=budgets["command"],
            stdout=result,
        )  # fmt: skip
        tdb["rows"] = json_rows(result) if tdb["status"] == "ok" else None
        out["tdb"] = tdb
    else:
        out["tdb"] = {"status": "not run", "why": "TDB2 load did not finish"}
    if done.get("arq spent", 0.0) > budgets["arq"]:
        out["memory"] = {"status": "not run", "why": "arq's time for this size is used up"}
        return out
    memory = repeated(
        [*java, "arq.arq", "--data", str(inputs["memory.nq"]), "--results=json",
         "--query", str(query)],
        1,
        budget=budgets["arq"],
        stdout=result,
    )  # fmt: skip
    memory["rows"] = json_rows(result) if memory["status"] == "ok" else None
    # arq parses the whole data set for each query: its total per size has a budget too
    spent = {"ok": memory.get("wall", 0.0), "over budget": budgets["arq"]}
    done["arq spent"] = done.get("arq spent", 0.0) + spent.get(memory["status"], 0.0)
    out["memory"] = memory
    return out


def _violations(report: Path) -> dict[str, int] | None:
    """Results of severity sh:Violation in Jena's validation report (Turtle), by source shape;
    read in a child process (processes.apart: the report is 650 MB at 2 M)."""
    return apart(_violations_in, report)


def _violations_in(report: Path) -> dict[str, int] | None:
    try:
        text = report.read_text(encoding="utf-8")
    except OSError:
        return None
    shapes: dict[str, int] = {}
    for result in text.split("sh:ValidationResult")[1:]:
        if re.search(r"sh:resultSeverity\s+sh:Violation\b", result):
            shape = re.search(r"sh:sourceShape\s+(\S+)", result)
            name = _local(shape.group(1)) if shape else "?"
            shapes[name] = shapes.get(name, 0) + 1
    return shapes


def _local(term: str) -> str:
    """cksh:StatementSource and <…/shapes#StatementSource> alike: StatementSource."""
    return re.split(r"[#:/]", term.strip("<>;"))[-1]
