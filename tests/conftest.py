from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from objcoach.catalog.load import load_catalog
from objcoach.catalog.model import Catalog

DATA = Path(__file__).parent / "data"

# A strong reply to the bundled bank objection in each language (used by the scoring and guard tests).
BANK = "bank-already-chosen"
STRONG_RU = ("Понимаю вас, это ваш выбор, и он серьёзный. Подскажите, что для вас было главным при выборе? "
             "Многие держат нашу карту как вторую: обслуживание бесплатное, кэшбэк до 5%. "
             "Давайте пришлю условия в СМС?")
STRONG_EN = ("I understand, it's your choice and a good one to think through. May I ask what mattered most to you? "
             "Many clients keep our card as a second one: it's free and gives 5% cashback. Shall I text you the terms?")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own OBJCOACH_HOME and no catalog or language from the environment."""
    home = tmp_path / "home"
    monkeypatch.setenv("OBJCOACH_HOME", str(home))
    for name in ("OBJCOACH_CATALOG", "OBJCOACH_LANG", "OBJCOACH_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return home


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


# A catalog with one problem of each common kind (line and column matter to the tests that use it).
BROKEN_CATALOG = """objections:
  - id: first
    client: {ru: "Дорого"}
    answer: {ru: ["Понимаю"]}
  - id: second
    client: {ru: "Дорого", en: "Expensive"}
    checklist: [acknowlege]
    answers: {ru: ["Понимаю вас"]}
  - id: first
    client: {ru: "Ещё"}
    answers: {ru: ["Да"]}
    difficulty: 7
"""

SLIPS = ("delete", "duplicate", "swap", "char", "truncate", "indent")


def mutate(text: str, rng: random.Random, rounds: int, kinds: tuple[str, ...] = SLIPS,
           characters: str = ":-[]{}&*!|>'\"#%@`\t\x00ё") -> str:
    """Typing slips: lines deleted, repeated, swapped, cut off, re-indented; characters replaced."""
    lines = text.splitlines(keepends=True)
    for _ in range(rounds):
        if not lines:
            break
        kind = rng.choice(kinds)
        at = rng.randrange(len(lines))
        if kind == "delete":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "char" and lines[at]:
            pos = rng.randrange(len(lines[at]))
            lines[at] = lines[at][:pos] + rng.choice(characters) + lines[at][pos + 1 :]
        elif kind == "truncate":
            lines = lines[:at]
        elif kind == "indent":
            lines[at] = " " * rng.randrange(1, 5) + lines[at]
    return "".join(lines)


PG_ENV = "OBJCOACH_TEST_PG"  # an admin URL of a PostgreSQL for tests (scripts/pg_cluster.sh start gives one)


def with_user(url: str, user: str, database: str | None = None) -> str:
    """The same server as `url`, as another role (and database)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    path = f"/{database}" if database else parts.path
    return urlunsplit((parts.scheme, f"{user}@{host}", path, parts.query, parts.fragment))


@pytest.fixture
def pg_url() -> object:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards (skipped without a server)."""
    import os
    import uuid

    admin = os.environ.get(PG_ENV)
    if not admin:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL for this run")
    import psycopg

    name = f"objcoach_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    from urllib.parse import urlsplit

    user = urlsplit(admin).username or "postgres"
    yield with_user(admin, user, name)
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def replies_then_ctrl_c(lines: list[str]) -> Callable[[str], str | None]:
    """An `ask` for a drill or a call: these replies, then Ctrl-C at the next prompt."""
    replies = iter(lines)

    def ask(prompt: str) -> str | None:
        line = next(replies, None)
        if line is None:
            raise KeyboardInterrupt
        return line

    return ask


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """objcoach through Typer's CliRunner: (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from objcoach.cli.app import app

    result = CliRunner().invoke(app, list(args), input=stdin, env=env)
    return result.exit_code, result.stdout, result.stderr
