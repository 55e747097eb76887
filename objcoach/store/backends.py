"""Connections to the two kinds of history database, behind one small interface for store.py.

SQLite is the embedded default on one machine; a team points every objcoach at one PostgreSQL. SQL is
written once, with `?` placeholders; the PostgreSQL connection turns them into its own. What differs
between the two (schema version, locking, JSON functions, integrity checks) lives here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from objcoach.errors import ObjcoachError

if TYPE_CHECKING:
    from psycopg.sql import Composed

BUSY_TIMEOUT_MS = 30_000


class StoreError(ObjcoachError):
    """The history database cannot be used (damaged, newer, read-only, unreachable)."""


# libpq's connection keywords: a `--db` that starts with one of them (`host=db user=anna`) is a keyword
# string for PostgreSQL, not the name of a SQLite file
LIBPQ_KEYWORDS = frozenset(
    "host hostaddr port dbname user password passfile require_auth channel_binding connect_timeout "
    "client_encoding options application_name fallback_application_name keepalives keepalives_idle "
    "keepalives_interval keepalives_count tcp_user_timeout replication gssencmode sslmode requiressl "
    "sslcompression sslcert sslkey sslpassword sslcertmode sslrootcert sslcrl sslcrldir sslsni requirepeer "
    "ssl_min_protocol_version ssl_max_protocol_version krbsrvname gsslib gssdelegation service "
    "target_session_attrs load_balance_hosts".split())
_SCHEMES = ("postgresql://", "postgres://")
_KEYWORD = re.compile(r"\s*([a-z_]+)\s*=")
# a keyword value: quoted, or every word up to the next `key=` (libpq would read `password=se cret`
# as a password and a broken keyword whose text it then quotes in its error)
_VALUE = r"(?:'(?:[^'\\]|\\.)*'?|[^\s&]*(?:\s+(?![a-z_]+\s*=)[^\s&=]+)*)"
_SECRET_RULES = (
    # scheme://user:password@host: the password runs to the last @ (it may hold @, / or :)
    (re.compile(r"(postgres(?:ql)?://[^\s:@/?#]*):\S*@"), r"\1:***@"),
    # password=… and sslpassword=… in a URL's query or a keyword string
    (re.compile(r"(\b(?:ssl)?password\s*=\s*)" + _VALUE, re.IGNORECASE), r"\1***"),
    # libpq quotes a host it could not resolve: with an @ in a password, part of it lands there
    (re.compile(r"(['\"])[^'\"\s]*@"), r"\1***@"),
)
_FRAGMENT = re.compile(r"[@/:?&#\s]+")


def is_postgres(target: str | Path) -> bool:
    """A PostgreSQL address: a postgresql:// URL or a libpq keyword string (`host=db dbname=team`)."""
    if not isinstance(target, str):
        return False
    if target.startswith(_SCHEMES):
        return True
    keyword = _KEYWORD.match(target)
    return keyword is not None and keyword.group(1) in LIBPQ_KEYWORDS


def secrets(target: str) -> list[str]:
    """The passwords written in a database address, as written and percent-decoded."""
    from urllib.parse import unquote

    found = []
    if target.startswith(_SCHEMES):
        rest = target.split("://", 1)[1]
        userinfo = rest[:rest.rfind("@")] if "@" in rest else ""
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    for match in re.finditer(r"\b(?:ssl)?password\s*=\s*(" + _VALUE + ")", target, re.IGNORECASE):
        found.append(match.group(1).strip("'"))
    return [value for secret in found for value in {secret, unquote(secret)} if value]


def mask(text: str, target: str | Path | None = None) -> str:
    """`text` with every password shown as ***: in a URL, in a query or keyword string, and (given the
    `target` it came from) any piece of one that libpq echoes in its own error text."""
    for pattern, replacement in _SECRET_RULES:
        text = pattern.sub(replacement, text)
    if isinstance(target, str):
        pieces = {piece for secret in secrets(target) for piece in (secret, *_FRAGMENT.split(secret))}
        for piece in sorted(pieces, key=len, reverse=True):
            if len(piece) >= 3:  # a shorter piece would hide ordinary letters; the rules above cover it
                text = text.replace(piece, "***")
    return text


def safe_label(target: str | Path) -> str:
    """How to name a database in a message: its address with every password masked."""
    return mask(str(target), target)


class SqliteConnection:
    kind = "sqlite"

    def __init__(self, path: Path) -> None:
        self.label = str(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"{path.parent}: cannot create the folder ({error.strerror})") from None
        try:
            self.db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: cannot be used as objcoach history ({error})") from None

    # JSON list of checklist steps, one row per step, as `step.value`
    missed_steps = "json_each(attempts.missed) AS step"
    # the texts of one parameter, a JSON list, as a subquery
    json_texts = "SELECT value FROM json_each(?)"

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(row) for row in self._run(sql, params)]

    def iterate(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        for row in self._run(sql, params):
            yield dict(row)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._run(sql, params).rowcount

    def _run(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, params)
        except sqlite3.IntegrityError as error:
            raise StoreError(f"{self.label}: refused ({error})") from None
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.label}: cannot be used as objcoach history ({error})") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._run("BEGIN IMMEDIATE", ())  # takes the write lock now: no deadlock between two writers
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self._run("COMMIT", ())

    def schema_version(self) -> int:
        return int(self._run("PRAGMA user_version", ()).fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        self._run(f"PRAGMA user_version = {int(version)}", ())

    def after_migration(self) -> None:
        self._run("PRAGMA journal_mode = WAL", ())

    def identity(self) -> str | None:
        return None

    def integrity(self) -> str:
        return str(self._run("PRAGMA integrity_check", ()).fetchone()[0])

    def close(self) -> None:
        self.db.close()


class PostgresConnection:
    kind = "postgresql"
    missed_steps = "jsonb_array_elements_text(attempts.missed::jsonb) AS step(value)"
    json_texts = "SELECT jsonb_array_elements_text(?::jsonb)"

    def __init__(self, url: str) -> None:
        self.label = safe_label(url)
        self.target = url
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError:
            raise StoreError("PostgreSQL needs psycopg: pip install 'objcoach[postgresql]'") from None
        self._psycopg = psycopg
        try:
            # passwords come from PGPASSWORD, ~/.pgpass or a service file: libpq reads them itself
            self.db = psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
        except psycopg.Error as error:
            raise StoreError(f"{self.label}: cannot connect ({self._said(error)})") from None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return list(self._run(sql, params).fetchall())

    def iterate(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        yield from self._run(sql, params)

    def execute(self, sql: str | Composed, params: Sequence[Any] = ()) -> int:
        """Run one statement: our SQL text with `?` placeholders, or one composed with psycopg.sql (names
        quoted by psycopg, taken as it is)."""
        return int(self._run(sql, params).rowcount)

    def _run(self, sql: str | Composed, params: Sequence[Any]) -> Any:
        try:
            if not isinstance(sql, str):
                return self.db.execute(sql, tuple(params) or None)
            return self.db.execute(_placeholders(sql), tuple(params))
        except self._psycopg.errors.InsufficientPrivilege as error:
            raise StoreError(f"{self.label}: not allowed ({self._said(error)})") from None
        except self._psycopg.Error as error:
            raise StoreError(f"{self.label}: {self._said(error)}") from None

    def _said(self, error: Exception) -> str:
        """The first line of the server's or libpq's message, which may quote the address: masked."""
        return mask(_first_line(error), self.target)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.transaction():
            yield

    def schema_version(self) -> int:
        rows = self.query("SELECT to_regclass('objcoach_meta') IS NOT NULL AS present")
        if not rows[0]["present"]:
            return 0
        found = self.query("SELECT value FROM objcoach_meta WHERE key = 'schema_version'")
        return int(found[0]["value"]) if found else 0

    def set_schema_version(self, version: int) -> None:
        self.execute("CREATE TABLE IF NOT EXISTS objcoach_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.execute("INSERT INTO objcoach_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) "
                     "DO UPDATE SET value = excluded.value", (str(version),))

    def lock_for_migration(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock(7425117)")  # one migrator at a time

    def after_migration(self) -> None:
        pass

    def identity(self) -> str | None:
        # the login role: SET ROLE (or `options=-c role=…`) cannot make someone another operator
        return str(self.query("SELECT session_user AS name")[0]["name"])

    def integrity(self) -> str:
        return "ok"

    def close(self) -> None:
        self.db.close()


def _placeholders(sql: str) -> str:
    """`?` → `%s`; a literal % (as in LIKE patterns written in SQL) is doubled first."""
    return sql.replace("%", "%%").replace("?", "%s")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def connect(target: str | Path) -> SqliteConnection | PostgresConnection:
    if is_postgres(target):
        return PostgresConnection(str(target))
    return SqliteConnection(Path(target))
