"""`validate` in the user's language, every problem in one run, and YAML's parser messages made plain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BROKEN_CATALOG, run_cli

from objcoach.i18n import MESSAGES

# Problems that used to show one after another: a mistyped section's own problems, a field of an entry that
# lacks its id, a technique without a title, and a model answer that fails the self-test in a file with
# other problems.
LAYERED = """techniques:
  polite:
    markers: {ru: ["x"]}
objections:
  - id: good-one
    client: {ru: "Дорого"}
    answers: {ru: ["Да."]}
  - client: {ru: "Ещё"}
    answers: {ru: ["Понимаю вас"]}
    difficulty: 7
  - id: second
    client: {ru: "Дорого", en: "Expensive"}
    checklst: [acknowlege]
    answers: {ru: ["Понимаю вас"]}
"""


def validate(tmp_path: Path, text: str, *args: str, env: dict[str, str] | None = None) -> str:
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("validate", str(path), *args, env=env)
    assert code == 1, out + err
    return (out + err).replace(str(tmp_path) + "/", "")


def test_every_problem_in_one_run(tmp_path: Path) -> None:
    out = validate(tmp_path, LAYERED)
    for expected in ("techniques.polite: needs title",
                     "techniques.polite.markers.ru[0]: 'x' is a single letter",
                     "objections[1]: needs id",
                     "objections[1].difficulty: should be from 1 to 3, not 7",
                     "objections[2].checklst: unknown key 'checklst' (did you mean 'checklist'?)",
                     "unknown technique 'acknowlege' (did you mean 'acknowledge'?)",
                     "good-one [ru] model answer scored"):
        assert expected in out, f"{expected!r} missing from:\n{out}"


def test_problems_in_russian(tmp_path: Path) -> None:
    out = validate(tmp_path, BROKEN_CATALOG, "--lang", "ru")
    assert "неизвестный ключ «answer» (может быть, «answers»?)" in out
    assert "неизвестная техника «acknowlege» (может быть, «acknowledge»?)" in out
    assert "id возражения «first» встречается дважды" in out
    assert "должно быть от 1 до 3, а не 7" in out
    assert "Найдено проблем:" in out
    assert not re.search(r"\b(?:unknown|needs|should|problem|found|used|twice)\b", out), out
    assert validate(tmp_path, BROKEN_CATALOG, env={"LANG": "ru_RU.UTF-8"}) == out


@pytest.mark.parametrize(("text", "where", "key"), [
    ('objections:\n  - id: x\n    client: {ru: "Дорого}\n    answers: {ru: [Да]}\n  - id: y\n', "3:18",
     "catalog.yaml.unclosed_quote"),
    ("objections:\n  - id: x\n    client: 'Дорого\n    answers: {ru: [Да]}\n", "3:13", "catalog.yaml.unclosed_quote"),
    ("objections:\n  - id: x\n    client: {ru: Дорого}\n   answers: {ru: [Да]}\n", "4:4", "catalog.yaml.indent"),
    ("objections:\n  - id: x\n\tclient: {ru: Дорого}\n", "3:1", "catalog.yaml.tab"),
    ("objections:\n  - id: x\n    source: Книга: глава 2\n", "3:18", "catalog.yaml.colon"),
    ("objections:\n  - id: x\n    tags: [a, b\n    client: {ru: Да}\n", "3:11", "catalog.yaml.unclosed_list"),
])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_yaml_errors_are_plain_and_placed_where_they_start(tmp_path: Path, text: str, where: str, key: str,
                                                           lang: str) -> None:
    out = validate(tmp_path, text, "--lang", lang)
    assert out.startswith(f"team.yaml:{where}: {MESSAGES[lang][key]}\n"), out
    assert "YAML syntax error" not in out and "scanning" not in out


def test_a_catalog_error_in_another_command_speaks_the_users_language(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(BROKEN_CATALOG, encoding="utf-8")
    code, _, err = run_cli("list", "--catalog", str(path), env={"OBJCOACH_LANG": "ru"})
    assert code == 2 and "неизвестный ключ «answer»" in err


@pytest.mark.parametrize(("args", "env", "words"), [
    (["--lang", "ru"], {}, "Каждая запись: слова клиента"),
    ([], {"OBJCOACH_LANG": "ru"}, "Каждая запись: слова клиента"),
    ([], {}, "Each entry: the client's words"),
])
def test_the_starter_catalog_speaks_the_users_language_and_is_valid(tmp_path: Path, args: list[str],
                                                                     env: dict[str, str], words: str) -> None:
    path = tmp_path / "team.yaml"
    code, out, _ = run_cli("new-catalog", str(path), *args, env=env)
    assert code == 0
    text = path.read_text(encoding="utf-8")
    comments = "\n".join(line.split("#", 1)[1] for line in text.splitlines() if "#" in line)
    assert words in comments
    if words.startswith("Каждая"):
        assert not re.search(r"\b(?:the|and|with|it|of)\b", comments), comments
        assert out.startswith("Создан ")
    code, out, err = run_cli("validate", str(path))
    assert code == 0, out + err


def test_add_from_a_broken_entry_says_where_in_plain_words(tmp_path: Path) -> None:
    entry = tmp_path / "entry.yaml"
    entry.write_text("id: x\nclient: {ru: [Дорого\n", encoding="utf-8")
    code, _, err = run_cli("add", "--to", str(tmp_path / "team.yaml"), "--from", str(entry), "--lang", "ru")
    assert code == 2 and err == f"objcoach: {entry}:2:14: список в [ ] не закрыт\n"
