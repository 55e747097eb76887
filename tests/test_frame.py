"""The command frame: every command is listed and runs, `python -m objcoach` works, usage errors are
clear (exit 2, no traceback), options read their environment variables, --output is written whole."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

# In the order `objcoach --help` lists them.
COMMANDS = ["score", "grade", "suggest", "calibrate", "list", "show", "techniques", "validate",
            "drill", "exam", "stats", "history", "leaderboard", "roleplay",
            "new-catalog", "add", "review", "report", "audit", "export", "import", "assign", "assignments", "db",
            "config"]


def test_help_lists_every_command_with_its_one_line_help_in_order() -> None:
    code, out, _ = run_cli("--help")
    assert code == 0
    listed = out.split("Commands:", 1)[1].split("\n")
    names = [line.split()[0] for line in listed if line.startswith("  ") and line.strip()]
    assert names == COMMANDS
    assert "score        Score one reply to one objection, with coaching feedback." in out
    assert "db           Set up and manage a team's PostgreSQL database." in out


@pytest.mark.parametrize("name", [*COMMANDS, "db setup", "db grant"])
def test_each_command_has_its_own_help(name: str) -> None:
    code, out, err = run_cli(*name.split(), "--help")
    assert code == 0, err
    assert out.startswith(f"Usage: objcoach {name} [OPTIONS]")


def test_python_dash_m_runs_the_app_and_suggests_a_close_command() -> None:
    result = subprocess.run([sys.executable, "-m", "objcoach", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("objcoach ")
    result = subprocess.run([sys.executable, "-m", "objcoach", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "leaderboard" in result.stdout
    result = subprocess.run([sys.executable, "-m", "objcoach", "scor"], capture_output=True, text=True)
    assert result.returncode == 2 and "Did you mean 'score'?" in result.stderr


def test_an_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    code, _, err = run_cli("sugest", "x")
    assert code == 2 and "No such command 'sugest'" in err and "'suggest'" in err


@pytest.mark.parametrize(("args", "option", "expected"), [
    (["score", "bank-already-chosen", "x", "--lang", "de"], "'--lang' / '-l'", "'de' is not one of 'ru', 'en'"),
    (["history", "--lang", "fr"], "'--lang' / '-l'", "'fr' is not one of 'ru', 'en'"),
    (["grade", "-", "--format", "xml"], "'--format' / '-f'", "'xml' is not one of 'jsonl', 'csv'"),
    (["report", "--format", "pdf"], "'--format' / '-f'", "'pdf' is not one of 'md', 'html', 'csv', 'json'"),
    (["export", "--format", "xlsx"], "'--format' / '-f'", "'xlsx' is not one of 'jsonl', 'csv'"),
    (["leaderboard", "--by", "speed"], "'--by'", "'speed' is not one of 'practice', 'score'"),
    (["db", "grant", "anna", "--role", "boss"], "'--role'", "'boss' is not one of 'operator', 'mentor'"),
])
def test_a_bad_choice_is_a_usage_error_that_names_the_choices(args: list[str], option: str, expected: str) -> None:
    code, out, err = run_cli(*args, stdin="")
    assert code == 2
    assert f"Invalid value for {option}" in err and expected in err
    assert "Traceback" not in out + err


def test_the_language_may_be_given_in_capitals() -> None:
    code, out, _ = run_cli("history", "--lang", "RU")
    assert code == 0 and "История пуста." in out


def test_objcoach_db_names_the_history_database(tmp_path: Path) -> None:
    db = tmp_path / "team.sqlite3"
    code, _, err = run_cli("drill", "--count", "1", "--lang", "en", "--operator", "bob", stdin="I understand.\n",
                           env={"OBJCOACH_DB": str(db)})
    assert code == 0, err
    assert db.exists()
    code, out, _ = run_cli("history", "--operator", "bob", "--json", env={"OBJCOACH_DB": str(db)})
    assert len(json.loads(out)) == 1
    code, out, _ = run_cli("history", "--operator", "bob", "--json")  # the default database: empty
    assert json.loads(out) == []
    code, out, _ = run_cli("history", "--operator", "bob", "--json", "--db", str(tmp_path / "other.sqlite3"),
                           env={"OBJCOACH_DB": str(db)})  # --db wins over the environment
    assert json.loads(out) == []


def test_objcoach_lang_sets_the_language_and_a_bad_one_is_named() -> None:
    code, out, _ = run_cli("history", env={"OBJCOACH_LANG": "ru"})
    assert code == 0 and "История пуста." in out
    code, out, _ = run_cli("history", "--lang", "en", env={"OBJCOACH_LANG": "ru"})
    assert code == 0 and "No history yet." in out
    code, _, err = run_cli("history", env={"OBJCOACH_LANG": "de"})
    assert code == 2 and "OBJCOACH_LANG" in err and "'de' is not one of 'ru', 'en'" in err


def _old_file(tmp_path: Path) -> Path:
    target = tmp_path / "scored.jsonl"
    target.write_text("the old rows\n", encoding="utf-8")
    return target


def test_output_is_replaced_only_when_everything_was_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from objcoach.scoring import batch

    rows = tmp_path / "in.jsonl"
    rows.write_text('{"objection": "too-expensive", "reply": "I understand."}\n' * 3, encoding="utf-8")
    target = _old_file(tmp_path)
    real = batch.grade_rows

    def interrupted(*args: object, **kwargs: object) -> object:
        for number, row in enumerate(real(*args, **kwargs)):  # type: ignore[arg-type]
            if number == 2:
                raise KeyboardInterrupt  # Ctrl-C on the third row
            yield row

    monkeypatch.setattr(batch, "grade_rows", interrupted)
    code, _, err = run_cli("grade", str(rows), "--output", str(target))
    assert code == 130 and "objcoach: interrupted" in err
    assert target.read_text(encoding="utf-8") == "the old rows\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["in.jsonl", "scored.jsonl"]  # no temp
    monkeypatch.setattr(batch, "grade_rows", real)
    code, _, _ = run_cli("grade", str(rows), "--output", str(target))
    assert code == 0
    assert [json.loads(line)["objection_id"] for line in target.read_text(encoding="utf-8").splitlines()] == \
        ["too-expensive"] * 3


def test_report_output_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "week.md"
    code, _, err = run_cli("report", "--format", "md", "--output", str(target), "--operator", "anna")
    assert code == 0, err
    assert "anna" in target.read_text(encoding="utf-8")
    code, _, err = run_cli("report", "--output", str(tmp_path / "no-such-folder" / "week.md"))
    assert code == 2 and "does not exist" in err


def test_conventions_short_options_and_version() -> None:
    code, out, _ = run_cli("-V")
    assert code == 0 and out.startswith("objcoach ")
    code, out, _ = run_cli("report", "--help")
    assert "-o, --output" in out and "-u, --operator" in out
    code, out, _ = run_cli("--help")
    assert "--install-completion" in out


def test_a_pipe_gets_plain_text_and_a_terminal_gets_boxes() -> None:
    import io

    from objcoach.cli.render import console, new_table

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, boxed in ((io.StringIO(), False), (Terminal(), True)):
        table = new_table(show_lines=True)
        table.add_column("a")
        table.add_row("x")
        console(file=stream).print(table)
        assert any(char in stream.getvalue() for char in "┏━│┃─") is boxed
    code, out, _ = run_cli("list", "--domain", "bank")
    assert code == 0 and not any(char in out for char in "┏━│┃─╭╮")
    code, out, _ = run_cli("drill", "--count", "1", "--lang", "ru", stdin="Понимаю вас\n")
    assert code == 0 and "1 из 1" in out and not any(char in out for char in "┏━│┃─╭╮")
