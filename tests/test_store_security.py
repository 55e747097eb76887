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
