from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import run_cli
from typer.testing import CliRunner

from objcoach import __version__

runner = CliRunner()
STRONG_RU = ("Понимаю вас, выбор за вами. Подскажите, что для вас было главным? У нас обслуживание бесплатное "
             "и кэшбэк до 5%. Давайте пришлю условия в СМС?")


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    return run_cli(*args, stdin=stdin)


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out
    code, out, _ = run("--help")
    assert code == 0
    for command in ("score", "grade", "suggest", "calibrate", "list", "show", "techniques", "validate"):
        assert command in out


def test_score_json_has_the_documented_fields() -> None:
    code, out, err = run("score", "bank-already-chosen", STRONG_RU, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {"objection_id", "lang", "score", "verdict", "components", "techniques", "flags",
            "closest_answer"} <= set(data)
    assert data["objection_id"] == "bank-already-chosen" and data["lang"] == "ru"
    assert isinstance(data["score"], int) and 0 <= data["score"] <= 100
    assert data["verdict"] in ("excellent", "good")
    assert {"hit", "missed"} == set(data["techniques"])
    assert all({"id", "evidence"} == set(hit) for hit in data["techniques"]["hit"])


def test_score_by_client_words_and_stdin() -> None:
    code, out, err = run("score", "Вы опоздали, я уже выбрал банк", "--json", stdin=STRONG_RU)
    assert code == 0, err
    assert json.loads(out)["objection_id"] == "bank-already-chosen"


def test_score_panel_in_russian() -> None:
    code, out, err = run("score", "bank-already-chosen", STRONG_RU)
    assert code == 0, err
    assert "Оценка" in out and "Что получилось" in out and "«Понимаю вас»" in out


def test_score_panel_in_english_for_a_weak_reply() -> None:
    code, out, _ = run("score", "It's too expensive", "Well, prices are what they are.")
    assert code == 0
    assert "Score" in out and "Closest model answer" in out


def test_reply_text_is_not_markup() -> None:
    code, out, _ = run("score", "bank-already-chosen", "[bold red]Понимаю вас[/bold red] [link=http://x]клик[/link]")
    assert code == 0
    assert "[bold red]" in out


def test_unknown_objection_is_a_clear_error() -> None:
    code, out, err = run("score", "квантовая физика элементарных частиц", "ответ")
    assert code == 2
    assert "objcoach: no objection matches" in err and "nearest" in err
    assert "Traceback" not in out + err


def test_bad_lang_is_a_usage_error() -> None:
    code, _, err = run("score", "bank-already-chosen", "x", "--lang", "de")
    assert code == 2 and "--lang" in err


def test_grade_jsonl_keeps_order_and_reports_bad_rows(tmp_path: Path) -> None:
    rows = [
        {"objection": "bank-already-chosen", "reply": STRONG_RU, "who": "anna"},
        {"objection": "no-such-thing-at-all-xyz", "reply": "x"},
        {"objection": "It's too expensive", "reply": "I understand. Could you tell me what you compare with?"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = run("grade", str(source), "--output", str(out))
    assert code == 1
    graded = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(graded) == 4
    assert graded[0]["who"] == "anna" and graded[0]["verdict"] in ("excellent", "good")
    assert "error" in graded[1] and "error" not in graded[2]
    assert graded[2]["objection_id"] == "too-expensive" and graded[2]["lang"] == "en"
    assert "line 4" in graded[3]["error"]
    assert "graded 4 row(s), 2 with errors" in err


def test_grade_csv_in_and_out(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["objection", "reply"])
        writer.writerow(["bank-already-chosen", STRONG_RU])
    code, out, _ = run("grade", str(source), "--format", "csv")
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out)))
    assert records[0]["objection_id"] == "bank-already-chosen"
    assert int(records[0]["score"]) >= 70


def test_grade_from_stdin() -> None:
    line = json.dumps({"objection": "bank-already-chosen", "reply": "не знаю"}, ensure_ascii=False)
    code, out, _ = run("grade", "-", stdin=line + "\n")
    assert code == 0
    assert json.loads(out)["verdict"] == "fail"


def test_suggest_finds_the_objection() -> None:
    code, out, _ = run("suggest", "уже", "выбрал", "банк", "--json")
    assert code == 0
    found = json.loads(out)
    assert found[0]["id"] == "bank-already-chosen" and found[0]["best_answer"] and found[0]["confident"]
    assert set(found[0]) >= {"id", "similarity", "confident", "client", "best_answer"}
    code, out, _ = run("suggest", "too expensive", "--limit", "2")
    assert code == 0 and "too-expensive" in out


def test_suggest_says_when_nothing_fits() -> None:
    """A routine request shares words with objections but is none: no confident match, the closest as maybe."""
    code, out, _ = run("suggest", "what", "time", "does", "your", "branch", "open", "tomorrow", "--json")
    assert code == 0 and not any(item["confident"] for item in json.loads(out))
    code, out, _ = run("suggest", "подскажите", "график", "работы", "отделения", "в", "субботу")
    assert code == 0 and "Ни одно возражение" in out and "возможно" in out


def test_suggest_with_no_candidate_says_so_without_a_list() -> None:
    for lang, said in (("en", "No objection in the catalog fits these words."),
                       ("ru", "Ни одно возражение каталога не подходит к этим словам.")):
        code, out, _ = run("suggest", "zzzqqq", "xxyy", "--lang", lang)
        assert code == 0 and said in out and "closest" not in out and "Ближайшие" not in out, out


def test_calibrate_json(tmp_path: Path) -> None:
    rows = [
        {"objection": "bank-already-chosen", "reply": STRONG_RU, "grade": 3},
        {"objection": "bank-already-chosen", "reply": "Понимаю вас. У нас хорошая карта.", "grade": 1},
        {"objection": "bank-already-chosen", "reply": "Вы ошибаетесь.", "grade": 0},
    ]
    source = tmp_path / "graded.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    code, out, err = run("calibrate", str(source), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["rows"] == 3 and data["spearman"] == 1.0 and data["pairs"]["share"] == 1.0


def test_list_show_techniques() -> None:
    code, out, _ = run("list", "--domain", "travel", "--json")
    assert code == 0
    items = json.loads(out)
    assert items and all(item["domain"] == "travel" for item in items)
    code, out, _ = run("show", "bank-already-chosen", "--lang", "ru")
    assert code == 0 and "Образцовые ответы" in out
    code, out, _ = run("show", "bank-already-chosen", "--json")
    assert code == 0 and len(json.loads(out)["answers"]["en"]) >= 2
    code, out, _ = run("techniques", "--lang", "en")
    assert code == 0 and "Acknowledge" in out


def test_validate_bundled_is_clean() -> None:
    code, out, _ = run("validate")
    assert code == 0, out
    assert "catalog is valid" in out


def test_validate_broken_catalog_exits_1_with_locations(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("objections:\n  - id: x\n    client: {ru: Дорого}\n    answer: {ru: [Да]}\n", encoding="utf-8")
    code, out, err = run("validate", str(bad))
    assert code == 1
    assert f"{bad}:4:5: objections[0].answer: unknown key 'answer'" in out
    assert "Traceback" not in out + err


def test_broken_catalog_in_another_command_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("objections: [\n", encoding="utf-8")
    code, _, err = run("list", "--catalog", str(bad))
    assert code == 2 and "YAML syntax error" in err


def test_catalog_from_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    team = tmp_path / "team.yaml"
    team.write_text('objections:\n  - id: team-only\n    client: {ru: "Командное возражение"}\n'
                    '    answers: {ru: ["Понимаю вас, давайте обсудим."]}\n', encoding="utf-8")
    monkeypatch.setenv("OBJCOACH_CATALOG", str(team))
    code, out, _ = run("show", "team-only", "--json")
    assert code == 0 and json.loads(out)["id"] == "team-only"


def test_drill_from_a_pipe_then_history(tmp_path: Path) -> None:
    replies = "\n".join([STRONG_RU, "не знаю", "Понимаю вас, давайте проверю."]) + "\n"
    code, out, err = run("drill", "--count", "3", "--seed", "1", "--lang", "ru", stdin=replies)
    assert code == 0, err
    assert out.count("Оценка:") == 3 and "Итог" in out
    assert "\x1b[" not in out  # plain text in a pipe
    code, out, _ = run("history", "--json")
    attempts = json.loads(out)
    assert len(attempts) == 3 and {a["mode"] for a in attempts} == {"drill"}
    code, out, _ = run("stats", "--json")
    stats = json.loads(out)
    assert stats["attempts"] == 3 and stats["sessions"] == 1
    assert stats["average"] == round(sum(a["score"] for a in attempts) / 3, 1)


def test_drill_in_english_with_the_db_option(tmp_path: Path) -> None:
    db = tmp_path / "team.sqlite3"
    code, out, err = run("drill", "--count", "1", "--lang", "en", "--db", str(db), "--operator", "bob",
                         stdin="I understand. Could you tell me more? Shall I send the details?\n")
    assert code == 0, err
    assert "Score:" in out and "Summary" in out
    code, out, _ = run("history", "--db", str(db), "--operator", "bob", "--json")
    assert len(json.loads(out)) == 1


def test_exam_exit_code_follows_the_pass_mark() -> None:
    code, out, _ = run("exam", "--id", "bank-already-chosen", "--lang", "ru", "--pass-mark", "60", stdin=STRONG_RU)
    assert code == 0 and "СДАНО" in out
    code, out, _ = run("exam", "--id", "bank-already-chosen", "--lang", "ru", stdin="не знаю\n")
    assert code == 1 and "НЕ СДАНО" in out


def test_drill_unknown_id_is_an_error() -> None:
    code, _, err = run("drill", "--id", "nope", stdin="")
    assert code == 2 and "--id nope" in err


def test_config_file_gives_operator_and_language(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text("operator: maria\nlang: ru\n", encoding="utf-8")
    code, out, _ = run("drill", "--count", "1", stdin="Понимаю вас.\n")
    assert code == 0 and "оператор maria" in out


def test_bad_config_file_is_a_clear_error(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text("operater: maria\n", encoding="utf-8")
    code, _, err = run("drill", "--count", "1", stdin="")
    assert code == 2 and "unknown setting 'operater'" in err


def test_both_languages_have_the_same_messages() -> None:
    from objcoach.i18n import MESSAGES, REPHRASE_GOALS

    assert set(MESSAGES["ru"]) == set(MESSAGES["en"])
    assert set(REPHRASE_GOALS["ru"]) == set(REPHRASE_GOALS["en"])
    for key, text in MESSAGES["ru"].items():
        import string

        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        other = {name for _, name, _, _ in string.Formatter().parse(MESSAGES["en"][key]) if name}
        assert fields == other, key


def test_every_command_takes_the_language_from_the_config_file(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text("lang: ru\n", encoding="utf-8")
    english_locale = {"LC_ALL": "en_US.UTF-8"}  # the config file comes before the locale
    expected = {("list",): "Сложность", ("show", "too-expensive"): "Ситуация", ("techniques",): "Зачем",
                ("history",): "История пуста.", ("stats",): "Пока нет попыток"}
    for args, russian in expected.items():
        code, out, err = run_cli(*args, env=english_locale)
        assert code == 0, err
        assert russian in out, args
    code, out, _ = run_cli("list", "--lang", "en", env=english_locale)  # --lang comes before the config file
    assert "Difficulty" in out


def test_export_takes_the_operator_as_history_does(isolated_home: Path, tmp_path: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text("operator: maria\n", encoding="utf-8")
    assert run_cli("drill", "--count", "1", "--lang", "ru", stdin="Понимаю вас.\n")[0] == 0
    assert run_cli("drill", "--count", "1", "--lang", "ru", "--operator", "bob", stdin="Понимаю вас.\n")[0] == 0

    def exported(*args: str) -> list[str]:
        code, out, err = run_cli("export", *args)
        assert code == 0, err
        return sorted(json.loads(line)["operator"] for line in out.splitlines())

    assert exported() == ["maria"]
    assert exported("--operator", "bob") == ["bob"]
    assert exported("--all") == ["bob", "maria"]


def test_export_on_postgresql_is_of_the_role_connected(pg_url: str, isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text("operator: maria\n", encoding="utf-8")  # not who the database says
    code, _, err = run_cli("drill", "--count", "1", "--lang", "ru", "--db", pg_url, stdin="Понимаю вас.\n")
    assert code == 0, err
    code, out, err = run_cli("export", "--db", pg_url)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    from urllib.parse import urlsplit

    assert [row["operator"] for row in rows] == [urlsplit(pg_url).username]


def test_words_that_fit_no_objection_name_no_nearest_in_the_readers_language() -> None:
    code, _, err = run_cli("show", "спасибо", env={"OBJCOACH_LANG": "ru"})
    assert code == 2 and err.rstrip().endswith("ближайшие: нет") and "none" not in err
    code, _, err = run_cli("show", "спасибо", env={"OBJCOACH_LANG": "en"})
    assert code == 2 and err.rstrip().endswith("nearest: none")


def test_db_commands_on_sqlite_say_so_in_the_ui_language(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    for args, english, russian in ((["db", "setup"], "db setup is for PostgreSQL: give --db postgresql://...",
                                    "db setup работает только с PostgreSQL"),
                                   (["db", "grant", "anna"], "db grant is for PostgreSQL",
                                    "db grant работает только с PostgreSQL")):
        code, _, err = run_cli(*args, "--db", db)
        assert code == 2 and english in err, err
        code, _, err = run_cli(*args, "--db", db, env={"OBJCOACH_LANG": "ru"})
        assert code == 2 and russian in err and "is for" not in err, err


def test_assignments_name_objections_by_the_clients_words(tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite3")
    assert run("assign", "--operator", "anna", "--id", "too-expensive", "--due", "7d", "--db", db)[0] == 0
    for lang, words in (("en", "“It's too expensive”"), ("ru", "«Это дорого»")):
        code, out, _ = run("assignments", "--lang", lang, "--db", db)
        assert code == 0 and words in out, out
