"""Import, grade and the history's reading against hostile input: every field of an imported attempt is
checked, one odd stored row never breaks stats, report, export or history, and a database that is foreign,
damaged, read-only or full is one clear message, never a traceback."""

from __future__ import annotations

import io
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from objcoach.mentor.exchange import import_lines
from objcoach.store.history import Store


def attempt(n: int, **changes: Any) -> dict[str, Any]:
    """A good exported attempt (as `objcoach export` writes one), with `changes`."""
    row = {"format": 1, "id": f"att-{n:04d}", "session_id": "sess-1", "operator": "anna",
           "objection_id": "too-expensive", "lang": "ru", "mode": "drill",
           "created_at": f"2026-12-0{1 + n % 5}T10:00:00.000000+00:00", "try_no": 1,
           "reply": "Понимаю вас, давайте посмотрим варианты.", "score": 60, "verdict": "partial",
           "breakdown": {"score": 60}, "missed": ["clarify", "benefit"], "duration": 12.5, "late": False,
           "outcome": "scored", "disputed": False, "dispute_note": None, "session_mode": "drill",
           "session_lang": "ru", "session_started_at": "2026-12-01T09:59:00.000000+00:00",
           "session_ended_at": None, "session_planned": 2, "session_average": None, "session_passed": None,
           "session_pass_mark": None}
    row.update(changes)
    return row


def stored_ids(db: Path) -> set[str]:
    with sqlite3.connect(db) as connection:
        return {row[0] for row in connection.execute("SELECT id FROM attempts")}


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text and "Error:" not in text.replace("objcoach:", ""), text


# --- item 7: every field checked on import ---------------------------------------------------------

BAD_FIELDS = [
    ("created_at", "not a date"),
    ("created_at", "2026-12-01T10:00:00"),  # no time zone
    ("created_at", "0001-01-01T00:00:00+05:00"),  # before year 1 in UTC
    ("created_at", 1733000000),
    ("breakdown", "not json"),
    ("breakdown", [1, 2]),
    ("breakdown", "{\"a\": NaN}"),
    ("missed", "not json"),
    ("missed", [5]),
    ("missed", ["step\nwith a newline"]),
    ("score", 101),
    ("score", -1),
    ("score", "60"),
    ("score", 60.5),
    ("score", 2**63),
    ("try_no", 0),
    ("try_no", True),
    ("try_no", 2**64),
    ("id", "has spaces"),
    ("id", "x" * 65),
    ("id", 5),
    ("session_id", "a;b"),
    ("operator", "anna\nboris"),
    ("operator", "x" * 201),
    ("objection_id", ["too-expensive"]),
    ("lang", "de"),
    ("mode", "game"),
    ("reply", 5),
    ("reply", "x" * 100_001),
    ("verdict", "great"),
    ("duration", -1),
    ("duration", 1e300),
    ("late", "yes"),
    ("disputed", 2),
    ("outcome", "won"),
    ("dispute_note", {"a": 1}),
    ("session_passed", 2**64),
    ("session_average", 101),
    ("session_planned", -1),
    ("format", None),
    ("format", "1"),
]


@pytest.mark.parametrize(("name", "value"), BAD_FIELDS, ids=[f"{n}={str(v)[:20]!r}" for n, v in BAD_FIELDS])
def test_import_refuses_a_bad_field_by_line_and_name_and_imports_the_rest(tmp_path: Path, name: str,
                                                                          value: Any) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in
                                (attempt(1), attempt(2, **{name: value}), attempt(3))) + "\n", encoding="utf-8")
    db = tmp_path / "h.sqlite3"
    code, out, err = run_cli("import", str(source), "--db", str(db), "--json")
    no_traceback(out, err)
    result = json.loads(out)
    assert code == 1 and result["added"] == 2, result
    assert len(result["errors"]) == 1 and result["errors"][0].startswith(f"line 2: {name}"), result["errors"]
    assert stored_ids(db) == {"att-0001", "att-0003"}


def test_import_keeps_what_is_valid_and_stores_times_as_objcoach_does(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    rows = [attempt(1, created_at="2026-12-01T13:00:00+03:00", late=1, breakdown='{"a": 1}', missed="[]"),
            attempt(2, created_at="2026-12-01T10:00:00Z", score=None, verdict=None, outcome="skipped")]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    db = tmp_path / "h.sqlite3"
    code, _, err = run_cli("import", str(source), "--db", str(db), "--json")
    assert code == 0, err
    with sqlite3.connect(db) as connection:
        stored = dict(connection.execute("SELECT id, created_at FROM attempts").fetchall())
    assert stored == {"att-0001": "2026-12-01T10:00:00.000000+00:00", "att-0002": "2026-12-01T10:00:00.000000+00:00"}


def store_odd_rows(db: Path) -> None:
    """Rows as an older import (or a hand) left them: a time that is not one, breakdown and missed steps
    that are not JSON, a step that is not text, a reply that is not UTF-8."""
    source = db.parent / "good.jsonl"
    source.write_text("".join(json.dumps(attempt(n)) + "\n" for n in range(1, 4)), encoding="utf-8")
    assert run_cli("import", str(source), "--db", str(db))[0] == 0
    columns = "id, operator, objection_id, lang, mode, created_at, try_no, reply, score, verdict, breakdown, " \
              "missed, duration"
    with sqlite3.connect(db) as connection:
        connection.execute(f"INSERT INTO attempts ({columns}) VALUES ('odd-1', 'anna', 'too-expensive', 'ru', "
                           "'drill', 'not a date', 1, 'hi', 50, 'partial', 'not json', 'not json', 1.0)")
        connection.execute(f"INSERT INTO attempts ({columns}) VALUES ('odd-2', 'anna', 'too-expensive', 'ru', "
                           "'drill', '2026-12-02T10:00:00.000000+00:00', 1, CAST(x'ff41' AS TEXT), 70, 'good', "
                           "'{}', '[\"clarify\"]', 1.0)")
        connection.execute(f"INSERT INTO attempts ({columns}) VALUES ('odd-3', 'anna', 'too-expensive', 'ru', "
                           "'drill', '2026-12-03T10:00:00.000000+00:00', 1, 'hi', 70, 'good', "
                           "'{}', '[\"clarify\", 5, {\"a\": 1}]', 1.0)")


@pytest.mark.parametrize("command", [["stats", "--operator", "anna"], ["stats", "--all", "--json"],
                                     ["report", "--format", "md"], ["report", "--format", "json"],
                                     ["export", "--all"], ["history", "--all"], ["history", "--all", "--json"]])
def test_one_odd_stored_row_never_breaks_reading_the_history(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "h.sqlite3"
    store_odd_rows(db)
    code, out, err = run_cli(*command, "--db", str(db))
    no_traceback(out, err)
    assert code == 0, err
    assert "warning:" in err
    if command[0] == "export":  # what import would refuse is left out, named; the rest goes through
        exported = [json.loads(line) for line in out.splitlines()]
        assert {row["id"] for row in exported} == {"att-0001", "att-0002", "att-0003", "odd-2"}
        assert "'odd-1' left out of the export: created_at" in err and "'odd-3' left out of the export: missed" in err
        assert next(row for row in exported if row["id"] == "odd-2")["reply"] == "\ufffdA"
    if command[:2] == ["stats", "--all"]:
        stats = json.loads(out)
        assert stats["attempts"] == 6 and all(row["day"].startswith("2026-12-0") for row in stats["trend"])
        assert {row["step"] for row in stats["missed_steps"]} == {"clarify", "benefit"}


def test_an_exported_history_with_odd_rows_imports_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    store_odd_rows(db)
    exported = tmp_path / "out.jsonl"
    assert run_cli("export", "--all", "--output", str(exported), "--db", str(db))[0] == 0
    code, out, err = run_cli("import", str(exported), "--db", str(tmp_path / "other.sqlite3"), "--json")
    assert code == 0, err
    assert json.loads(out)["added"] == 4


# --- item 8: input that used to raise --------------------------------------------------------------

HOSTILE_LINES = {
    "surrogate": '{"objection": "too-expensive", "reply": "\\ud800"}',
    "surrogate key": '{"objection": "too-expensive", "reply": "ok", "\\udc00": 1}',
    "5000 digits": '{"objection": "too-expensive", "reply": "ok", "n": ' + "9" * 5000 + "}",
    "deep": '{"objection": "too-expensive", "reply": "ok", "n": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "nan": '{"objection": "too-expensive", "reply": "ok", "n": NaN}',
    "1e999": '{"objection": "too-expensive", "reply": "ok", "n": 1e999}',
    "reply object": '{"objection": "too-expensive", "reply": {"a": 1}}',
    "objection list": '{"objection": ["too-expensive"], "reply": "ok"}',
    "lang number": '{"objection": "too-expensive", "reply": "ok", "lang": 5}',
}


@pytest.mark.parametrize("kind", list(HOSTILE_LINES))
def test_grade_turns_hostile_rows_into_error_rows_and_goes_on(kind: str) -> None:
    good = json.dumps({"objection": "too-expensive", "reply": "Понимаю вас, давайте сравним."})
    code, out, err = run_cli("grade", "-", stdin="\n".join([good, HOSTILE_LINES[kind], good]) + "\n")
    no_traceback(out, err)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(rows) == 3
    assert "error" not in rows[0] and "error" not in rows[2] and rows[2]["score"] >= 0
    assert rows[1]["error"].startswith(("line 2:", "row 2:")), rows[1]
    assert "graded 3 row(s), 1 with errors" in err


@pytest.mark.parametrize("kind", ["surrogate", "surrogate key", "5000 digits", "deep", "nan", "1e999"])
def test_import_reports_hostile_lines_by_number_and_imports_the_rest(tmp_path: Path, kind: str) -> None:
    hostile = HOSTILE_LINES[kind].replace('"objection": "too-expensive"', json.dumps(attempt(2))[1:-1])
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([json.dumps(attempt(1)), hostile, json.dumps(attempt(3))]) + "\n", encoding="utf-8")
    db = tmp_path / "h.sqlite3"
    code, out, err = run_cli("import", str(source), "--db", str(db), "--json")
    no_traceback(out, err)
    result = json.loads(out)
    assert code == 1 and result["added"] == 2 and result["errors"][0].startswith("line 2:"), result
    assert stored_ids(db) == {"att-0001", "att-0003"}


def test_a_reply_with_a_lone_surrogate_in_an_import_field_is_refused_by_name() -> None:
    from objcoach.mentor.exchange import AttemptProblem, checked_attempt

    with pytest.raises(AttemptProblem, match=r"^reply: holds text that is not valid Unicode"):
        checked_attempt(attempt(1, reply="a\ud800"))


def many_attempts(db: Path, count: int = 1500) -> bytearray:
    """A history of `count` attempts in one file (no WAL beside it), and its bytes."""
    source = db.parent / "many.jsonl"
    source.write_text("".join(json.dumps(attempt(n, reply="Понимаю вас " * 30)) + "\n" for n in range(count)),
                      encoding="utf-8")
    assert run_cli("import", str(source), "--db", str(db))[0] == 0
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
    return bytearray(db.read_bytes())


def test_stored_text_that_is_not_utf8_is_read_with_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    data = many_attempts(db, 300)
    at = data.rindex("Понимаю".encode())  # one reply, written over by another program
    data[at: at + 4] = b"\xff\xfe\xff\xfe"
    db.write_bytes(bytes(data))
    for command in (["history", "--operator", "anna", "-n", "500", "--json"], ["export", "--operator", "anna"]):
        code, out, err = run_cli(*command, "--db", str(db))
        no_traceback(out, err)
        assert code == 0 and "some stored text is not UTF-8" in err, (command, err)
        assert "\ufffd" in out and len(out.splitlines()) >= 300


def test_a_damaged_database_is_one_line_for_every_reading_command(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    data = many_attempts(db)
    # a leaf page of the attempts table halfway through: a command streaming rows in index order meets it
    # after the first rows, while reading them
    leaves = [start for start in range(0, len(data), 4096)
              if data[start] == 0x0D and "Понимаю".encode() in data[start:start + 4096]]
    middle = leaves[len(leaves) // 2]
    data[middle + 8: middle + 4000] = b"Z" * 3992
    db.write_bytes(bytes(data))
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    for command in (["history", "--operator", "anna", "-n", "2000"], ["export", "--operator", "anna"],
                    ["stats", "--all"], ["report", "--format", "json"]):
        code, out, err = run_cli(*command, "--db", str(db))
        no_traceback(out, err)
        # figures an index answers alone may still be given; anything that meets the page stops cleanly
        assert code == 0 or (code == 2 and err.count("\n") == 1 and "malformed" in err), (command, err)
        if command[0] in ("history", "export"):
            assert code == 2, (command, err)


# --- item 12: foreign, read-only and full databases ------------------------------------------------


def test_a_foreign_database_is_refused_before_anything_changes(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
        connection.execute("INSERT INTO notes VALUES ('mine')")
    before = foreign.read_bytes()
    for command in (["stats"], ["history"], ["import", "-"], ["drill", "--count", "1"]):
        code, out, err = run_cli(*command, "--db", str(foreign), stdin=json.dumps(attempt(1)) + "\n")
        no_traceback(out, err)
        assert code == 2 and "not an objcoach history (it holds other tables: notes)" in err, (command, err)
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["notes.db"]


def test_commands_that_only_read_never_write_the_database(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(attempt(1)) + "\n", encoding="utf-8")
    assert run_cli("import", str(source), "--db", str(db))[0] == 0
    with sqlite3.connect(db) as connection:  # as a copy made with the rollback journal would be
        connection.execute("PRAGMA journal_mode = DELETE")
    before = db.read_bytes()
    for command in (["stats", "--all"], ["history", "--all"], ["export", "--all"], ["report"], ["leaderboard"],
                    ["assignments"]):
        code, _, err = run_cli(*command, "--db", str(db))
        assert code == 0, (command, err)
        assert db.read_bytes() == before, command  # not even switched to WAL


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="file permissions do not hold for root")
def test_a_read_only_history_can_still_be_read(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "h.sqlite3"
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(attempt(1)) + "\n", encoding="utf-8")
    assert run_cli("import", str(source), "--db", str(db))[0] == 0
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        for command in (["stats", "--all"], ["history", "--all"], ["export", "--all"], ["report"]):
            code, _, err = run_cli(*command, "--db", str(db))
            assert code == 0, (command, err)
    finally:
        folder.chmod(0o755)


def full_after(pages: int) -> Any:
    """SqliteConnection._open that lets the database grow to `pages` pages: then it is full."""
    from objcoach.store.backends import SqliteConnection

    real = SqliteConnection._open

    def opened(self: SqliteConnection, target: str) -> sqlite3.Connection:
        db = real(self, target)
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    return opened


def test_import_stops_at_a_full_disk_with_one_message_and_keeps_what_was_committed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "h.sqlite3"
    with Store(db):
        pass
    with sqlite3.connect(db) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setattr("objcoach.store.backends.SqliteConnection._open", full_after(pages + 3))
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(attempt(n, reply="Понимаю вас " * 100)) + "\n" for n in range(200)),
                      encoding="utf-8")
    code, out, err = run_cli("import", str(source), "--db", str(db), "--lang", "en")
    no_traceback(out, err)
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and "full" in lines[0] and "The import stopped there" in lines[0], err
    monkeypatch.undo()
    kept = stored_ids(db)
    assert 0 < len(kept) < 200 and f"the {len(kept)} attempt(s) added before it are kept" in lines[0]
    assert lines[0].startswith(f"objcoach: line {len(kept) + 1}:")
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_row_the_database_refuses_is_reported_and_the_import_goes_on(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with Store(db) as store:
        store.c.execute("CREATE TRIGGER no_boris BEFORE INSERT ON attempts WHEN new.operator = 'boris' "
                        "BEGIN SELECT RAISE(ABORT, 'boris is not allowed'); END")
        lines = [json.dumps(attempt(1)), json.dumps(attempt(2, operator="boris")), json.dumps(attempt(3))]
        result = import_lines(store, io.BytesIO("\n".join(lines).encode("utf-8")), None)
    assert result.added == 2 and not result.stopped
    assert len(result.errors) == 1 and result.errors[0].startswith("line 2:") and "boris is not allowed" in \
        result.errors[0]


# --- PostgreSQL ------------------------------------------------------------------------------------


def test_a_nul_in_a_drill_reply_on_postgresql_is_stored_and_the_session_closed(pg_url: str) -> None:
    code, out, err = run_cli("drill", "--count", "2", "--seed", "1", "--lang", "ru", "--db", pg_url,
                             stdin="Понимаю\x00 вас, давайте проверю.\nПонимаю вас.\n")
    no_traceback(out, err)
    assert code == 0, err
    assert out.count("Оценка:") == 2
    with Store(pg_url) as store:
        replies = [row["reply"] for row in store.c.query("SELECT reply FROM attempts ORDER BY created_at")]
        sessions = store.c.query("SELECT ended_at FROM sessions")
    assert replies[0] == "Понимаю\ufffd вас, давайте проверю."
    assert len(sessions) == 1 and sessions[0]["ended_at"] is not None


def test_import_and_reading_on_postgresql_with_hostile_and_odd_rows(pg_url: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([json.dumps(attempt(1, reply="a\x00b", dispute_note="\x00")),
                                 json.dumps(attempt(2, score=2**63)), HOSTILE_LINES["surrogate"],
                                 json.dumps(attempt(3))]) + "\n", encoding="utf-8")
    code, out, err = run_cli("import", str(source), "--db", pg_url, "--json")
    no_traceback(out, err)
    result = json.loads(out)
    assert code == 1 and result["added"] == 2 and [line[:7] for line in result["errors"]] == ["line 2:", "line 3:"]
    with Store(pg_url) as store:  # as an older import left them
        store.c.execute("UPDATE attempts SET created_at = 'not a date', missed = 'not json' WHERE id = 'att-0001'")
        store.c.execute("UPDATE attempts SET missed = '[\"clarify\", \"\\u0000\"]' WHERE id = 'att-0003'")
    for command in (["stats", "--all", "--json"], ["report", "--format", "json"], ["export", "--all"],
                    ["history", "--all"]):
        code, out, err = run_cli(*command, "--db", pg_url)
        no_traceback(out, err)
        assert code == 0 and "warning:" in err, (command, err)
