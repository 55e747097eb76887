"""History in SQLite: sessions, attempts and review cards. The only module that speaks SQL.

WAL journal, a busy timeout so concurrent drills wait instead of failing, and a schema version in
PRAGMA user_version that is migrated forward on open. Every attempt is committed as soon as it is
scored, so a crash or Ctrl-C never loses a scored reply.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from objcoach.errors import ObjcoachError
from objcoach.schedule import CardState


class StoreError(ObjcoachError):
    """The history database cannot be used (damaged, newer, read-only)."""


# Each entry moves the schema from version i to i + 1. Never edit a released entry: add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        operator TEXT NOT NULL,
        mode TEXT NOT NULL,              -- drill | exam
        lang TEXT NOT NULL,
        started_at TEXT NOT NULL,        -- ISO 8601, UTC
        ended_at TEXT,
        planned INTEGER NOT NULL,
        seed INTEGER,
        pass_mark INTEGER,
        average REAL,
        passed INTEGER                   -- exams: 1 passed, 0 failed
    );
    CREATE TABLE attempts (
        id TEXT PRIMARY KEY,             -- stable across machines: export/import keys on it
        session_id TEXT REFERENCES sessions(id),
        operator TEXT NOT NULL,
        objection_id TEXT NOT NULL,
        lang TEXT NOT NULL,
        mode TEXT NOT NULL,
        created_at TEXT NOT NULL,
        try_no INTEGER NOT NULL,
        reply TEXT NOT NULL,
        score INTEGER,                   -- NULL: skipped or answer shown
        verdict TEXT,
        breakdown TEXT NOT NULL,         -- JSON: components, techniques, key points, flags
        missed TEXT NOT NULL DEFAULT '[]',  -- JSON list of checklist steps missed
        duration REAL NOT NULL,
        late INTEGER NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL DEFAULT 'scored',  -- scored | skipped | answer
        disputed INTEGER NOT NULL DEFAULT 0,
        dispute_note TEXT
    );
    CREATE INDEX attempts_operator_time ON attempts(operator, created_at);
    CREATE INDEX attempts_session ON attempts(session_id);
    CREATE INDEX attempts_objection ON attempts(operator, objection_id, lang);
    CREATE TABLE cards (
        operator TEXT NOT NULL,
        objection_id TEXT NOT NULL,
        lang TEXT NOT NULL,
        card TEXT NOT NULL,              -- FSRS card as JSON
        due TEXT NOT NULL,
        last_score INTEGER,
        reviews INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (operator, objection_id, lang)
    );
    """,
    """
    CREATE TABLE reviews (
        attempt_id TEXT PRIMARY KEY REFERENCES attempts(id),
        decision TEXT NOT NULL,          -- accepted | dismissed | commented
        comment TEXT,
        mentor TEXT NOT NULL,
        decided_at TEXT NOT NULL
    );
    CREATE INDEX attempts_disputed ON attempts(disputed) WHERE disputed = 1;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
BUSY_TIMEOUT_MS = 30_000


def now_iso(when: datetime | None = None) -> str:
    return (when or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Attempt:
    session_id: str
    operator: str
    objection_id: str
    lang: str
    mode: str
    try_no: int
    reply: str
    score: int | None
    verdict: str | None
    breakdown: dict[str, Any]
    missed: list[str]
    duration: float
    created_at: str
    late: bool = False
    outcome: str = "scored"
    disputed: bool = False
    dispute_note: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"{path.parent}: cannot create the folder ({error.strerror})") from None
        try:
            self.db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._migrate()
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: cannot be used as objcoach history ({error})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- schema ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer objcoach (schema {version}, this one knows "
                             f"{SCHEMA_VERSION}); upgrade objcoach to use it")
        if version == SCHEMA_VERSION:
            return
        with self._transaction():
            for step in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[step]):
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- writing ------------------------------------------------------------------------------

    def start_session(self, operator: str, mode: str, lang: str, planned: int, seed: int | None,
                      started_at: str, pass_mark: int | None = None) -> str:
        session_id = uuid.uuid4().hex
        self._write("INSERT INTO sessions (id, operator, mode, lang, started_at, planned, seed, pass_mark) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (session_id, operator, mode, lang, started_at, planned, seed, pass_mark))
        return session_id

    def end_session(self, session_id: str, ended_at: str, average: float | None, passed: bool | None) -> None:
        self._write("UPDATE sessions SET ended_at = ?, average = ?, passed = ? WHERE id = ?",
                    (ended_at, average, None if passed is None else int(passed), session_id))

    def add_attempt(self, attempt: Attempt) -> None:
        self._write(
            "INSERT INTO attempts (id, session_id, operator, objection_id, lang, mode, created_at, try_no, reply, "
            "score, verdict, breakdown, missed, duration, late, outcome, disputed, dispute_note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (attempt.id, attempt.session_id, attempt.operator, attempt.objection_id, attempt.lang, attempt.mode,
             attempt.created_at, attempt.try_no, attempt.reply, attempt.score, attempt.verdict,
             json.dumps(attempt.breakdown, ensure_ascii=False), json.dumps(attempt.missed),
             attempt.duration, int(attempt.late), attempt.outcome, int(attempt.disputed), attempt.dispute_note),
        )

    def dispute(self, attempt_id: str, note: str) -> None:
        self._write("UPDATE attempts SET disputed = 1, dispute_note = ? WHERE id = ?", (note or None, attempt_id))

    def save_card(self, operator: str, objection_id: str, lang: str, card: str, due: datetime,
                  last_score: int | None) -> None:
        self._write(
            "INSERT INTO cards (operator, objection_id, lang, card, due, last_score, reviews) "
            "VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (operator, objection_id, lang) DO UPDATE SET "
            "card = excluded.card, due = excluded.due, last_score = excluded.last_score, reviews = reviews + 1",
            (operator, objection_id, lang, card, now_iso(due), last_score),
        )

    def _write(self, sql: str, params: Sequence[Any]) -> None:
        try:
            with self._transaction():
                self.db.execute(sql, params)
        except sqlite3.OperationalError as error:
            raise StoreError(f"{self.path}: cannot write ({error})") from None

    # --- reading ------------------------------------------------------------------------------

    def card(self, operator: str, objection_id: str, lang: str) -> str | None:
        row = self.db.execute("SELECT card FROM cards WHERE operator = ? AND objection_id = ? AND lang = ?",
                              (operator, objection_id, lang)).fetchone()
        return str(row["card"]) if row else None

    def card_states(self, operator: str, lang: str) -> dict[str, CardState]:
        rows = self.db.execute("SELECT objection_id, due, last_score FROM cards WHERE operator = ? AND lang = ?",
                               (operator, lang))
        return {row["objection_id"]: CardState(datetime.fromisoformat(row["due"]), row["last_score"]) for row in rows}

    def previous_average(self, operator: str, mode: str, lang: str, before: str, exclude: str) -> float | None:
        row = self.db.execute(
            "SELECT average FROM sessions WHERE operator = ? AND mode = ? AND lang = ? AND started_at <= ? "
            "AND id != ? AND average IS NOT NULL ORDER BY started_at DESC, rowid DESC LIMIT 1",
            (operator, mode, lang, before, exclude)).fetchone()
        return float(row["average"]) if row else None

    def history(self, operator: str | None, limit: int) -> list[dict[str, Any]]:
        where, params = _operator_filter(operator, "a.")
        rows = self.db.execute(
            f"SELECT a.id, a.created_at, a.operator, a.objection_id, a.lang, a.mode, a.try_no, a.reply, a.score, "
            f"a.verdict, a.duration, a.late, a.outcome, a.disputed, a.dispute_note, a.session_id, "
            f"r.decision AS review, r.comment AS review_comment, r.mentor AS reviewer "
            f"FROM attempts AS a LEFT JOIN reviews AS r ON r.attempt_id = a.id {where} "
            f"ORDER BY a.created_at DESC, a.rowid DESC LIMIT ?", (*params, limit))
        return [dict(row) for row in rows]

    def attempt(self, attempt_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        if row is None and len(attempt_id) >= 6:  # a unique prefix is enough, as in git
            rows = self.db.execute("SELECT * FROM attempts WHERE id LIKE ? LIMIT 2", (attempt_id + "%",)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return dict(row) if row else None

    def review_candidates(self, operator: str | None, since: str | None, lowest: int) -> list[dict[str, Any]]:
        """Unreviewed disputed attempts, then the `lowest` lowest-scoring unreviewed recent ones."""
        conditions = ["r.attempt_id IS NULL", "a.outcome = 'scored'"]
        params: list[Any] = []
        if operator:
            conditions.append("a.operator = ?")
            params.append(operator)
        if since:
            conditions.append("a.created_at >= ?")
            params.append(since)
        where = " AND ".join(conditions)
        base = "SELECT a.* FROM attempts AS a LEFT JOIN reviews AS r ON r.attempt_id = a.id WHERE " + where
        disputed = self.db.execute(f"{base} AND a.disputed = 1 ORDER BY a.created_at", params).fetchall()
        low = self.db.execute(f"{base} AND a.disputed = 0 ORDER BY a.score, a.created_at DESC LIMIT ?",
                              (*params, lowest)).fetchall()
        return [dict(row) for row in disputed] + [dict(row) for row in low]

    def save_review(self, attempt_id: str, decision: str, comment: str | None, mentor: str, when: str) -> None:
        self._write("INSERT INTO reviews (attempt_id, decision, comment, mentor, decided_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (attempt_id) DO UPDATE SET decision = excluded.decision, comment = excluded.comment, "
                    "mentor = excluded.mentor, decided_at = excluded.decided_at",
                    (attempt_id, decision, comment, mentor, when))

    # --- moving history between machines -------------------------------------------------

    def export_rows(self, operator: str | None, since: str | None) -> Iterator[dict[str, Any]]:
        """Attempts with their session's facts, oldest first, streamed."""
        conditions, params = [], []
        if operator:
            conditions.append("a.operator = ?")
            params.append(operator)
        if since:
            conditions.append("a.created_at >= ?")
            params.append(since)
        where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
        cursor = self.db.execute(
            f"SELECT a.*, s.mode AS session_mode, s.lang AS session_lang, s.started_at AS session_started_at, "
            f"s.ended_at AS session_ended_at, s.planned AS session_planned, s.average AS session_average, "
            f"s.passed AS session_passed, s.pass_mark AS session_pass_mark "
            f"FROM attempts AS a LEFT JOIN sessions AS s ON s.id = a.session_id {where} "
            f"ORDER BY a.created_at, a.rowid", params)
        for row in cursor:
            yield dict(row)

    def import_row(self, row: dict[str, Any]) -> bool:
        """Store one exported attempt (and its session when new); False when it was already here."""
        try:
            with self._transaction():
                session = row.get("session_id")
                if session:
                    self.db.execute(
                        "INSERT OR IGNORE INTO sessions (id, operator, mode, lang, started_at, ended_at, planned, "
                        "average, passed, pass_mark) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (session, row["operator"], row.get("session_mode") or row["mode"],
                         row.get("session_lang") or row["lang"], row.get("session_started_at") or row["created_at"],
                         row.get("session_ended_at"), row.get("session_planned") or 0, row.get("session_average"),
                         row.get("session_passed"), row.get("session_pass_mark")))
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO attempts (id, session_id, operator, objection_id, lang, mode, created_at, "
                    "try_no, reply, score, verdict, breakdown, missed, duration, late, outcome, disputed, "
                    "dispute_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (row["id"], session, row["operator"], row["objection_id"], row["lang"], row["mode"],
                     row["created_at"], row["try_no"], row["reply"], row.get("score"), row.get("verdict"),
                     _json_text(row.get("breakdown"), "{}"), _json_text(row.get("missed"), "[]"),
                     row.get("duration") or 0.0, int(bool(row.get("late"))), row.get("outcome") or "scored",
                     int(bool(row.get("disputed"))), row.get("dispute_note")))
                return cursor.rowcount == 1
        except sqlite3.IntegrityError as error:
            raise StoreError(f"cannot import attempt {row.get('id')}: {error}") from None

    def attempts_for_session(self, session_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM attempts WHERE session_id = ? ORDER BY rowid", (session_id,))
        return [dict(row) for row in rows]

    def stats(self, operator: str | None, since: str | None, until: str | None = None) -> dict[str, Any]:
        """Aggregates for `stats` and reports, computed in SQL with the indexes above."""
        conditions, params = [], []
        if operator:
            conditions.append("operator = ?")
            params.append(operator)
        if since:
            conditions.append("created_at >= ?")
            params.append(since)
        if until:
            conditions.append("created_at < ?")
            params.append(until)
        where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
        scored = f"{where} {'AND' if where else 'WHERE'} score IS NOT NULL"
        totals = self.db.execute(
            f"SELECT COUNT(*) AS attempts, COUNT(DISTINCT session_id) AS sessions, AVG(score) AS average "
            f"FROM attempts {where}", params).fetchone()
        days = self.db.execute(
            f"SELECT substr(created_at, 1, 10) AS day, AVG(score) AS average, COUNT(*) AS attempts "
            f"FROM attempts {where} GROUP BY day ORDER BY day", params).fetchall()
        mastery = self.db.execute(
            f"SELECT operator, objection_id, lang, MAX(score) AS best, COUNT(*) AS attempts, "
            f"(SELECT b.score FROM attempts AS b WHERE b.operator = a.operator AND b.objection_id = a.objection_id "
            f" AND b.lang = a.lang ORDER BY b.created_at DESC, b.rowid DESC LIMIT 1) AS last, "
            f"(SELECT c.due FROM cards AS c WHERE c.operator = a.operator AND c.objection_id = a.objection_id "
            f" AND c.lang = a.lang) AS due "
            f"FROM attempts AS a {where} GROUP BY operator, objection_id, lang ORDER BY best, objection_id",
            params).fetchall()
        missed = self.db.execute(
            f"SELECT step.value AS step, COUNT(*) AS times FROM attempts, json_each(attempts.missed) AS step "
            f"{scored} GROUP BY step.value ORDER BY times DESC, step.value", params).fetchall()
        exam_where = where.replace("created_at", "started_at")
        exams = self.db.execute(
            f"SELECT COUNT(*) AS taken, COALESCE(SUM(passed), 0) AS passed FROM sessions "
            f"{exam_where} {'AND' if exam_where else 'WHERE'} mode = 'exam' AND passed IS NOT NULL",
            params).fetchone()
        return {
            "attempts": totals["attempts"],
            "sessions": totals["sessions"],
            "average": totals["average"],
            "days": [dict(row) for row in days],
            "mastery": [dict(row) for row in mastery],
            "missed_steps": [dict(row) for row in missed],
            "exams": dict(exams),
        }

    def lowest_replies(self, operator: str, since: str | None, limit: int) -> list[dict[str, Any]]:
        """The operator's lowest-scoring replies in the period: the facts a mentor quotes."""
        condition, params = ("AND created_at >= ?", [since]) if since else ("", [])
        rows = self.db.execute(
            f"SELECT objection_id, lang, score, verdict, reply, created_at FROM attempts "
            f"WHERE operator = ? AND score IS NOT NULL {condition} ORDER BY score, created_at DESC LIMIT ?",
            (operator, *params, limit))
        return [dict(row) for row in rows]

    def operators(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT DISTINCT operator FROM attempts ORDER BY operator")]

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])


def _operator_filter(operator: str | None, prefix: str = "") -> tuple[str, tuple[Any, ...]]:
    return (f"WHERE {prefix}operator = ?", (operator,)) if operator else ("", ())


def _json_text(value: Any, empty: str) -> str:
    """Exported JSON fields arrive parsed or as text; store them as text."""
    if value is None:
        return empty
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (no semicolons inside our literals)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


def open_store(path: Path) -> Store:
    return Store(path)
