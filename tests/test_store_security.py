"""The history database against a hostile user: passwords never shown, user text never taken as a pattern,
forged scores found by re-scoring. PostgreSQL's own refusals are in test_postgres.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from objcoach.store import backends

# (address, the password in it): every way a password can be written in a --db
PASSWORD_FORMS = [
    ("postgresql://anna@127.0.0.1:1/db?password=hunter2x", "hunter2x"),
    ("postgresql://:s3cretpw@127.0.0.1:1/db", "s3cretpw"),
    ("postgresql://anna:p@ssw0rd@127.0.0.1:1/db", "ssw0rd"),
    ("postgres://anna:pa%40ss%2Fw@127.0.0.1:1/db", "pa%40ss"),
    ("host=127.0.0.1 port=1 password=se cretpart", "cretpart"),
    ("host=127.0.0.1 port=1 password='quoted pass' dbname=x", "quoted"),
    ("host=127.0.0.1 port=abc password=zz9zz", "zz9zz"),
    ("postgresql://anna@127.0.0.1/db?foo=bar&password=qq9qq", "qq9qq"),
    ("host=127.0.0.1 port=1 sslpassword=keypass9", "keypass9"),
]


@pytest.mark.parametrize(("address", "password"), PASSWORD_FORMS)
def test_a_password_is_masked_in_the_address(address: str, password: str) -> None:
    label = backends.safe_label(address)
    assert password not in label and "***" in label
    assert "127.0.0.1" in label  # the rest of the address still says which database


@pytest.mark.parametrize(("address", "password"), PASSWORD_FORMS)
def test_a_password_never_appears_in_what_a_user_sees(address: str, password: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq's own error text quotes parts of the address (a host after an @ in a password, a keyword it
    could not read): the whole message is masked, not only the address objcoach prints."""
    pytest.importorskip("psycopg")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("history", "--db", address)
    assert code == 2 and "Traceback" not in err
    assert password not in out + err and "***" in err
    assert list(tmp_path.iterdir()) == []  # nothing was taken as a SQLite file name


def test_libpq_error_text_is_masked_with_the_address_it_came_from() -> None:
    assert backends.mask("failed to resolve host 'ss@host': x", "postgresql://anna:p@ss@host/db") == \
        "failed to resolve host '***@host': x"
    assert "cretpart" not in backends.mask('missing "=" after "cretpart" in connection info string',
                                  "host=h password=se cretpart")


@pytest.mark.parametrize("address", ["host=db.example dbname=team", "dbname=x user=y", " service=team",
                                     "postgresql://anna@db/team", "postgres://db/team"])
def test_keyword_strings_and_urls_are_postgresql(address: str) -> None:
    assert backends.is_postgres(address)


@pytest.mark.parametrize("address", ["history.sqlite3", "team=1.sqlite3", "/tmp/host=x/db.sqlite3", "hostname=x"])
def test_file_names_stay_sqlite(address: str) -> None:
    assert not backends.is_postgres(address)


def test_a_keyword_string_creates_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("stats", "--db", "dbname=x user=y host=127.0.0.1 port=1")
    assert code == 2 and "cannot connect" in err
    assert list(tmp_path.iterdir()) == []


def _one_attempt(db: Path, operator: str = "anna", reply: str = "Понимаю вас.", score: int = 40) -> str:
    from objcoach.store.base import Attempt, now_iso
    from objcoach.store.history import Store

    with Store(db) as store:
        session = store.start_session(operator, "drill", "ru", 1, None, now_iso())
        attempt = Attempt(session_id=session, operator=operator, objection_id="bank-already-chosen", lang="ru",
                          mode="drill", try_no=1, reply=reply, score=score, verdict="weak", breakdown={},
                          missed=[], duration=1.0, created_at=now_iso())
        store.add_attempt(attempt)
    return attempt.id


@pytest.mark.parametrize("pattern", ["%%%%%%", "______", "%_%_%_", "!!!!!!%"])
def test_an_attempt_prefix_is_text_not_a_pattern(tmp_path: Path, pattern: str) -> None:
    db = tmp_path / "history.sqlite3"
    attempt = _one_attempt(db)
    code, _, err = run_cli("review", "--dismiss", pattern, "--db", str(db), "--mentor", "mira")
    assert code == 2 and "no attempt" in err
    assert run_cli("review", "--dismiss", attempt[:8], "--db", str(db), "--mentor", "mira")[0] == 0


# --- forged scores: every stored reply is scored again before a mentor's figures use it ---------------

WEAK = "не знаю"
GOOD = "Понимаю вас, выбор за вами. Подскажите, что для вас было главным? Давайте пришлю условия в СМС?"


def _drill(db: Path, operator: str, *replies: str, mode: str = "drill") -> None:
    ids = ["--id", "bank-already-chosen", "--id", "too-expensive"][:2 * len(replies)]
    code, _, err = run_cli(mode, *ids, "--lang", "ru", "--operator", operator, "--db", str(db),
                           *(["--retries", "0"] if mode == "drill" else ["--pass-mark", "60"]),
                           stdin="".join(reply + "\n" for reply in replies))
    assert code in (0, 1), err


def _sql(db: Path, statement: str, *params: object) -> None:
    import sqlite3

    with sqlite3.connect(db) as connection:
        connection.execute(statement, params)


def _report(db: Path, lang: str = "en", fmt: str = "json") -> str:
    code, out, err = run_cli("report", "--format", fmt, "--lang", lang, "--db", str(db))
    assert code == 0, err
    return out


def test_a_hand_edited_score_is_left_out_of_the_report_and_leaderboard(tmp_path: Path) -> None:
    import json

    db = tmp_path / "history.sqlite3"
    _drill(db, "anna", WEAK, WEAK)
    _drill(db, "boris", GOOD)
    _sql(db, "UPDATE attempts SET score = 100, verdict = 'excellent', missed = '[]' WHERE operator = 'anna' "
             "AND objection_id = 'too-expensive'")
    reports = {r["operator"]: r for r in json.loads(_report(db))["reports"]}
    anna = reports["anna"]
    forged = anna["figures"]["checked"]["forged"]
    assert [(row["objection_id"], row["stored"]) for row in forged] == [("too-expensive", 100)]
    assert forged[0]["regraded"] < 30
    assert anna["figures"]["attempts"] == 1 and anna["figures"]["average"] < 30  # the forged 100 is not counted
    assert all(row["objection_id"] != "too-expensive" for row in anna["figures"]["mastery"])
    assert reports["boris"]["figures"]["checked"]["forged"] == []
    for lang, said in (("en", "Left out of these figures: 1 attempt"), ("ru", "Не учтены в цифрах попытки")):
        text = _report(db, lang, "md")
        assert said in text and forged[0]["id"][:8] in text
    code, out, _ = run_cli("leaderboard", "--by", "score", "--json", "--db", str(db))
    board = json.loads(out)
    assert code == 0 and [row["operator"] for row in board] == ["boris", "anna"]
    assert {row["operator"]: row["forged"] for row in board} == {"boris": 0, "anna": 1}
    code, out, _ = run_cli("leaderboard", "--by", "score", "--lang", "ru", "--db", str(db))
    assert code == 0 and "anna: не учтены попытки" in out


def test_an_older_graders_score_is_kept_and_counted(tmp_path: Path) -> None:
    import json

    db = tmp_path / "history.sqlite3"
    _drill(db, "anna", WEAK, GOOD)
    _sql(db, "UPDATE attempts SET score = score + 7, grader_version = 'an-older-one' WHERE objection_id = "
             "'too-expensive'")
    _sql(db, "UPDATE attempts SET grader_version = NULL, entry_version = NULL WHERE objection_id = "
             "'bank-already-chosen'")  # stored before versions were kept
    anna = json.loads(_report(db))["reports"][0]
    assert anna["figures"]["checked"]["forged"] == [] and anna["figures"]["checked"]["older"] == 2
    assert anna["figures"]["attempts"] == 2
    assert "Scored by an older grader or catalog entry: 2 attempt(s)" in _report(db, "en", "md")
    assert "Оценены прежней версией оценщика" in _report(db, "ru", "md")


def test_an_exam_stored_as_passed_counts_only_when_its_replies_pass(tmp_path: Path) -> None:
    import json

    db = tmp_path / "history.sqlite3"
    _drill(db, "anna", WEAK, mode="exam")
    _drill(db, "anna", GOOD, mode="exam")
    assert json.loads(_report(db))["reports"][0]["figures"]["exams"] == {"taken": 2, "passed": 1}
    _sql(db, "UPDATE sessions SET passed = 1, average = 100 WHERE mode = 'exam'")
    figures = json.loads(_report(db))["reports"][0]["figures"]
    assert figures["exams"] == {"taken": 1, "passed": 1} and len(figures["checked"]["forged_exams"]) == 1
    assert "self-quiz(zes) stored as passed" in _report(db, "en", "md")


def test_a_late_exam_reply_is_honest_only_with_a_late_penalty(tmp_path: Path) -> None:
    """A late reply is stored with 10 to 30 points off the grader's score; anything else is forged."""
    import json

    from objcoach.catalog.load import load_catalog
    from objcoach.scoring.score import score_reply
    from objcoach.scoring.versions import entry_version, grader_version
    from objcoach.store.base import Attempt, now_iso
    from objcoach.store.history import Store

    catalog = load_catalog()
    objection = catalog.get("bank-already-chosen")
    assert objection is not None
    graded = score_reply(GOOD, objection, catalog, "ru").score
    db = tmp_path / "history.sqlite3"
    with Store(db) as store:
        session = store.start_session("anna", "exam", "ru", 1, None, now_iso())
        for score, late in ((graded - 12, True), (graded - 30, True), (graded - 5, True), (graded + 1, True),
                            (graded - 12, False)):
            store.add_attempt(Attempt(session_id=session, operator="anna", objection_id=objection.id, lang="ru",
                                      mode="exam", try_no=1, reply=GOOD, score=score, verdict="good", breakdown={},
                                      missed=[], duration=90.0, created_at=now_iso(), late=late,
                                      grader_version=grader_version(catalog),
                                      entry_version=entry_version(catalog, objection)))
    forged = json.loads(_report(db))["reports"][0]["figures"]["checked"]["forged"]
    assert sorted(row["stored"] for row in forged) == sorted([graded - 5, graded + 1, graded - 12])


def test_an_objection_the_catalog_lacks_is_kept_and_counted_as_not_checked(tmp_path: Path) -> None:
    import json

    db = tmp_path / "history.sqlite3"
    _drill(db, "anna", WEAK)
    _sql(db, "UPDATE attempts SET objection_id = 'team-only-objection'")
    anna = json.loads(_report(db))["reports"][0]["figures"]
    assert anna["checked"]["unchecked"] == 1 and anna["checked"]["forged"] == [] and anna["attempts"] == 1
    assert "Not checked: 1 attempt(s)" in _report(db, "en", "md")
