"""--help in the user's language: every command's and option's help has a Russian text, a Russian user is
shown it (with the formatter's own words in Russian), and helping one command builds only that one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from conftest import run_cli

from objcoach.cli.app import COMMANDS, _built, app
from objcoach.i18n.help_ru import ARGUMENTS, HELP


def texts(command: Any) -> Iterator[tuple[str, str]]:
    """(where, English text) of a command's help, its options' and arguments' help, and its subcommands'."""
    if command.help:
        yield command.name, command.help
    for param in command.params:
        if getattr(param, "help", None):
            yield f"{command.name} {param.name}", param.help
    for sub in getattr(command, "commands", {}).values():
        yield from texts(sub)


def every_text() -> list[tuple[str, str]]:
    found = list(texts(typer.main.get_command(app)))
    for name in COMMANDS:
        found += texts(_built(name))
    return found


def test_every_command_and_option_has_russian_help() -> None:
    found = every_text()
    assert len(found) > 150
    missing = [f"{where}: {text[:60]!r}" for where, text in found if text not in HELP]
    assert not missing, "no Russian help in objcoach/i18n/help_ru.py for:\n" + "\n".join(missing)
    assert not [text for text in HELP if text not in {text for _, text in found}], "Russian help for no command"


def test_every_argument_has_a_russian_name() -> None:
    for name in COMMANDS:
        for sub in [_built(name), *getattr(_built(name), "commands", {}).values()]:
            for param in sub.params:
                if param.param_type_name == "argument":
                    assert param.name in ARGUMENTS, f"{name}: argument {param.name}"


COMMAND_LINES = [[*name.split()] for name in [*COMMANDS, "db setup", "db grant", "config set", "config show"]]


@pytest.mark.parametrize("command", COMMAND_LINES, ids=" ".join)
def test_russian_help_is_russian(command: list[str]) -> None:
    code, out, _ = run_cli(*command, "--help", env={"OBJCOACH_LANG": "ru"})
    assert code == 0
    assert out.startswith("Использование: objcoach")
    for english in ("Usage", "Options", "Arguments", "Show this message", "default:", "[required]", "OPTIONS"):
        assert english not in out, f"{command}: {english!r} in\n{out}"
    assert "Параметры:" in out


def test_lang_option_chooses_help_language() -> None:
    assert "Оценить один ответ" in run_cli("score", "--lang", "ru", "--help")[1]
    assert "Score one reply" in run_cli("score", "--lang", "en", "--help", env={"OBJCOACH_LANG": "ru"})[1]
    assert "Score one reply" in run_cli("score", "--help")[1]  # and English stays English in the same process
    _, out, err = run_cli(env={"OBJCOACH_LANG": "ru"})  # objcoach alone shows the help
    assert "Команды:" in out + err


def test_russian_help_builds_only_the_command_helped() -> None:
    script = ("import sys; from objcoach.cli.app import app\n"
              "try: app(['score', '--help'])\nexcept SystemExit: pass\n"
              "print(sorted(m for m in sys.modules if m.startswith('objcoach.cli.')))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "OBJCOACH_LANG": "ru"}, check=True)
    loaded = done.stdout.strip().splitlines()[-1]
    assert "objcoach.cli.catalog" in loaded
    for other in ("practice", "mentor", "team", "audit", "render"):
        assert f"objcoach.cli.{other}'" not in loaded


@pytest.mark.parametrize(("args", "said"), [
    (["score", "--foo"], "нет такого параметра: --foo"),
    (["score"], "не хватает аргумента «возражение»."),
    (["drill", "--count", "x"], "неверное значение '--count' / '-n': «x» — не целое число."),
    (["list", "--difficulty", "5"], "неверное значение '--difficulty': 5 — вне диапазона 1<=x<=3."),
    (["history", "extra"], "лишние аргументы: extra"),
    (["scor"], "нет такой команды: «scor». Может быть, 'score'?"),
])
def test_usage_errors_in_russian(args: list[str], said: str) -> None:
    code, _, err = run_cli(*args, env={"OBJCOACH_LANG": "ru"})
    assert code == 2
    assert err.startswith("Использование: objcoach") and f"Ошибка: {said}\n" in err, err
    assert not re.search(r"\b(?:Usage|Error|Try|OPTIONS|Missing|Invalid|objection)\b", err), err
    code, _, err = run_cli(*args)  # and in English as click writes it, in the same process
    assert code == 2 and "Usage: objcoach" in err and "Error: " in err


@pytest.mark.parametrize("command", [[], ["config"], ["db"]], ids=lambda command: " ".join(["objcoach", *command]))
def test_a_group_alone_shows_its_russian_help_not_an_error(command: list[str]) -> None:
    _, out, err = run_cli(*command, env={"OBJCOACH_LANG": "ru"})
    assert (out + err).startswith("Использование: objcoach"), out + err
    assert "Команды:" in out + err
    assert "Ошибка" not in out + err and "Справка:" not in out + err, out + err
