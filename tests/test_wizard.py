"""The add wizard keeps what was typed: a bad answer is explained and asked again; Ctrl-C offers a draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from objcoach.catalog.model import Catalog
from objcoach.mentor.wizard import entry_from_file, run_wizard, save_draft


def scripted(answers: list[str]) -> tuple[Any, list[str]]:
    said: list[str] = []
    queue = iter(answers)

    def ask(label: str, default: str) -> str | None:
        said.append(f"? {label}")
        answer = next(queue, None)
        if answer == "^C":
            raise KeyboardInterrupt
        return answer

    return ask, said


def test_bad_answers_are_explained_and_asked_again(catalog: Catalog) -> None:
    ask, said = scripted(["Мне надо подумать до понедельника", "", "bank-already-chosen", "Bad Id!", "wait-monday",
                          "Продажа вклада", "bank", "sales", "5", "x", "2", "12, acknowledge", "1, 3", "9", "1",
                          "Понимаю. Давайте созвонимся в понедельник?", "", "понедельник", "", "Совет", "seed 001"])
    entry = run_wizard({}, catalog, "ru", ask, said.append, complete=False)
    assert entry["id"] == "wait-monday" and entry["difficulty"] == 2
    techniques = list(catalog.techniques)
    assert entry["checklist"] == [techniques[0], techniques[2]] and entry["required"] == [techniques[0]]
    joined = "\n".join(said)
    assert "уже занят" in joined and "не годится как ID" in joined and "Сложность — 1, 2 или 3" in joined
    assert "«12» — не техника" in joined and "«9» — не техника" in joined
    assert "Присоединение (acknowledge)" in joined  # the technique list shows titles


def test_ctrl_c_keeps_what_was_typed_as_a_draft_add_can_resume(catalog: Catalog, tmp_path: Path) -> None:
    ask, said = scripted(["Мне надо подумать до понедельника", "", "wait-monday", "Продажа вклада", "^C"])
    typed: dict[str, Any] = {}
    with pytest.raises(KeyboardInterrupt):
        run_wizard(typed, catalog, "ru", ask, said.append, complete=False)
    draft = tmp_path / "team.draft.yaml"
    save_draft(typed, draft)
    resumed = entry_from_file(draft)
    assert resumed["id"] == "wait-monday" and resumed["client"] == {"ru": "Мне надо подумать до понедельника"}
    assert resumed["context"] == {"ru": "Продажа вклада"}


def test_a_taken_id_given_as_an_option_is_refused_before_any_question(tmp_path: Path) -> None:
    target = str(tmp_path / "team.yaml")
    code, _, err = run_cli("add", "--to", target, "--from", str(_entry(tmp_path, "too-expensive")), "--yes",
                           "--lang", "en")
    assert code == 2 and "too-expensive" in err and "taken" in err
    _, out, _ = run_cli("add", "--to", target, "--id", "too-expensive", "--client-ru", "Дорого", "--lang", "en",
                        stdin="")
    assert out.startswith('The id "too-expensive" is taken already')  # said before the first question


def _entry(folder: Path, objection_id: str) -> Path:
    path = folder / "entry.yaml"
    path.write_text(f"id: {objection_id}\nclient: {{ru: Дорого}}\nanswers: {{ru: [Понимаю вас]}}\n", encoding="utf-8")
    return path
