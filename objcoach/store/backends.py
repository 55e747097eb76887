"""Connections to the two kinds of history database, behind one small interface for store.py.

SQLite is the embedded default on one machine; a team points every objcoach at one PostgreSQL. SQL is
written once, with `?` placeholders; the PostgreSQL connection turns them into its own. What differs
between the two (schema version, locking, JSON functions, integrity checks) lives here.
"""

from __future__ import annotations

import re
import sqlite3
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from objcoach.errors import HistoryWarning, ObjcoachError

if TYPE_CHECKING:
    from psycopg.sql import Composed

BUSY_TIMEOUT_MS = 30_000


class StoreError(ObjcoachError):
    """The history database cannot be used (damaged, newer, read-only, unreachable)."""


class RowRefused(StoreError):
    """The database refused one row (a constraint, a value it cannot hold); the next row may go in."""


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

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.label = str(path)
        # a command that only reads opens an existing file read-only: it works on a read-only file or
        # folder, and cannot change the file (not even its journal mode)
        self.read_only = read_only and path.exists()
        if not self.read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(f"{path.parent}: cannot create the folder ({error.strerror})") from None
        self.db = self._open(f"{path.resolve().as_uri()}?mode=ro" if self.read_only else str(path))
        try:
            try:
                self._refuse_foreign()  # the first read
            except StoreError as error:
                # a WAL file on a read-only disk, with no -shm file beside it, which SQLite cannot create:
                # nobody is writing it then, so it is read as a file that cannot change
                if not self.read_only or "unable to open" not in str(error):
                    raise
                self.db.close()
                self.db = self._open(f"{path.resolve().as_uri()}?mode=ro&immutable=1")
                self._refuse_foreign()
        except BaseException:
            self.db.close()
            raise

    def _open(self, target: str) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=self.read_only)
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.label}: cannot be used as objcoach history ({error})") from None
        return db

    def _refuse_foreign(self) -> None:
        """Another application's database is refused before anything in it changes: objcoach's own has
        its tables, a new one has none."""
        names = {row["name"] for row in self.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")}
        if names and not {"sessions", "attempts"} <= names:
            shown = ", ".join(sorted(names)[:5]) + (", …" if len(names) > 5 else "")
            raise StoreError(f"{self.label}: not an objcoach history (it holds other tables: {shown}); "
                             f"give objcoach a file of its own with --db")

    # JSON list of checklist steps, one row per step, as `missed_step` (NULL for a step that is not text).
    # `missed_steps_checked` reads a value that is not JSON (stored by hand or by an older import) as one
    # NULL step instead of failing the query: a second pass, taken only when the first one fails, since
    # checking every row costs a tenth of `stats`
    missed_steps = "json_each(attempts.missed) AS step"
    missed_steps_checked = ("json_each(CASE WHEN NOT json_valid(attempts.missed) THEN '[null]' "
                            "WHEN json_type(attempts.missed) = 'array' THEN attempts.missed ELSE '[null]' END) AS step")
    missed_step = "CASE step.type WHEN 'text' THEN step.value END"
    # the texts of one parameter, a JSON list, as a subquery
    json_texts = "SELECT value FROM json_each(?)"

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return list(self._rows(sql, params))

    def iterate(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        return self._rows(sql, params)

    def _rows(self, sql: str, params: Sequence[Any]) -> Iterator[dict[str, Any]]:
        """The rows of a query; an error while reading them (a damaged page) is a StoreError too. Text
        that is not UTF-8 (written by another program) is read again with U+FFFD in its place, once
        warned about, going on after the rows already given."""
        given = 0
        while True:
            cursor = self._run(sql, params)
            try:
                for index, row in enumerate(cursor):
                    if index >= given:
                        given += 1
                        yield dict(row)
                return
            except sqlite3.DatabaseError as error:
                if self.db.text_factory is not str or "decode" not in str(error):
                    raise StoreError(f"{self.label}: cannot be used as objcoach history ({error})") from None
                warnings.warn(f"{self.label}: some stored text is not UTF-8; it is shown with \ufffd in its "
                              f"place ({error})", HistoryWarning, stacklevel=2)
                self.db.text_factory = _lenient_text

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._run(sql, params).rowcount

    def _run(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, params)
        except (sqlite3.IntegrityError, sqlite3.DataError) as error:
            raise RowRefused(f"{self.label}: refused ({error})") from None
        except OverflowError:  # an integer of more than 64 bits
            raise RowRefused(f"{self.label}: refused (a number too large to store)") from None
        except UnicodeEncodeError:  # a lone surrogate
            raise RowRefused(f"{self.label}: refused (text that is not valid Unicode)") from None
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.label}: cannot be used as objcoach history ({error})") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._run("BEGIN IMMEDIATE", ())  # takes the write lock now: no deadlock between two writers
        try:
            yield
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk, an I/O error); the error that
            # stopped the transaction is the one to report, not a failed ROLLBACK after it
            if self.db.in_transaction:
                with suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")
            raise
        self._run("COMMIT", ())

    def schema_version(self) -> int:
        return int(self._run("PRAGMA user_version", ()).fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        self._run(f"PRAGMA user_version = {int(version)}", ())

    def after_migration(self) -> None:
        if not self.read_only:
            self._run("PRAGMA journal_mode = WAL", ())

    def identity(self) -> str | None:
        return None

    def integrity(self) -> str:
        return str(self._run("PRAGMA integrity_check", ()).fetchone()[0])

    def close(self) -> None:
        self.db.close()


# A JSON list of strings that jsonb accepts (no \\u0000, no lone surrogate, no raw control character): the
# missed steps are cast to jsonb only when they match, since one bad cast would fail the whole query.
# No "?" in it: _placeholders turns every "?" into a parameter.
_JSON_CHAR = (r'[^"\\[:cntrl:]]|\\["\\/bfnrt]|\\u([1-9a-cA-Ce-fE-F][0-9a-fA-F]{3}|[dD][0-7][0-9a-fA-F]{2}'
              r'|0([1-9a-fA-F][0-9a-fA-F]{2}|0([1-9a-fA-F][0-9a-fA-F]|0[1-9a-fA-F])))')
_JSON_STRING = rf'"({_JSON_CHAR})*"'
_JSON_STRINGS = rf'^\s*\[\s*({_JSON_STRING}\s*(,\s*{_JSON_STRING}\s*)*){{0,1}}\]\s*$'


class PostgresConnection:
    kind = "postgresql"
    missed_steps = "jsonb_array_elements(attempts.missed::jsonb) AS step(value)"
    missed_steps_checked = (f"jsonb_array_elements(CASE WHEN attempts.missed ~ '{_JSON_STRINGS}' "
                            f"THEN attempts.missed::jsonb ELSE '[null]'::jsonb END) AS step(value)")
    missed_step = "CASE jsonb_typeof(step.value) WHEN 'string' THEN step.value #>> '{}' END"
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
        # PostgreSQL text cannot hold NUL: a reply typed with one is kept with U+FFFD in its place
        values = tuple(value.replace("\x00", "\ufffd") if isinstance(value, str) else value for value in params)
        try:
            if not isinstance(sql, str):
                return self.db.execute(sql, values or None)
            return self.db.execute(_placeholders(sql), values)
        except self._psycopg.errors.InsufficientPrivilege as error:
            raise StoreError(f"{self.label}: not allowed ({self._said(error)})") from None
        except (self._psycopg.IntegrityError, self._psycopg.DataError) as error:
            raise RowRefused(f"{self.label}: refused ({self._said(error)})") from None
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


def connect(target: str | Path, read_only: bool = False) -> SqliteConnection | PostgresConnection:
    if is_postgres(target):
        return PostgresConnection(str(target))
    return SqliteConnection(Path(target), read_only)


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")
