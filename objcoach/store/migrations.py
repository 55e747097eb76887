"""The history's schema, as the steps that build it, and the step that brings a database up to date.

Each entry of MIGRATIONS moves the schema from version i to i + 1; both backends run the same SQL.
A database is migrated forward on open, in one transaction, under a lock on PostgreSQL. Never edit a
released entry: add one.
"""

from __future__ import annotations

from objcoach.store.backends import PostgresConnection, SqliteConnection, StoreError

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
    """
    CREATE TABLE assignments (
        id TEXT PRIMARY KEY,
        operator TEXT NOT NULL,
        objection_id TEXT NOT NULL,
        due TEXT NOT NULL,               -- the day it should be done by (YYYY-MM-DD)
        assigned_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (operator, objection_id)
    );
    CREATE INDEX assignments_operator ON assignments(operator, due);
    CREATE TABLE team_members (
        mentor TEXT NOT NULL,
        operator TEXT NOT NULL,
        PRIMARY KEY (mentor, operator)
    );
    """,
    """
    CREATE INDEX attempts_last ON attempts(operator, objection_id, lang, created_at, score);
    DROP INDEX attempts_objection;
    """,
    """
    ALTER TABLE attempts ADD COLUMN grader_version TEXT;   -- scoring/versions.py: which grader scored it
    ALTER TABLE attempts ADD COLUMN entry_version TEXT;    -- and against which catalog entry
    CREATE INDEX attempts_grader ON attempts(grader_version, created_at)  -- a report reads today's grader's
    """,
    """
    ALTER TABLE reviews ADD COLUMN grade INTEGER;       -- decision graded: the mentor's own grade, 0-3
    ALTER TABLE reviews ADD COLUMN received_at TEXT;    -- when it reached this history (made here, or imported)
    UPDATE reviews SET received_at = decided_at;
    CREATE INDEX reviews_received ON reviews(received_at)  -- the feedback a drill's summary shows is the newest
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(c: SqliteConnection | PostgresConnection) -> None:
    """Bring the database to SCHEMA_VERSION; refuse one written by a newer objcoach."""
    version = c.schema_version()
    if version > SCHEMA_VERSION:
        raise StoreError(f"{c.label}: written by a newer objcoach (schema {version}, this one knows "
                         f"{SCHEMA_VERSION}); upgrade objcoach to use it")
    if version < SCHEMA_VERSION:
        with c.transaction():
            if isinstance(c, PostgresConnection):
                c.lock_for_migration()
            version = c.schema_version()  # another process may have migrated meanwhile
            for step in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[step]):
                    c.execute(statement)
            c.set_schema_version(SCHEMA_VERSION)
    c.after_migration()


def _statements(script: str) -> list[str]:
    """Split a migration into statements (no semicolons inside our literals)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]
