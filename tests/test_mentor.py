from __future__ import annotations

import csv
import difflib
import io
import json
from pathlib import Path

import pytest
from conftest import run_cli
from typer.testing import CliRunner

from objcoach.catalog.edit import add_answer, append_objection, suggest_id, write_atomically
from objcoach.catalog.load import bundled_catalog_path, load_files
from objcoach.errors import OutputError
from objcoach.io import safe_cell

runner = CliRunner()
GOOD_RU = ("Понимаю вас, логотип — дело вкуса. Подскажите, что для вас важнее в карте: кэшбэк или бесплатное "
           "обслуживание? У нас обслуживание бесплатное и кэшбэк 5%. Давайте пришлю условия?")
GOOD_EN = ("I understand, a logo is a matter of taste. May I ask what matters more to you in a card: cashback or free "
           "service? Ours is free with 5% cashback. Shall I text you the terms?")
TEAM = """\
# Our team's catalog — keep this comment
version: 1
objections:
  # first entry
  - id: team-logo
    client: {ru: "Мне не нравится ваш логотип", en: "I don't like your logo"}
    checklist: [acknowledge, clarify, benefit, next_step]
    key_points:
      ru: ["кэшбэк | бесплатное обслуживание"]
      en: ["cashback | free service"]
    answers:
      ru:
        - "GOOD_RU"
      en: ["GOOD_EN"]
scoring:
  good: 70   # trailing key stays where it is
""".replace("GOOD_RU", GOOD_RU).replace("GOOD_EN", GOOD_EN)


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    return run_cli(*args, stdin=stdin)


def only_additions(before: str, after: str) -> bool:
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return not any(line.startswith("- ") for line in diff)


ENTRY = {"id": "team-card-color",
         "client": {"ru": "Мне не нравится цвет карты", "en": "I don't like the card's colour"},
         "checklist": ["acknowledge", "clarify", "benefit", "next_step"],
         "key_points": {"ru": ["кэшбэк | бесплатное обслуживание"], "en": ["cashback | free service"]},
         "answers": {"ru": [GOOD_RU.replace("логотип", "цвет")], "en": [GOOD_EN.replace("a logo", "a colour")]}}


def test_suggest_id_transliterates_and_stays_unique() -> None:
    assert suggest_id("Мне это не интересно!") == "mne-eto-ne-interesno"
    assert suggest_id("Это дорого", {"eto-dorogo"}) == "eto-dorogo-2"


def test_append_keeps_every_byte_and_the_key_after_the_list(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM, encoding="utf-8")
    after = append_objection(path, ENTRY)
    assert only_additions(TEAM, after)
    assert after.index("team-card-color") < after.index("scoring:")
    path.write_text(after, encoding="utf-8")
    catalog = load_files([bundled_catalog_path(), path])
    assert catalog.get("team-card-color") is not None and catalog.settings == {"good": 70.0}


def test_append_keeps_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    original = b"\xef\xbb\xbf" + TEAM.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(original)
    write_atomically(path, append_objection(path, ENTRY))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert only_additions(original.decode("utf-8-sig"), data.decode("utf-8-sig"))


def test_add_answer_to_block_and_flow_lists(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM, encoding="utf-8")
    after = add_answer(path, "team-logo", "ru", 'Ответ с «кавычками», "двойными" и: двоеточием')
    assert only_additions(TEAM, after)
    after = add_answer(path, "team-logo", "en", "Another answer: with a colon")
    assert '"Another answer: with a colon"]' in after
    path.write_text(after, encoding="utf-8")
    catalog = load_files([bundled_catalog_path(), path])
    objection = catalog.get("team-logo")
    assert objection is not None and len(objection.answers["en"]) == 2


def test_failed_write_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM, encoding="utf-8")

    def broken_replace(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("objcoach.io.os.replace", broken_replace)
    with pytest.raises(OutputError, match=r"team\.yaml: cannot be written"):
        write_atomically(path, append_objection(path, ENTRY))
    assert path.read_text(encoding="utf-8") == TEAM
    assert [p.name for p in tmp_path.iterdir()] == ["team.yaml"]


def test_new_catalog_then_add_with_flags(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    code, out, err = run("new-catalog", str(path))
    assert code == 0, err
    code, out, _ = run("validate", str(path))
    assert code == 0, out
    code, _, err = run("new-catalog", str(path))
    assert code == 2 and "already exists" in err
    before = path.read_text(encoding="utf-8")
    code, out, err = run("add", "--to", str(path), "--client-ru", "Мне не нравится цвет карты", "--client-en",
                         "I don't like the card's colour", "--checklist", "acknowledge,clarify,benefit,next_step",
                         "--answer-ru", ENTRY["answers"]["ru"][0], "--answer-en", ENTRY["answers"]["en"][0],
                         "--key-point-ru", "кэшбэк | бесплатное обслуживание",
                         "--key-point-en", "cashback | free service",
                         "--domain", "bank", "--yes")
    assert code == 0, err
    after = path.read_text(encoding="utf-8")
    assert only_additions(before, after) and "mne-ne-nravitsya-tsvet-karty" in after
    code, out, _ = run("validate", str(path))
    assert code == 0, out


def test_add_refuses_an_existing_id_and_a_failing_entry(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM, encoding="utf-8")
    code, _, err = run("add", "--to", str(path), "--id", "team-logo", "--client-ru", "x y z", "--answer-ru", "a b c",
                       "--yes")
    assert code == 2 and "taken already" in err
    code, _, err = run("add", "--to", str(path), "--client-ru", "Дорого", "--checklist", "acknowledge,next_step",
                       "--answer-ru", "Ну не знаю.", "--yes")
    assert code == 1 and "below good" in err
    assert path.read_text(encoding="utf-8") == TEAM


def test_add_wizard_through_a_pipe(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM, encoding="utf-8")
    answers = ["Мне не нравится цвет карты", "I don't like the card's colour", "", "Исходящий звонок",
               "Outbound call", "bank", "sales", "1", "1,3,4,6", "1", ENTRY["answers"]["ru"][0], "",
               ENTRY["answers"]["en"][0], "", "кэшбэк | бесплатное обслуживание", "", "cashback | free service", "",
               "Совет", "Tip", "our team", "y"]
    code, out, err = run("add", "--to", str(path), "--lang", "ru", stdin="\n".join(answers) + "\n")
    assert code == 0, out + err
    after = path.read_text(encoding="utf-8")
    assert only_additions(TEAM, after) and "mne-ne-nravitsya-tsvet-karty" in after


def test_review_accept_dismiss_comment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM, encoding="utf-8")
    monkeypatch.setenv("OBJCOACH_CATALOG", str(path))
    reply = ("Понимаю вас, логотип — дело вкуса. Подскажите, что для вас главное в карте? Обслуживание у нас "
             "бесплатное, кэшбэк до 7%. Давайте я пришлю условия в СМС?")
    code, _, err = run("drill", "--id", "team-logo", "--lang", "ru", stdin=f"{reply}\n/dispute заслуживает большего\n")
    assert code == 0, err
    run("drill", "--id", "team-logo", "--lang", "ru", stdin="Понимаю.\n")
    code, out, _ = run("review", "--json")
    items = json.loads(out)
    disputed = [item for item in items if item["disputed"]]
    other = [item for item in items if not item["disputed"]]
    assert len(disputed) == 1 and other
    code, _, err = run("review", "--accept", disputed[0]["id"][:8])
    assert code == 0, err
    assert " ".join(reply.split()) in path.read_text(encoding="utf-8")
    code, out, _ = run("validate", str(path))
    assert code == 0, out
    code, out, _ = run("score", "team-logo", reply, "--json")
    assert json.loads(out)["verdict"] in ("good", "excellent")
    code, _, err = run("review", "--comment", f"{other[0]['id']}=Добавьте вопрос")
    assert code == 0, err
    history = json.loads(run("history", "--json")[1])
    decisions = {row["review"] for row in history}
    assert {"accepted", "commented"} <= decisions
    assert any(row["review_comment"] == "Добавьте вопрос" for row in history)


def test_report_formats_escape_user_text(tmp_path: Path) -> None:
    run("drill", "--count", "2", "--lang", "ru", "--operator", "anna",
        stdin='<script>alert(1)</script> Понимаю\n=HYPERLINK("x")\n')
    code, out, err = run("report", "--format", "html")
    assert code == 0, err
    assert "<script>alert" not in out and "&lt;script&gt;" in out and "<svg" in out
    assert "Наблюдение" in out or "Observation" in out
    code, out, _ = run("report", "--format", "json")
    report = json.loads(out)["reports"][0]
    assert report["operator"] == "anna" and set(report["feedback"]) == {"observation", "impact", "correction",
                                                                         "agreement"}
    code, out, _ = run("report", "--format", "csv")
    assert code == 0 and list(csv.DictReader(io.StringIO(out)))
    code, out, _ = run("report", "--format", "md", "--lang", "en")
    assert code == 0 and "## Operator: anna" in out


def test_csv_cells_cannot_be_formulas() -> None:
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert [safe_cell(v) for v in ("+1", "-1", "@a", "\tx", "ok", 5)] == ["'+1", "'-1", "'@a", "'\tx", "ok", 5]


def test_export_csv_and_import_twice(tmp_path: Path) -> None:
    run("drill", "--count", "2", "--lang", "ru", "--operator", "anna", stdin='=HYPERLINK("x")\nПонимаю вас.\n')
    out_csv = tmp_path / "out.csv"
    code, _, err = run("export", "--all", "--format", "csv", "--output", str(out_csv))
    assert code == 0, err
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert any(row["reply"] == "'=HYPERLINK(\"x\")" for row in rows)
    out_jsonl = tmp_path / "out.jsonl"
    run("export", "--all", "--output", str(out_jsonl))
    lines = out_jsonl.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    other = tmp_path / "other.sqlite3"
    code, out, _ = run("import", str(out_jsonl), "--db", str(other), "--json")
    assert code == 0 and json.loads(out)["added"] == 2
    code, out, _ = run("import", str(out_jsonl), "--db", str(other), "--json")
    assert code == 0 and json.loads(out) == {"added": 0, "skipped": 2, "reviews": 0, "errors": [],
                                         "unknown_objections": {}}
    broken = tmp_path / "broken.jsonl"
    unknown = {**json.loads(lines[0]), "id": "new-one", "objection_id": "not-in-catalog"}
    broken.write_text("{nope\n" + json.dumps(unknown) + "\n", encoding="utf-8")
    code, out, _ = run("import", str(broken), "--db", str(other), "--json")
    result = json.loads(out)
    assert code == 1 and result["added"] == 1 and result["errors"][0].startswith("line 1:")
    assert result["unknown_objections"] == {"not-in-catalog": 1}


def test_report_feedback_follows_the_catalogs_bands(tmp_path: Path) -> None:
    """An objection at 80 is not one to correct under the default bands (good from 70); in a catalog whose
    good band starts at 90 it is, and an average of 86 is no longer one to keep."""
    from objcoach.catalog.load import load_catalog
    from objcoach.catalog.model import Catalog
    from objcoach.mentor.reports import operator_report

    def mastered(objection_id: str, best: int) -> dict[str, object]:
        return {"operator": "anna", "objection_id": objection_id, "lang": "en", "best": best, "last": best,
                "attempts": 1, "due": None}

    raw = {"attempts": 2, "sessions": 1, "average": 86.0,
           "days": [{"day": "2026-11-25", "average": 86.0, "attempts": 2}],
           "mastery": [mastered("too-expensive", 80), mastered("need-to-think", 92)],
           "missed_steps": [], "exams": {"taken": 0, "passed": 0}}
    bundled = load_catalog()
    strict = Catalog(bundled.techniques, bundled.antipatterns, bundled.objections,
                     settings={"good": 90.0, "excellent": 95.0})
    period = (None, "2026-11-25T12:00:00+00:00")
    default = operator_report(raw, None, "anna", bundled, "en", period)["feedback"]
    raised = operator_report(raw, None, "anna", strict, "en", period)["feedback"]
    assert not any("too-expensive" in line for line in default["correction"])
    assert any("too-expensive" in line for line in raised["correction"])
    assert not any("need-to-think" in line for line in raised["correction"])
    assert default["agreement"][0].startswith("Keep the average at 85")
    assert raised["agreement"][0].startswith("Raise the average to 95")


@pytest.mark.parametrize(("ui", "source"), [("en", '"our team"'), ("ru", '"наша команда"')])
def test_the_starter_catalogs_source_is_one_quoted_yaml_string(ui: str, source: str) -> None:
    import yaml

    from objcoach.catalog.edit import starter_catalog

    text = starter_catalog("team.yaml", ["acknowledge"], ui)
    assert f"    source: {source}\n" in text
    assert yaml.safe_load(text)["objections"][0]["source"] == source.strip('"')
