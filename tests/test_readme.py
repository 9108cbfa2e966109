"""Every console and Python example in README.md runs here, as a reader would run it.

A console block is a list of `$ command` lines, each followed by the output it prints. The
commands of one block run one after another in a fresh folder holding a copy of `data/` (so the
README may say `cp -r data …`), with the installed `clusterkg` first on PATH; what they print must
be the lines shown, where `…` stands for any text (timings). `make test` is what runs this file, so
it is left to CI; `make demo` is checked by running its recipe from the Makefile. A command ending
in `&` starts a server: it runs in the background for the rest of its block, what it prints on
stderr until it serves is its output, and it is stopped when the block ends.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
ADDING_DATA = "## Adding data"


@dataclass
class Step:
    command: str
    expected: list[str] = field(default_factory=list)


def blocks(language: str) -> list[str]:
    """The README's blocks in `language`, but those of "Adding data": a walk through a new
    workspace from an installed package, which tests/test_adding_data.py runs as one session."""
    return fenced(language, without_section(README.read_text(encoding="utf-8"), ADDING_DATA))


def fenced(language: str, text: str) -> list[str]:
    return [m.group(2) for m in FENCE.finditer(text) if m.group(1) == language]


def section(text: str, heading: str) -> str:
    """The part of `text` under `heading` (a `## ` line), up to the next `## ` heading."""
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def without_section(text: str, heading: str) -> str:
    return text.replace(section(text, heading), "\n")


def steps(block: str) -> list[Step]:
    result: list[Step] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            result.append(Step(line[2:]))
        elif result:
            result[-1].expected.append(line)
    for step in result:  # a blank line only sets one command's output apart from the next
        while step.expected and not step.expected[-1].strip():
            step.expected.pop()
    return result


def matches(expected: str, actual: str) -> bool:
    """`…` in an expected line matches any text; everything else must be equal."""
    pattern = ".*".join(re.escape(part) for part in expected.split("…"))
    return re.fullmatch(pattern, actual) is not None


def demo_recipe() -> str:
    """The command `make demo` runs, as make echoes it."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^demo:.*\n\t(.+)$", makefile, re.MULTILINE)
    assert recipe, "Makefile has no demo recipe"
    return recipe.group(1).replace("$(BIN)", ".venv/bin")


def environment() -> dict[str, str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.update({"PYTHONUTF8": "1", "COLUMNS": "200"})
    return env


def run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    env = environment()
    return subprocess.run(
        ["bash", "-c", command],
        cwd=folder,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )


CONSOLE = blocks("console")


class Background:
    """Servers a block started with `command &`, stopped when the block ends."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, command: str, expected: list[str]) -> list[str]:
        """Start `command` (without its `&`); the lines it printed on stderr by the time they
        are as many as the README shows (a server says it listens, then waits)."""
        log = self.folder / f"background-{len(self.processes)}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                ["bash", "-c", f"exec {command}"],
                cwd=self.folder,
                env=environment(),
                stdout=subprocess.DEVNULL,
                stderr=sink,
            )
        self.processes.append(process)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            lines = log.read_text(encoding="utf-8").splitlines()
            if len(lines) >= max(len(expected), 1):
                return lines
            time.sleep(0.1)
        raise AssertionError(f"$ {command} &\n{log.read_text(encoding='utf-8')}")

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def on_free_port(command: str, moved: dict[str, str]) -> str:
    """A server as the README starts it (`clusterkg serve [--port N]`, `oxigraph serve --bind
    127.0.0.1:N`), listening on a free port instead of its own (the README's may be taken on
    the machine running the tests); `moved` learns the README's address → the one used, for
    the commands after it."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        free = str(probe.getsockname()[1])
    bind = re.search(r"--bind 127\.0\.0\.1:(\d+)", command)
    if bind:
        moved[f"127.0.0.1:{bind.group(1)}"] = f"127.0.0.1:{free}"
        return command.replace(bind.group(0), f"--bind 127.0.0.1:{free}")
    found = re.search(r"--port (\d+)", command)
    written = found.group(1) if found else "8000"
    moved[f"127.0.0.1:{written}"] = f"127.0.0.1:{free}"
    if found:
        return command.replace(found.group(0), f"--port {free}")
    return f"{command} --port {free}"


def readdressed(text: str, moved: dict[str, str]) -> str:
    for written, used in moved.items():
        text = text.replace(written, used)
    return text


def in_background(command: str) -> str | None:
    """`command` without its trailing `&` if it is one to start in the background."""
    stripped = command.split("#")[0].rstrip()
    return stripped[:-1].rstrip() if stripped.endswith("&") else None


@pytest.fixture
def background(tmp_path: Path) -> Iterator[Background]:
    started = Background(tmp_path)
    yield started
    started.stop()


def test_the_readme_has_console_and_python_examples() -> None:
    assert len(CONSOLE) >= 3 and blocks("python")


@pytest.mark.slow
@pytest.mark.parametrize("number", range(len(CONSOLE)))
def test_console_example(number: int, tmp_path: Path, background: Background) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    moved: dict[str, str] = {}  # the servers' addresses as written → as used
    for step in steps(CONSOLE[number]):
        command = readdressed(step.command, moved)
        expected = [readdressed(line, moved) for line in step.expected]
        server = in_background(command)
        if server is not None:
            said = background.start(on_free_port(server, moved), step.expected)
            expected = [readdressed(line, moved) for line in step.expected]
            assert len(said) == len(expected), f"$ {command}\n{said}"
            for want, got in zip(expected, said, strict=True):
                assert matches(want, got), f"$ {command}\nwanted: {want}\nprinted: {got}"
            continue
        if command.split("#")[0].split() == ["make", "test"]:
            continue  # this very suite: CI runs it (.ci/run)
        if command.split("#")[0].split() == ["make", "demo"]:
            recipe = demo_recipe()
            assert expected[:1] == [recipe], "make demo echoes another command than shown"
            command, expected = recipe.replace(".venv/bin/", ""), expected[1:]
        done = run(command, tmp_path)
        assert "Traceback" not in done.stderr, done.stderr
        printed = done.stdout.splitlines()
        if expected:
            assert len(printed) == len(expected), f"$ {command}\n{done.stdout}{done.stderr}"
            for want, got in zip(expected, printed, strict=True):
                assert matches(want, got), f"$ {command}\nwanted: {want}\nprinted: {got}"
        else:
            assert done.returncode == 0, f"$ {command}\n{done.stderr}"


def test_python_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (code,) = blocks("python")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md (Python API)", "exec"), {"__name__": "readme"})
    assert (tmp_path / "clusterkg.ttl").stat().st_size > 0  # the example's last line wrote it


def test_wildcard_is_the_only_slack() -> None:
    assert matches("in … s", "in 0.5 s")
    assert not matches("12 violation(s)", "13 violation(s)")
    assert not matches("metric", "metric ")
