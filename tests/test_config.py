"""The language is found: a first drill on an English locale says how to switch; `config set` writes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli


def test_config_set_show_and_unset(isolated_home: Path) -> None:
    code, out, _ = run_cli("config", "set", "lang", "RU")
    assert code == 0 and "lang: ru" in out
    code, out, _ = run_cli("config", "set", "operator", "Анна")
    code, out, _ = run_cli("config", "show")
    assert code == 0 and "lang: ru" in out and "operator: Анна" in out and "config.yaml" in out
    code, out, _ = run_cli("drill", "--count", "1", stdin="")
    assert "Тренировка" in out or "Тренир" in out  # the configured language is used
    code, _, _ = run_cli("config", "unset", "lang")
    code, out, _ = run_cli("config", "show")
    assert "lang" not in out.split("\n", 1)[1] and "operator: Анна" in out


@pytest.mark.parametrize(("args", "message"), [(("set", "lang", "de"), "use ru or en"),
                                               (("set", "colour", "red"), "unknown setting"),
                                               (("set", "operator", "  "), "give a value")])
def test_config_refuses_what_it_cannot_keep(args: tuple[str, ...], message: str) -> None:
    code, _, err = run_cli("config", *args)
    assert code == 2 and message in err


def test_a_first_drill_on_an_english_locale_says_how_to_switch_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run_cli("drill", "--count", "1", stdin="")
    assert code == 0 and "config set lang ru" in err and "--lang ru" in err and "на русском" in err
    code, _, err = run_cli("drill", "--count", "1", stdin="")
    assert "config set lang ru" not in err  # once


@pytest.mark.parametrize("setting", [("env", "LANG", "ru_RU.UTF-8"), ("env", "OBJCOACH_LANG", "en"),
                                     ("option", "--lang", "en")])
def test_no_hint_when_the_language_was_chosen(monkeypatch: pytest.MonkeyPatch, setting: tuple[str, str, str]) -> None:
    kind, name, value = setting
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for other in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(other, raising=False)
    args = ["drill", "--count", "1"]
    if kind == "env":
        monkeypatch.setenv(name, value)
    else:
        args += [name, value]
    code, _, err = run_cli(*args, stdin="")
    assert code == 0 and "config set lang" not in err
