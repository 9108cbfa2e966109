"""README's "Adding data", run as a new user runs it: with the wheel installed apart from the
checkout, in an empty folder, its console blocks one after another as one session (a `cd`
carries over to the next command). Between two blocks the README asks for the template to be
filled in; the test types the README's own tables into it, as a spreadsheet program would (a
date typed as a date, a year as a number), so the rows the README shows are the rows imported."""

from __future__ import annotations

import datetime
import re
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from installed_wheel import install_wheel
from test_readme import ADDING_DATA, FENCE, README, matches, section, steps

SHEET_TABLE = re.compile(r"^Sheet \*\*(\w+)\*\*\n\n((?:\|.*\|\n)+)", re.MULTILINE)
TEMPLATE = re.compile(r"clusterkg import --template (\S+)")


def walkthrough() -> str:
    return section(README.read_text(encoding="utf-8"), ADDING_DATA)


def sheets_between(text: str) -> dict[str, list[dict[str, str]]]:
    """The tables under a `Sheet **NAME**` line: each row as {header: cell}."""
    found: dict[str, list[dict[str, str]]] = {}
    for match in SHEET_TABLE.finditer(text):
        lines = [line.strip().strip("|") for line in match.group(2).splitlines()]
        header = [cell.strip() for cell in lines[0].split("|")]
        rows = [[cell.strip() for cell in line.split("|")] for line in lines[2:]]
        found[match.group(1)] = [dict(zip(header, row, strict=True)) for row in rows]
    return found


def typed(cell: str) -> object:
    """What a spreadsheet program makes of what is typed: a date, a whole number, or text."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        return datetime.date.fromisoformat(cell)
    if re.fullmatch(r"\d+", cell):
        return int(cell)
    return cell or None


def fill_in(workbook: Path, sheets: dict[str, list[dict[str, str]]]) -> None:
    book = openpyxl.load_workbook(workbook)
    for name, rows in sheets.items():
        sheet = book[name]
        header = [cell.value for cell in sheet[1]]
        for row in rows:
            sheet.append([typed(row.get(str(column), "")) for column in header])
    book.save(workbook)


class Session:
    """Commands run one after another in bash, each in the folder the last one ended in."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env = folder, {**env, "PYTHONUTF8": "1", "COLUMNS": "200"}
        self.where = folder / ".where"

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        script = f'{command}\nstatus=$?\npwd > "{self.where}"\nexit $status'
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )
        self.folder = Path(self.where.read_text(encoding="utf-8").strip())
        return done


@pytest.mark.slow
def test_the_readme_adds_data_from_an_installed_package(tmp_path: Path) -> None:
    installed = install_wheel(tmp_path / "install")
    home = tmp_path / "home"
    home.mkdir()
    session = Session(home, installed.env)
    assert session.run("command -v clusterkg").stdout.startswith(str(installed.site))
    text = walkthrough()
    template: Path | None = None
    started = time.monotonic()
    previous_end = 0
    for block in FENCE.finditer(text):
        if block.group(1) != "console":
            continue
        sheets = sheets_between(text[previous_end : block.start()])
        if sheets:
            assert template is not None, "the README fills in a template it did not make"
            fill_in(template, sheets)
        previous_end = block.end()
        for step in steps(block.group(2)):
            done = session.run(step.command)
            assert "Traceback" not in done.stderr, done.stderr
            made = TEMPLATE.search(step.command)
            if made:
                template = session.folder / made.group(1)
            printed = done.stdout.splitlines()
            if not step.expected:
                assert done.returncode == 0, f"$ {step.command}\n{done.stderr}"
                continue
            assert len(printed) == len(step.expected), f"$ {step.command}\n{done.stdout}"
            for want, got in zip(step.expected, printed, strict=True):
                assert matches(want, got), f"$ {step.command}\nwanted: {want}\nprinted: {got}"
    assert template is not None and template.is_file()
    print(f"README's Adding data, start to end: {time.monotonic() - started:.1f} s")


def test_the_walkthrough_fills_in_two_clusters_and_their_members() -> None:
    sheets = sheets_between(walkthrough())
    assert sorted(sheets) == ["Clusters", "Members"]
    assert len(sheets["Clusters"]) == 2
    assert {row["cluster"] for row in sheets["Members"]} == {r["name"] for r in sheets["Clusters"]}
