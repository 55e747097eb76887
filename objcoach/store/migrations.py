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
    ALTER TABLE attempts ADD COLUMN hints INTEGER NOT NULL DEFAULT 0;   -- /hint asked before this reply
    ALTER TABLE sessions ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;  -- Ctrl-C: neither passed nor failed
    ALTER TABLE cards ADD COLUMN fails INTEGER NOT NULL DEFAULT 0;  -- reviews rated Again: a leech at LEECH_FAILS
    CREATE INDEX attempts_hints ON attempts(operator, created_at) WHERE hints > 0;  -- a report sums them
    CREATE TABLE card_reviews (          -- the review log: one row per rating a card was given
        operator TEXT NOT NULL,
        objection_id TEXT NOT NULL,
        lang TEXT NOT NULL,
        rating INTEGER NOT NULL,         -- FSRS: 1 Again, 2 Hard, 3 Good, 4 Easy
        reviewed_at TEXT NOT NULL,
        PRIMARY KEY (operator, objection_id, lang, reviewed_at)
    );
    CREATE TABLE fsrs_parameters (       -- an operator's FSRS parameters, fitted on their review log
        operator TEXT PRIMARY KEY,
        parameters TEXT NOT NULL,        -- JSON list of floats
        reviews INTEGER NOT NULL,        -- how many reviews they were fitted on
        fitted_at TEXT NOT NULL
    );
    -- the log of the reviews made before it was kept, from the attempts: one review per objection and
    -- session, rated as the drill rated it (a skip or an answer shown: Again; else by the best score)
    INSERT INTO card_reviews (operator, objection_id, lang, rating, reviewed_at)
    SELECT operator, objection_id, lang,
           CASE WHEN SUM(CASE WHEN outcome IN ('skipped', 'answer') THEN 1 ELSE 0 END) > 0 THEN 1
                WHEN MAX(score) >= 85 THEN 4 WHEN MAX(score) >= 70 THEN 3 WHEN MAX(score) >= 50 THEN 2 ELSE 1 END,
           MAX(created_at)
    FROM attempts WHERE session_id IS NOT NULL
    GROUP BY session_id, operator, objection_id, lang
    ON CONFLICT DO NOTHING;
    UPDATE cards SET fails = (SELECT COUNT(*) FROM card_reviews AS r WHERE r.operator = cards.operator
                              AND r.objection_id = cards.objection_id AND r.lang = cards.lang AND r.rating = 1)
    """,
    """
    ALTER TABLE reviews ADD COLUMN grade INTEGER;       -- decision graded: the mentor's own grade, 0-3
    ALTER TABLE reviews ADD COLUMN received_at TEXT;    -- when it reached this history (made here, or imported)
    UPDATE reviews SET received_at = decided_at;
    CREATE INDEX reviews_received ON reviews(received_at)  -- the feedback a drill's summary shows is the newest
    """,
    """
    ALTER TABLE sessions ADD COLUMN scenario_id TEXT;   -- roleplay: the scenario of the call
    ALTER TABLE sessions ADD COLUMN outcome TEXT;       -- roleplay: resolved | escalated | lost (NULL: not ended)
    ALTER TABLE attempts ADD COLUMN scenario_id TEXT;   -- roleplay: the scenario and node the reply answered
    ALTER TABLE attempts ADD COLUMN node_id TEXT;
    CREATE INDEX sessions_scenario ON sessions(operator, scenario_id) WHERE scenario_id IS NOT NULL
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
