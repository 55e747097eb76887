"""The command frame: every command is listed and runs, `python -m objcoach` works, usage errors help."""

from __future__ import annotations

import subprocess
import sys

from conftest import run_cli

from objcoach.cli import app as cli

# --- the command table -------------------------------------------------------------------------


def test_every_command_in_the_table_is_defined_by_its_module_and_nothing_else_is() -> None:
    for name in cli.COMMANDS:
        assert cli._registration(name) is not None
    assert set(cli._registered) == set(cli.COMMANDS)


def test_help_lists_every_command_with_its_one_line_help_in_table_order() -> None:
    code, out, _ = run_cli("--help")
    assert code == 0
    listed = out.split("Commands:", 1)[1].split("\n")
    names = [line.split()[0] for line in listed if line.startswith("  ") and line.strip()]
    assert names == list(cli.COMMANDS)
    assert "score        Score one reply to one objection, with coaching feedback." in out
    assert "db           Set up and manage a team's PostgreSQL database." in out


def test_python_dash_m_and_the_console_entry_run_the_app() -> None:
    result = subprocess.run([sys.executable, "-m", "objcoach", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("objcoach ")
    result = subprocess.run([sys.executable, "-m", "objcoach", "scor"], capture_output=True, text=True)
    assert result.returncode == 2 and "Did you mean 'score'?" in result.stderr


def test_the_db_group_and_its_subcommands_still_work() -> None:
    code, out, _ = run_cli("db", "--help")
    assert code == 0 and "setup" in out and "grant" in out
    code, out, _ = run_cli("db", "setup", "--help")
    assert code == 0 and "objcoach_operator" in out
    code, _, err = run_cli("db", "grant", "anna", "--role", "boss")
    assert code == 2 and "--role should be operator or mentor" in err


def test_an_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    code, _, err = run_cli("sugest", "x")
    assert code == 2 and "No such command 'sugest'" in err and "'suggest'" in err
