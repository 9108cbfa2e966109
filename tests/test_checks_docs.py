"""docs/checks.md's examples hold: the GitHub Actions workflow and the GitLab job are valid YAML
with the steps the page describes (and their validate command writes what the upload reads), the
pre-commit configuration names hooks that exist, the editor task's patterns read the text report,
and the format tables list every format validate and query offer."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from click.testing import CliRunner

from clusterkg.cli import cli
from clusterkg.output.formats import names

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "docs" / "checks.md"
SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
BROKEN = ROOT / "tests" / "fixtures" / "sarif" / "broken-award.trig"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[str]:
    text = CHECKS.read_text(encoding="utf-8")
    found = [m.group(2) for m in FENCE.finditer(text) if m.group(1) == language]
    assert found, f"docs/checks.md has no {language} block"
    return found


def yaml_block(containing: str) -> Any:
    (block,) = [b for b in blocks("yaml") if containing in b]
    return yaml.safe_load(block)


def test_the_github_workflow_validates_and_uploads_the_sarif_log() -> None:
    workflow = yaml_block("upload-sarif")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request"}
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["validate"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    runs = [s["run"] for s in steps if "run" in s]
    assert any(r.startswith("pip install") and "clusterkg" in r for r in runs)
    validate = next(shlex.split(r) for r in runs if "-f" in r and "sarif" in r)
    assert validate[:2] == ["clusterkg", "validate"]
    written = validate[validate.index("-o") + 1]
    upload = next(
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    )
    assert upload["if"] == "always()"  # also after a violation failed the step before
    assert upload["with"]["sarif_file"] == written
    validate_step = next(i for i, s in enumerate(steps) if "sarif" in s.get("run", ""))
    assert steps.index(upload) > validate_step


def test_the_workflows_validate_step_writes_a_log_the_upload_can_read(
    in_folder: Path,
) -> None:
    workflow = yaml_block("upload-sarif")
    steps = workflow["jobs"]["validate"]["steps"]
    command = next(shlex.split(s["run"]) for s in steps if "sarif" in s.get("run", ""))
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    # a data repository with one broken file, validated as the step does
    shutil.copy(BROKEN, in_folder / "broken-award.trig")
    result = CliRunner().invoke(cli, [*command[1:], "broken-award.trig"])
    assert result.exit_code == 1, (result.stderr, result.exception)
    log = json.loads((in_folder / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"broken-award.trig"}  # relative to the repository's root, as GitHub needs


def test_the_gitlab_job_keeps_the_files_its_script_writes() -> None:
    job = yaml_block("artifacts")["validate"]
    script = [shlex.split(line.split("||")[0]) for line in job["script"]]
    assert all(words[:2] == ["clusterkg", "validate"] for words in script)
    written = {words[words.index("-o") + 1] for words in script if "-o" in words}
    assert set(job["artifacts"]["paths"]) == written == {"validation.xlsx", "clusterkg.sarif"}
    assert job["artifacts"]["when"] == "always"
    assert "||" not in job["script"][-1]  # the last validate decides the job


def test_the_pre_commit_configurations_name_hooks_that_exist() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ours = {hook["id"]: hook for hook in hooks}
    remote = yaml_block("rev:")
    (repo,) = remote["repos"]
    assert {hook["id"] for hook in repo["hooks"]} <= set(ours)
    local = yaml_block("repo: local")
    (hook,) = local["repos"][0]["hooks"]
    assert hook["entry"] == ours["clusterkg-validate"]["entry"]
    assert hook["files"] == ours["clusterkg-validate"]["files"]


def test_the_editor_tasks_patterns_read_the_text_report(in_folder: Path) -> None:
    (block,) = blocks("json")
    matchers = json.loads(block)["tasks"][0]["problemMatcher"]
    shutil.copy(BROKEN, in_folder / "broken-award.trig")
    result = CliRunner().invoke(cli, ["validate", "broken-award.trig"])
    found = set()
    for line in result.stdout.splitlines():
        for matcher in matchers:
            match = re.match(matcher["pattern"]["regexp"], line)
            if match:
                found.add((matcher["severity"], match.group(1), int(match.group(2))))
    # tests/fixtures/sarif/broken-award.trig: the Violation on line 27, the Warning on line 23
    assert found == {("error", "broken-award.trig", 27), ("warning", "broken-award.trig", 23)}


def _first_column(table: str) -> set[str]:
    """The format names in the first cell of each row of a Markdown table."""
    cells = re.findall(r"^\| ([^|]+) \|", table, re.MULTILINE)
    return {name for cell in cells for name in re.findall(r"`(\w+)`", cell)}


def test_the_format_tables_list_every_format() -> None:
    text = CHECKS.read_text(encoding="utf-8").split("## What each format gives", 1)[1]
    for_queries, for_validate = text.split("\n\n| format |")[1:3]
    assert _first_column(for_queries) == set(names("table", "graph"))
    assert _first_column(for_validate.split("\n\n")[0]) == set(names("report"))
