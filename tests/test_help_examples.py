"""Every example in every command's --help runs as written (in a folder holding the files it names)."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from objcoach.cli.app import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"


def examples() -> list[tuple[str, str]]:
    found = []
    for module in sorted(set(COMMANDS.values())):
        loaded = importlib.import_module(module)
        for name in sorted(dir(loaded)):
            function = getattr(loaded, name)
            doc = getattr(function, "__doc__", None) or ""
            if name.endswith("_command") and callable(function) and "Example" in doc:
                section = doc.split("Example", 1)[1]
                found += [(name, line.strip()) for line in section.splitlines() if "objcoach " in line]
    # the starter catalog first: later examples add to the team.yaml it writes
    return sorted(found, key=lambda item: item[0] != "new_catalog_command")


EXAMPLES = examples()


def test_every_command_shows_examples() -> None:
    shown = {name for name, _ in EXAMPLES}
    commands = {name for name in shown}
    assert len(EXAMPLES) >= 40 and "drill_command" in commands and "techniques_command" in commands


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the files the examples name: replies, graded rows, a team catalog, an entry, an export."""
    here = tmp_path_factory.mktemp("examples")
    rows = [{"objection": "bank-already-chosen", "reply": "Понимаю вас. Что для вас важно при выборе?", "grade": 2},
            {"objection": "too-expensive", "reply": "I understand. What budget did you have in mind?", "grade": 2}]
    (here / "replies.jsonl").write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    (here / "replies.csv").write_text("objection,reply\ntoo-expensive,Понимаю вас. Давайте подберём вариант?\n",
                                      "utf-8")
    (here / "tests" / "data").mkdir(parents=True)
    shutil.copy(DATA / "graded.jsonl", here / "tests" / "data" / "graded.jsonl")
    shutil.copy(DATA / "graded.jsonl", here / "graded.jsonl")
    shutil.copy(DATA / "scenario_example.yaml", here / "team-calls.yaml")  # a team's own call, as roleplay shows
    (here / "entry.yaml").write_text(
        'id: example-entry\nclient: {ru: "Мне надо посоветоваться с бухгалтером"}\ncontext: {ru: "Продажа тарифа"}\n'
        'domain: bank\ntags: [sales]\ndifficulty: 1\nchecklist: [acknowledge, clarify, next_step]\n'
        'answers: {ru: ["Понимаю вас, решение важное. Что для бухгалтера будет главным? Давайте я пришлю условия '
        'на почту, а завтра созвонимся?"]}\ntips: {ru: "Узнайте критерии и договоритесь о шаге."}\n'
        'source: "seed 001"\n', "utf-8")
    dialogue = {"chat_id": "c1", "operator": "anna", "turns": [{"role": "client", "text": "Это дорого"},
                                                             {"role": "operator", "text": "Понимаю. Что смущает?"}]}
    (here / "chats.jsonl").write_text(json.dumps(dialogue, ensure_ascii=False) + "\n", "utf-8")
    (here / "chats.csv").write_text("chat_id,operator,role,text\nc1,anna,client,Это дорого\n"
                                    "c1,anna,operator,Понимаю. Что смущает?\n", "utf-8")
    (here / "home").mkdir()
    return here


def _environment(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OBJCOACH_")}
    env.update(OBJCOACH_HOME=str(folder / "home"), NO_COLOR="1", PYTHONPATH=str(ROOT))
    return env


@pytest.mark.parametrize(("command", "example"), EXAMPLES, ids=[f"{name}:{n}" for n, (name, _) in enumerate(EXAMPLES)])
def test_the_example_runs(folder: Path, command: str, example: str) -> None:
    if "postgresql://" in example or example.startswith("objcoach db "):
        pytest.skip("needs a PostgreSQL server: tests/test_postgres.py runs these steps")
    if not (folder / "trainee.jsonl").exists():  # something to import and to review, made the way a trainee would
        env = _environment(folder)
        python = f"{sys.executable} -m objcoach"
        subprocess.run(f"printf 'Понимаю вас\\n' | {python} drill --count 1 --operator anna && "
                       f"{python} export --all --output trainee.jsonl", shell=True, cwd=folder, env=env, check=True,
                       capture_output=True)
    shell = example.replace("objcoach ", f"{sys.executable} -m objcoach ")
    result = subprocess.run(shell, shell=True, cwd=folder, env=_environment(folder), stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    if "3f9c2a" in example:  # review's example names attempts by id: here there are none such, said plainly
        assert result.returncode == 2 and "no attempt" in result.stderr
    elif example == "objcoach add --to team.yaml":  # the wizard, with no one to answer it: ends cleanly
        assert result.returncode == 2 and "nothing was written" in result.stderr
    else:
        assert result.returncode in (0, 1), (example, result.returncode, result.stderr)
