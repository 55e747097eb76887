"""`objcoach audit`: scripted objections found in real chats, their replies scored, kept in the history."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import run_cli

from objcoach.catalog.load import bundled_catalog_path

SAMPLE = bundled_catalog_path().resolve().parent / "sample_chats.jsonl"
# What a person reading the bundled sample finds in it: (chat, client turn, objection). Nothing else is one.
EXPECTED = {
    ("ru-0001", 1, "bank-already-chosen"), ("ru-0003", 1, "shop-delivery-late"), ("ru-0004", 0, "shop-wrong-item"),
    ("ru-0005", 1, "dont-trust-banks"), ("ru-0005", 3, "need-to-think"), ("ru-0006", 0, "complaint-third-call"),
    ("ru-0007", 1, "telecom-satisfied-no-change"), ("en-0001", 1, "cant-talk-now"),
    ("en-0003", 1, "complaint-long-wait"), ("en-0003", 3, "competitors-cheaper"),
    ("en-0004", 0, "knowledge-trust-payment"), ("en-0005", 1, "proactive-where-number"),
}


def findings(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_sample_is_bundled_and_every_objection_in_it_is_found(tmp_path: Path) -> None:
    out = tmp_path / "found.jsonl"
    code, stdout, _ = run_cli("audit", str(SAMPLE), "--output", str(out), "--json")
    assert code == 0
    rows = findings(out)
    assert {(row["chat_id"], row["turn"], row["objection_id"]) for row in rows} == EXPECTED
    assert all({"confidence", "reply", "score", "verdict", "techniques", "operator"} <= set(row) for row in rows)
    summary = json.loads(stdout)
    assert summary["objections"] == len(EXPECTED) and summary["dialogues"] == 12
    boris = next(item for item in summary["operators"] if item["operator"] == "boris")
    assert boris["weakest"][0]["score"] < 40  # «ждите» to a late delivery is quoted among the weakest


def test_bad_replies_score_low_and_good_ones_high(tmp_path: Path) -> None:
    out = tmp_path / "found.jsonl"
    run_cli("audit", str(SAMPLE), "--output", str(out))
    scores = {(row["chat_id"], row["turn"]): row["score"] for row in findings(out)}
    assert scores[("ru-0007", 1)] < 40 and scores[("en-0003", 3)] < 40  # "you don't get it" / "whatever, go"
    assert scores[("ru-0001", 1)] >= 70 and scores[("en-0003", 1)] >= 70


def test_csv_in_and_out(tmp_path: Path) -> None:
    source = tmp_path / "turns.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["chat_id", "operator", "role", "text"])
        writer.writerow(["c1", "ivan", "client", "Это дорого"])
        writer.writerow(["c1", "ivan", "operator", "=HYPERLINK(\"x\") дорого не бывает"])
        writer.writerow(["c2", "ivan", "client", "Здравствуйте, какой у вас адрес?"])
        writer.writerow(["c2", "ivan", "operator", "Ленина, 1"])
    out = tmp_path / "found.csv"
    code, _, _ = run_cli("audit", str(source), "--output", str(out), "--format", "csv", "--json")
    assert code == 0
    with out.open(encoding="utf-8", newline="") as stream:
        found = list(csv.DictReader(stream))
    assert [(row["chat_id"], row["turn"], row["objection_id"]) for row in found] == [("c1", "0", "too-expensive")]
    assert found[0]["reply"].startswith("'=")  # a spreadsheet shows it as text


def test_save_keeps_findings_as_attempts_once(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    code, out, _ = run_cli("audit", str(SAMPLE), "--save", "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["saved"] == len(EXPECTED)
    code, out, _ = run_cli("audit", str(SAMPLE), "--save", "--db", str(db), "--json")
    assert json.loads(out)["saved"] == 0  # the same chats again: nothing twice
    code, out, _ = run_cli("history", "--operator", "boris", "--db", str(db), "--json")
    assert {row["objection_id"] for row in json.loads(out)} == {"shop-delivery-late", "shop-wrong-item"}
    code, out, _ = run_cli("report", "--operator", "vera", "--format", "json", "--db", str(db))
    assert code == 0 and json.loads(out)["reports"][0]["figures"]["attempts"] == 2


def test_html_report(tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    code, _, _ = run_cli("audit", str(SAMPLE), "--report", str(page), "--lang", "ru")
    text = page.read_text(encoding="utf-8")
    assert code == 0 and text.startswith("<!doctype html>") and "Аудит реальных чатов" in text and "boris" in text


def test_a_broken_dialogue_is_named_and_the_rest_are_audited(tmp_path: Path) -> None:
    source = tmp_path / "chats.jsonl"
    good = {"chat_id": 1, "operator": "ivan", "turns": [{"role": "client", "text": "Мне нужно подумать"},
                                                      {"role": "operator", "text": "Понимаю. Что смущает?"}]}
    source.write_text("\n".join([json.dumps(good, ensure_ascii=False), '{"chat_id": 2, "operator": "ivan"}',
                                 '{"chat_id": 3, "operator": "ivan", "turns": [{"role": "bot", "text": "hi"}]}',
                                 "not json"]) + "\n", encoding="utf-8")
    code, out, _ = run_cli("audit", str(source), "--json")
    summary = json.loads(out)
    assert code == 1 and summary["objections"] == 1 and summary["errors"] == 3
    assert any("line 2" in error and "turns" in error for error in summary["error_examples"])
    assert any("line 3" in error and "turn 0" in error for error in summary["error_examples"])


def test_the_sample_can_be_tried_without_knowing_where_it_is() -> None:
    code, out, _ = run_cli("audit", "--sample", "--json")
    assert code == 0 and json.loads(out)["objections"] == len(EXPECTED)
    code, _, err = run_cli("audit")
    assert code == 2 and "--sample" in err
