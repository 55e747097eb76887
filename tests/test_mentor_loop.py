"""The mentor's loop: review --accept never writes into the installed package (a team catalog in the data folder
takes the answers), a mentor's grade becomes a graded example, and the review reaches the trainee through
export and import."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml
from conftest import BANK, DATA, run_cli
from test_mentor import GOOD_RU, TEAM, only_additions

import objcoach
from objcoach.catalog.edit import add_extra_answer
from objcoach.catalog.load import load_catalog, load_files, team_catalog_path
from objcoach.cli.render import mentor_note
from objcoach.mentor.review import Reviewer
from objcoach.store.history import Store

# a reply that passes the catalog's self-test for the bundled bank objection
ACCEPTED = ("Понимаю вас, выбор банка — ваше решение. Подскажите, что для вас было главным при выборе? Многие "
            "держат нашу карту как вторую: обслуживание бесплатное, кэшбэк до 5%. Давайте я пришлю условия в СМС, "
            "чтобы сравнить?")
HEADER = "# team answers\n"


def package_digest() -> str:
    """Every file of the installed package (its data links followed), by content."""
    root = Path(objcoach.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def drill(reply: str, *args: str, env: dict[str, str] | None = None) -> None:
    code, out, err = run_cli("drill", "--id", BANK, "--lang", "ru", "--operator", "anna", *args, stdin=reply + "\n",
                             env=env)
    assert code == 0, out + err


def test_accept_on_a_bundled_objection_writes_the_team_catalog_not_the_package(isolated_home: Path) -> None:
    before = package_digest()
    drill(ACCEPTED)
    attempt = json.loads(run_cli("review", "--json")[1])[0]["id"]
    code, out, err = run_cli("review", "--accept", attempt[:8], "--lang", "ru")
    assert code == 0, err
    team = team_catalog_path()
    assert out.strip() == f"Добавлено в {team} как образцовый ответ на «Вы опоздали, я уже выбрал банк» [ru]."
    assert package_digest() == before  # the installed package is byte-identical
    text = team.read_text(encoding="utf-8")
    assert text.startswith("# Каталог команды") and f"  {BANK}:\n    ru:\n      - \"{ACCEPTED}\"\n" in text
    code, out, _ = run_cli("score", BANK, ACCEPTED, "--json")  # the team catalog loads with the bundled one
    assert json.loads(out)["verdict"] == "excellent"
    code, out, _ = run_cli("validate", "--no-self-test")
    assert code == 0 and str(team) in out
    assert run_cli("review", "--accept", attempt[:8])[0] == 0  # accepted again: nothing more is written
    assert team.read_text(encoding="utf-8") == text
    history = json.loads(run_cli("history", "--json", "--operator", "anna")[1])
    assert history[0]["review"] == "accepted"
    assert package_digest() == before


def test_accept_on_an_objection_of_the_team_catalog_writes_into_its_entry(isolated_home: Path) -> None:

    isolated_home.mkdir(parents=True, exist_ok=True)
    team = team_catalog_path()
    team.write_text(TEAM, encoding="utf-8")
    reply = GOOD_RU.replace("важнее в карте", "главное в карте")
    code, _, err = run_cli("drill", "--id", "team-logo", "--lang", "ru", stdin=reply + "\n")
    assert code == 0, err
    attempt = json.loads(run_cli("review", "--json")[1])[0]["id"]
    code, _, err = run_cli("review", "--accept", attempt)
    assert code == 0, err
    text = team.read_text(encoding="utf-8")
    assert text.startswith(TEAM.split("\n", 1)[0]) and "\nanswers:" not in text  # into the entry, not a section
    assert load_catalog().get("team-logo").answers["ru"][-1] == reply  # type: ignore[union-attr]


def test_an_answers_section_adds_to_an_existing_id_and_an_unknown_one_is_a_located_problem(tmp_path: Path) -> None:
    from objcoach.catalog.load import bundled_catalog_path, validate_files

    extra = tmp_path / "extra.yaml"
    extra.write_text(f"version: 1\nanswers:\n  {BANK}:\n    en: [\"One more answer\"]\n  bank-alredy-chosen:\n"
                     "    ru: [\"Понимаю\"]\n", encoding="utf-8")
    catalog, problems = validate_files([bundled_catalog_path(), extra])
    assert catalog is None and problems == [
        f"{extra}:5:3: answers.bank-alredy-chosen: no objection 'bank-alredy-chosen' in the catalogs loaded: answers "
        f"can only be added to an existing id (did you mean '{BANK}'?)"]
    extra.write_text(f"answers:\n  {BANK}:\n    en: [\"One more answer\"]\n", encoding="utf-8")
    merged = load_files([bundled_catalog_path(), extra]).get(BANK)
    bundled = load_files([bundled_catalog_path()]).get(BANK)
    assert merged is not None and bundled is not None
    assert merged.answers["en"] == (*bundled.answers["en"], "One more answer")
    assert merged.answers["ru"] == bundled.answers["ru"]
    code, out, _ = run_cli("validate", str(extra))  # the answer the file adds is self-tested as its own
    assert code == 1 and f"{extra}:2:3: {BANK} [en]" in out


def test_extra_answers_keep_every_byte_already_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    first = add_extra_answer(path, BANK, "ru", "Первый", HEADER)
    assert first == f"{HEADER}version: 1\nanswers:\n  {BANK}:\n    ru:\n      - \"Первый\"\n"
    path.write_text(first + "# the end\n", encoding="utf-8")
    for objection_id, lang, answer in ((BANK, "ru", "Второй"), (BANK, "en", "Third"), ("too-expensive", "ru", "Д")):
        after = add_extra_answer(path, objection_id, lang, answer, HEADER)
        assert only_additions(path.read_text(encoding="utf-8"), after)
        path.write_text(after, encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["answers"] == {
        BANK: {"ru": ["Первый", "Второй"], "en": ["Third"]}, "too-expensive": {"ru": ["Д"]}}
    flow = tmp_path / "flow.yaml"
    flow.write_text("version: 1\nanswers: {}\n", encoding="utf-8")
    assert yaml.safe_load(add_extra_answer(flow, BANK, "en", "X", HEADER))["answers"] == {BANK: {"en": ["X"]}}


def test_interactive_review_shows_the_id_and_the_breakdown_and_takes_the_mentors_grade(isolated_home: Path) -> None:
    drill("Понимаю вас. А что для вас было главным?")
    attempt = json.loads(run_cli("review", "--json")[1])[0]
    # п is g under the Russian layout; a grade out of range is asked again; then a comment
    code, out, err = run_cli("review", "--lang", "ru", stdin="п\n5\n1\nНет следующего шага\n")
    assert code == 0, err
    assert f"попытка {attempt['id'][:8]}" in out
    assert "Из чего сложилась оценка: " in out and "близость к образцу" in out
    assert "«5» — не оценка: введите 0, 1, 2 или 3." in out
    assert "Ваша оценка 1 из 3 сохранена" in out
    history = json.loads(run_cli("history", "--json", "--operator", "anna")[1])
    assert (history[0]["review"], history[0]["review_grade"], history[0]["review_comment"]) == (
        "graded", 1, "Нет следующего шага")
    assert mentor_note(history[0], "ru") == "Наставник: оценка 1 из 3 — «Нет следующего шага»"
    assert mentor_note(history[0], "en") == "Mentor: grade 1 of 3 — “Нет следующего шага”"
    assert "Наставник:" in run_cli("history", "--lang", "ru", "--operator", "anna")[1]
    with Store(isolated_home / "history.sqlite3") as store:
        assert [(row["reply"], row["grade"]) for row in store.reviewed_grades()] == [(attempt["reply"], 1)]
    code, _, err = run_cli("review", "--grade", f"{attempt['id']}=4")
    assert code == 2 and "--grade" in err


def test_a_grade_and_a_comment_given_as_options_make_one_decision(isolated_home: Path) -> None:
    drill("Понимаю вас.")
    attempt = json.loads(run_cli("review", "--json")[1])[0]["id"][:8]
    code, out, err = run_cli("review", "--grade", f"{attempt}=2", "--comment", f"{attempt}=Хорошо", "--lang", "en")
    assert code == 0, err
    assert "grade 2 of 3 is saved" in out
    row = json.loads(run_cli("history", "--json", "--operator", "anna")[1])[0]
    assert (row["review"], row["review_grade"], row["review_comment"]) == ("graded", 2, "Хорошо")
    code, out, _ = run_cli("review", "--lang", "en", "--lowest", "1", stdin="q\n")  # reviewed: none left
    assert code == 0 and "Nothing to review" in out
    drill("Понимаю вас.")
    code, out, _ = run_cli("review", "--lang", "en", stdin="q\n")  # quotes of the screen's language
    assert "Client: “Вы опоздали, я уже выбрал банк”" in out and "Reply: “Понимаю вас.”" in out


def test_a_review_made_on_the_mentors_machine_shows_in_the_trainees_history(tmp_path: Path) -> None:
    trainee = {"OBJCOACH_HOME": str(tmp_path / "trainee")}
    mentor = {"OBJCOACH_HOME": str(tmp_path / "mentor")}
    drill("Понимаю вас. А что для вас было главным?", env=trainee)
    drill("Понимаю.", env=trainee)
    practice = tmp_path / "practice.jsonl"
    assert run_cli("export", "--output", str(practice), "--operator", "anna", env=trainee)[0] == 0
    assert json.loads(run_cli("import", str(practice), "--json", env=mentor)[1])["added"] == 2
    first, second = json.loads(run_cli("review", "--json", env=mentor)[1])
    code, _, err = run_cli("review", "--grade", f"{first['id']}=2", "--comment", f"{first['id']}=Добавьте выгоду",
                           "--dismiss", second["id"], "--mentor", "mira", env=mentor)
    assert code == 0, err
    feedback = tmp_path / "feedback.jsonl"
    assert run_cli("export", "--all", "--output", str(feedback), env=mentor)[0] == 0
    rows = [json.loads(line) for line in feedback.read_text(encoding="utf-8").splitlines()]
    assert {row["review"] for row in rows} == {"graded", "dismissed"} and {row["reviewer"] for row in rows} == {"mira"}
    code, out, err = run_cli("import", str(feedback), "--json", env=trainee)
    assert code == 0, err
    assert json.loads(out) == {"added": 0, "skipped": 2, "reviews": 2, "errors": [], "unknown_objections": {}}
    home = Path(trainee["OBJCOACH_HOME"])
    snapshot = sqlite3.connect(home / "history.sqlite3").execute("SELECT * FROM reviews ORDER BY 1").fetchall()
    code, out, _ = run_cli("import", str(feedback), "--json", env=trainee)  # twice: nothing changes
    assert json.loads(out)["reviews"] == 0 and json.loads(out)["added"] == 0
    assert sqlite3.connect(home / "history.sqlite3").execute("SELECT * FROM reviews ORDER BY 1").fetchall() == snapshot
    history = json.loads(run_cli("history", "--json", "--operator", "anna", env=trainee)[1])
    assert {mentor_note(row, "ru") for row in history} == {"Наставник: оценка 2 из 3 — «Добавьте выгоду»",
                                                           "Наставник: оценка остаётся"}
    assert run_cli("history", "--lang", "ru", "--operator", "anna", env=trainee)[1].count("Наставник:") == 2
    # the next drill's summary ends with what the mentor said since the last session, and only once
    code, out, _ = run_cli("drill", "--id", "too-expensive", "--lang", "ru", "--operator", "anna",
                           stdin="Понимаю.\n", env=trainee)
    assert "От наставника с прошлого занятия:" in out and "Наставник: оценка 2 из 3 — «Добавьте выгоду»" in out
    code, out, _ = run_cli("drill", "--id", "too-expensive", "--lang", "en", "--operator", "anna",
                           stdin="I see.\n", env=trainee)
    assert code == 0 and "mentor" not in out.lower()


@pytest.mark.parametrize(("change", "problem"), [
    ({"review_grade": 2}, "review_grade: given without a review decision"),
    ({"review": "graded", "reviewer": "mira", "reviewed_at": "2026-12-01T10:00:00+00:00"}, "review_grade: a grade"),
    ({"review": "accepted", "reviewer": "mira"}, "review: missing reviewed_at"),
    ({"review": "liked", "reviewer": "mira", "reviewed_at": "2026-12-01T10:00:00+00:00"}, "review: 'liked' should be"),
    ({"review": "graded", "review_grade": 7, "reviewer": "mira", "reviewed_at": "2026-12-01T10:00:00+00:00"},
     "review_grade: should be from 0 to 3"),
    ({"review": "commented", "review_comment": 5, "reviewer": "mira", "reviewed_at": "2026-12-01T10:00:00+00:00"},
     "review_comment: should be text"),
])
def test_import_checks_every_field_of_a_review(tmp_path: Path, change: dict[str, object], problem: str) -> None:
    drill("Понимаю.")
    practice = tmp_path / "practice.jsonl"
    run_cli("export", "--output", str(practice), "--operator", "anna")
    row = {**json.loads(practice.read_text(encoding="utf-8")), **change}
    practice.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, _ = run_cli("import", str(practice), "--db", str(tmp_path / "other.sqlite3"), "--json")
    result = json.loads(out)
    assert code == 1 and result["errors"][0].startswith(f"line 1: {problem}"), result


def test_schema_5_gets_the_grade_and_keeps_when_each_review_arrived(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    shutil.copy(DATA / "history_v5.sqlite3", path)
    with Store(path) as store:
        assert store.c.query("SELECT grade, received_at, decided_at FROM reviews") == [
            {"grade": None, "received_at": "2026-11-21T09:00:00+00:00", "decided_at": "2026-11-21T09:00:00+00:00"}]
        reviewer = Reviewer(store, None, "mentor1", "en")
        assert reviewer.decide("a1", "grade", None, 3).said.startswith("Your grade 3 of 3")


@pytest.mark.parametrize(("text", "english", "russian"), [
    ("- a list\n", "the top level should be a mapping with 'answers:'", "верхний уровень должен быть словарём"),
    ("answers: [x]\n", "'answers' should be a mapping of objection ids", "«answers» должно быть словарём"),
    (f"answers:\n  {BANK}: [x]\n", f"answers.{BANK} should be a block mapping of languages to lists",
     f"answers.{BANK} должно быть словарём"),
])
def test_an_answers_file_that_cannot_take_an_answer_is_said_in_the_readers_language(
        tmp_path: Path, text: str, english: str, russian: str) -> None:
    from objcoach.errors import InputError

    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        add_extra_answer(path, BANK, "ru", "Ответ", HEADER)
    assert str(raised.value) == f"{path}: {english}"
    assert raised.value.in_language("ru").startswith(f"{path}: {russian}")
