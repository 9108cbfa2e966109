"""The CLI's documentation cannot drift: docs/cli.md is each command's --help, every command and
option says what it does, and the README's command overview names every command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from clusterkg.cli import cli
from clusterkg.cli.docs import COMMAND, reference

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"


def _commands() -> list[tuple[str, click.Command]]:
    context = click.Context(cli, info_name="clusterkg")
    found = [(name, cli.get_command(context, name)) for name in cli.list_commands(context)]
    commands = [(name, command) for name, command in found if command is not None]
    assert commands  # a check over no commands would pass silently
    return commands


def test_the_cli_reference_is_the_help_of_every_command() -> None:
    written = REFERENCE.read_bytes().decode("utf-8")
    assert written == reference(), f"docs/cli.md is out of date: run `{COMMAND}`"


def test_the_reference_command_writes_the_reference() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "clusterkg.cli.docs"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout == REFERENCE.read_bytes()


@pytest.mark.parametrize("name, command", _commands(), ids=[name for name, _ in _commands()])
def test_every_command_option_and_argument_is_described(name: str, command: click.Command) -> None:
    assert command.help, f"{name}: no docstring"
    context = click.Context(command, info_name=name)
    for parameter in command.get_params(context):
        if isinstance(parameter, click.Option):
            assert parameter.help, f"{name} {parameter.opts[0]}: no help text"
        else:  # click arguments take no help: the command's docstring names them
            metavar = parameter.human_readable_name
            assert re.search(rf"\b{metavar}\b", command.help), f"{name}: {metavar} not described"


def test_the_group_options_are_described() -> None:
    for parameter in cli.get_params(click.Context(cli, info_name="clusterkg")):
        assert isinstance(parameter, click.Option), parameter.name
        assert parameter.help, f"clusterkg {parameter.opts[0]}: no help text"


def test_the_readme_overview_names_every_command() -> None:
    readme = README.read_text(encoding="utf-8")
    overview = readme.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    for name, _ in _commands():
        assert f"`clusterkg {name}" in overview, f"README.md's Commands table lacks {name}"
