"""Shell completion, through click's own protocol in a real `clusterkg` process: the words typed
in COMP_WORDS, the one being completed in COMP_CWORD, `_CLUSTERKG_COMPLETE=bash_complete`.

Expected names and values are read by hand from queries/*.rq and ontology/reference/*.ttl.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def complete(words: str) -> list[str]:
    """The values bash's completion gets (bash_complete answers one "type,value" line each, or
    one empty line for none)."""
    return [line.split(",", 1)[1] for line in answer(words, "bash").splitlines() if line]


def answer(words: str, shell: str, cwd: Path | None = None) -> str:
    """What TAB offers after `words` (the last word is the one being completed; a trailing
    space starts a new, empty one), as a real process sees it."""
    parts = words.split(" ")
    env = {
        **os.environ,
        "PYTHONUTF8": "1",
        "_CLUSTERKG_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    result = subprocess.run(
        [sys.executable, "-m", "clusterkg"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_command_names() -> None:
    assert complete("clusterkg pre") == ["prefixes"]
    assert {"query", "queries", "sparql", "completion"} <= set(complete("clusterkg "))


def test_stored_query_names() -> None:
    assert complete("clusterkg query clusters-") == [
        "clusters-by-country",
        "clusters-by-sector",
        "clusters-of-company",
    ]


def workspace(root: Path) -> Path:
    """A workspace with one team query, `team-clusters`, with a sector parameter."""
    root.mkdir(exist_ok=True)
    (root / "clusterkg.toml").write_text(
        '[workspace]\nname = "agency"\nbase = "https://example.org/agency/"\n', encoding="utf-8"
    )
    (root / "queries").mkdir()
    (root / "queries" / "team-clusters.rq").write_text(
        "#+ title: Our clusters of a sector\n"
        "#+ param: sector sector required  The sector\n"
        "PREFIX ck: <https://w3id.org/clusterkg/ontology#>\n"
        "SELECT ?c WHERE { ?c ck:sector ?sector }\n",
        encoding="utf-8",
    )
    return root


def test_a_workspaces_queries_from_inside_it(tmp_path: Path) -> None:
    inside = workspace(tmp_path) / "queries"
    bash = answer("clusterkg query team", "bash", cwd=inside)
    assert bash.splitlines() == ["plain,team-clusters"]
    assert answer("clusterkg query team-clusters -p ", "bash", cwd=inside).splitlines() == [
        "plain,sector="
    ]


def test_a_workspace_named_before_the_command(tmp_path: Path) -> None:
    root = workspace(tmp_path / "agency")
    assert complete(f"clusterkg --workspace {root} query team") == ["team-clusters"]


def test_parameter_names_end_with_equals() -> None:
    assert complete("clusterkg query clusters-of-company -p ") == ["company=", "sector="]


def test_a_parameter_given_is_not_offered_again() -> None:
    assert complete("clusterkg query clusters-of-company -p company=Rūta -p ") == ["sector="]


def test_sector_values_after_the_equals_sign() -> None:
    # sectors.ttl's sectors whose local name starts with "f": film-and-audiovisual, food
    assert complete("clusterkg query clusters-of-company -p sector=f") == [
        "sector=film-and-audiovisual",
        "sector=food",
    ]


def test_values_as_bash_splits_the_words_at_the_equals_sign() -> None:
    assert complete("clusterkg query clusters-of-company -p sector = fo") == ["food"]


def test_values_of_the_two_word_form() -> None:
    assert complete("clusterkg query labelled-clusters -p tier ") == ["bronze", "gold", "silver"]


def test_country_codes() -> None:
    assert complete("clusterkg query clusters-by-country -p country=L") == [
        "country=LV",
        "country=LI",
        "country=LT",
        "country=LU",
    ]


def test_no_values_for_kinds_that_would_need_the_graph() -> None:
    assert complete("clusterkg query clusters-of-company -p company=R") == []


def test_option_values_and_names() -> None:
    assert complete("clusterkg prefixes -f s") == ["sparql"]
    assert "--max-rows" in complete("clusterkg query statistics --m")


def test_zsh_gets_the_titles_too() -> None:
    # zsh_complete answers three lines each: type, value, help
    assert answer("clusterkg query next-", "zsh").splitlines() == [
        "plain",
        "next-label",
        "Next label a cluster can earn",
    ]


def test_tab_answers_without_building_a_graph(tmp_path: Path) -> None:
    started = time.monotonic()
    complete("clusterkg query clusters-of-company -p sector=")
    # a whole graph build takes seconds; a generous bound for a machine shared by many runs
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script(shell: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "clusterkg", "completion", shell],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"_CLUSTERKG_COMPLETE={shell}_complete" in result.stdout


# --- in a real interactive bash ---------------------------------------------------------------


class Terminal:
    """An interactive bash on a pseudo-terminal, with clusterkg's completion loaded: keys are
    typed, and the screen's text is awaited (not slept for: the machine may be slow)."""

    def __init__(self) -> None:
        import pty

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: an interactive bash without the user's rc files
            os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
            os.environ["PS1"] = "$ "
            os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
        self.screen = ""
        # the quotes keep the echoed command line from reading "loaded" itself
        self.type('eval "$(clusterkg completion bash)"; echo load""ed\n')
        self.wait_for("loaded")

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait_for(self, text: str, seconds: float = 60) -> None:
        import select

        end = time.monotonic() + seconds
        while text not in self.screen:
            assert time.monotonic() < end, f"{text!r} never showed: {self.screen!r}"
            if select.select([self.fd], [], [], 0.1)[0]:
                self.screen += os.read(self.fd, 4096).decode("utf-8", "replace")

    def close(self) -> None:
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    opened = Terminal()
    yield opened
    opened.close()


def test_bash_completes_a_name_then_its_value_after_the_equals_sign(terminal: Terminal) -> None:
    terminal.type("clusterkg query labelled-cl\t")
    terminal.wait_for("labelled-clusters ")
    terminal.type("-p ti\t")
    terminal.wait_for("-p tier=")  # no space after `=`: the value follows
    terminal.type("go\t")
    terminal.wait_for("-p tier=gold ")
