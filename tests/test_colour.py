"""Colour only on a terminal, never with NO_COLOR (https://no-color.org), as --color/--no-color say.

The real command on pseudo-terminals (tests/terminal_support.py) and through pipes. The escape
codes expected are the ones the module notes name: bold header, dim rule, Violation red, Warning
yellow, Info blue, `error:` red.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cli_support import run_process
from terminal_support import run_on_terminal

from clusterkg.cli.terminal import severities_coloured

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="pseudo-terminals are tested on Linux only"
)

BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
RED, YELLOW, BLUE = "\x1b[31m", "\x1b[33m", "\x1b[34m"
SHAPES = Path(__file__).parent / "fixtures" / "shapes" / "invalid"
# one Warning (the cluster has no sector), no violation
ONLY_A_WARNING = SHAPES / "cluster-without-sector.trig"
# violations: an award to a company, not a cluster
VIOLATIONS = SHAPES / "award-to-a-company.ttl"


def test_a_table_on_a_terminal_has_a_bold_header_and_a_dim_rule() -> None:
    run = run_on_terminal("query", "statistics", env={"COLUMNS": "80"})
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith(BOLD + "metric") and lines[0].endswith(RESET)
    assert lines[1].startswith(DIM + "------") and lines[1].endswith(RESET)
    assert "\x1b" not in "".join(lines[2:])  # the cells themselves are plain


def test_no_color_set_means_no_escape_code_anywhere() -> None:
    run = run_on_terminal("query", "statistics", env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert run.code == 0
    assert "\x1b" not in run.stdout and run.stdout.startswith("metric")
    failed = run_on_terminal("query", "no-such-query", env={"NO_COLOR": "1"})
    assert failed.code != 0 and "\x1b" not in failed.stderr
    assert failed.stderr.startswith("clusterkg: error: ")


def test_an_empty_no_color_does_not_count() -> None:
    # no-color.org: "present and not an empty string"
    run = run_on_terminal("query", "statistics", env={"NO_COLOR": ""})
    assert run.stdout.startswith(BOLD)


def test_a_dumb_terminal_gets_no_colour() -> None:
    run = run_on_terminal("query", "statistics", env={"TERM": "dumb"})
    assert "\x1b" not in run.stdout


def test_no_color_flag_and_color_flag() -> None:
    plain = run_on_terminal("--no-color", "query", "statistics")
    assert "\x1b" not in plain.stdout
    piped = run_process("--color", "query", "statistics")
    assert piped.stdout.startswith(BOLD + "metric")
    # the flag is the user's latest word: it wins over NO_COLOR
    forced = run_on_terminal("--color", "query", "statistics", env={"NO_COLOR": "1"})
    assert forced.stdout.startswith(BOLD)


def test_a_pipe_gets_no_colour() -> None:
    piped = run_process("query", "statistics")
    assert piped.returncode == 0 and "\x1b" not in piped.stdout + piped.stderr
    failed = run_process("query", "no-such-query")
    assert failed.stderr.startswith("clusterkg: error: ")


def test_an_error_line_on_a_terminal_says_error_in_red() -> None:
    failed = run_on_terminal("query", "no-such-query")
    assert failed.code != 0
    assert failed.stderr.startswith(f"clusterkg: {RED}error:{RESET} ")


def test_validate_colours_each_severity_on_a_terminal() -> None:
    warned = run_on_terminal("validate", str(ONLY_A_WARNING))
    assert warned.code == 0, warned.stderr
    assert f": {YELLOW}Warning{RESET}: cluster:example-cluster ck:sector: " in warned.stdout
    violated = run_on_terminal("validate", str(VIOLATIONS))
    assert violated.code == 1
    assert f": {RED}Violation{RESET}: " in violated.stdout
    quiet = run_on_terminal("validate", str(VIOLATIONS), env={"NO_COLOR": "1"})
    assert "\x1b" not in quiet.stdout and ": Violation: " in quiet.stdout
    piped = run_process("validate", str(VIOLATIONS))
    assert "\x1b" not in piped.stdout and ": Violation: " in piped.stdout


def test_info_is_blue_and_a_message_mentioning_a_severity_is_left_alone() -> None:
    # no bundled shape says sh:Info: the colouring itself, with --color in force
    import click

    from clusterkg.cli import cli

    text = "a.ttl:3: Info: x:y p: see: Warning: above\nconforms: 0 violation(s)\n"
    with click.Context(cli, color=True):
        coloured = severities_coloured(text, sys.stdout)
    assert coloured.startswith(f"a.ttl:3: {BLUE}Info{RESET}: x:y p: see: Warning: above\n")
