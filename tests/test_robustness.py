"""Nothing breaks, nothing is lost: hostile catalogs and replies, crashes, concurrency, old state, locale."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import mutate, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from objcoach.catalog.load import bundled_catalog_path, load_files, validate_files
from objcoach.catalog.model import Catalog
from objcoach.cli.app import app
from objcoach.errors import CatalogError
from objcoach.scoring.score import MAX_REPLY_CHARS, score_reply
from objcoach.store.history import SCHEMA_VERSION, Store

DATA = Path(__file__).parent / "data"
runner = CliRunner()
OBJCOACH = [sys.executable, "-m", "objcoach"]


# --- hostile catalogs --------------------------------------------------------------------------

BOMB = "\n".join([
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    *[f"{chr(98 + n)}: &{chr(98 + n)} [" + ",".join([f"*{chr(97 + n)}"] * 9) + "]" for n in range(8)],
    "objections: *i",
])


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    started = time.perf_counter()
    _, problems = validate_files([path])
    assert time.perf_counter() - started < 2.0
    assert len(problems) == 1 and "expands to more than" in problems[0] and problems[0].startswith(str(path))


def test_deep_nesting_and_oversized_files_are_refused(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("objections: " + "[" * 50_000 + "]" * 50_000, encoding="utf-8")
    _, problems = validate_files([deep])
    assert problems and problems[0].startswith(str(deep))
    big = tmp_path / "big.yaml"
    with big.open("wb") as stream:
        stream.truncate(25 * 1024 * 1024)
    started = time.perf_counter()
    _, problems = validate_files([big])
    assert time.perf_counter() - started < 1.0
    assert "a catalog may be at most" in problems[0]


BUNDLED_HEAD = "".join(bundled_catalog_path().read_text(encoding="utf-8").splitlines(keepends=True)[:400])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=6))
def test_fuzzed_catalogs_fail_only_with_located_catalog_errors(tmp_path: Path, seed: int, rounds: int) -> None:
    path = tmp_path / f"fuzz-{seed}.yaml"
    path.write_text(mutate(BUNDLED_HEAD, random.Random(seed), rounds), encoding="utf-8", errors="replace")
    try:
        load_files([path])
    except CatalogError as error:
        assert error.problems
        assert all(line.startswith(str(path)) for line in error.problems), error.problems


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_random_text_catalogs_fail_only_with_located_catalog_errors(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass" if False else "replace")
        try:
            load_files([path])
        except CatalogError as error:
            assert error.problems and all(line.startswith(str(path)) for line in error.problems)


# --- hostile replies -------------------------------------------------------------------------

HOSTILE = [
    "x" * 10_000_000,
    " ".join(["слово"] * 100_000),
    "Понимаю\x00 вас\x07\x1b[2J\x1b]0;title\x07",
    "Понимаю вас 😀🙏🏽, давайте 👍",
    "مرحبا، أفهمك تماماً \u202eтекст\u202c",
    "\ufeff\u200b\u200d",
    "[bold red]Понимаю[/bold red] [link=http://evil]клик[/link]",
]


@pytest.mark.parametrize("reply", HOSTILE, ids=["10MB", "100k-words", "control", "emoji", "rtl", "zero-width",
                                                "markup"])
def test_hostile_replies_score_in_bounded_time(catalog: Catalog, reply: str) -> None:
    objection = catalog.get("bank-already-chosen")
    assert objection is not None
    started = time.perf_counter()
    result = score_reply(reply, objection, catalog, "ru")
    assert time.perf_counter() - started < 2.0
    assert 0 <= result.score <= 100
    if len(reply) > MAX_REPLY_CHARS:
        assert "too_long" in result.flag_ids and len(result.reply) == MAX_REPLY_CHARS


def test_replies_are_printed_as_written_not_as_markup_or_escapes() -> None:
    result = runner.invoke(app, ["score", "bank-already-chosen", "Понимаю \x1b[31mвас\x1b[0m [bold]x[/bold]",
                                 "--lang", "ru"])
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert "\\x1b[31m" in result.stdout and "[bold]x[/bold]" in result.stdout


# --- crashes ---------------------------------------------------------------------------------


def drill_process(home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OBJCOACH_HOME": str(home), "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([*OBJCOACH, "drill", "--lang", "ru", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def test_sigkill_in_the_middle_of_a_drill_keeps_every_scored_attempt(tmp_path: Path) -> None:
    home = tmp_path / "home"
    process = drill_process(home, "--count", "3", "--seed", "1")
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("Понимаю вас, давайте я проверю и перезвоню?\n".encode())
    process.stdin.flush()
    seen = b""
    deadline = time.time() + 60
    while b"2 \xd0\xb8\xd0\xb7 3" not in seen and time.time() < deadline:  # "2 из 3": the second objection
        seen += process.stdout.read1(4096)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    with sqlite3.connect(home / "history.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1


def test_grade_output_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"objection": "too-expensive", "reply": f"Понимаю {n}"})
                                for n in range(50)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    calls = {"n": 0}
    real = __import__("objcoach.scoring.batch", fromlist=["score_reply"]).score_reply

    def failing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] > 10:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr("objcoach.scoring.batch.score_reply", failing)
    result = runner.invoke(app, ["grade", str(source), "--output", str(out)])
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["in.jsonl", "out.jsonl"]



class CountedWrites(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def numbered_rows(total: int, stop: int | None = None) -> Iterator[dict[str, object]]:
    for n in range(total):
        if n == stop:
            raise KeyboardInterrupt
        yield {"n": n, "reply": f"Понимаю {n}"}


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_rows_written_in_groups_survive_an_interruption(fmt: str) -> None:
    """Rows are written WRITE_EVERY at a time; a Ctrl-C (or any error) mid-file still writes every row
    already produced, in order."""
    from objcoach.io import WRITE_EVERY, write_csv, write_jsonl

    def writer(rows: Iterator[dict[str, object]], out: io.StringIO) -> Iterator[dict[str, object]]:
        return write_jsonl(rows, out) if fmt == "jsonl" else write_csv(rows, out, ("n", "reply"))

    def parsed(text: str) -> list[object]:
        if fmt == "jsonl":
            return [json.loads(line)["n"] for line in text.splitlines()]
        return [int(row["n"]) for row in csv.DictReader(io.StringIO(text))]

    out = CountedWrites()
    with pytest.raises(KeyboardInterrupt):
        for _ in writer(numbered_rows(WRITE_EVERY * 3, stop=WRITE_EVERY + 3), out):
            pass
    assert parsed(out.getvalue()) == list(range(WRITE_EVERY + 3))
    assert out.writes == 2  # one full group, then what was pending at the interruption
    whole = CountedWrites()
    assert len(list(writer(numbered_rows(WRITE_EVERY * 2 + 7), whole))) == WRITE_EVERY * 2 + 7
    assert parsed(whole.getvalue()) == list(range(WRITE_EVERY * 2 + 7))
    assert whole.writes == 3


def test_graded_jsonl_is_one_json_object_a_line_with_text_as_written() -> None:
    code, out, err = run_cli("grade", "-", stdin=json.dumps({"objection": "too-expensive", "reply": "Понимаю «вас»"}))
    assert code == 0, err
    assert out.count("\n") == 1 and "Понимаю «вас»" in out  # not \u-escaped
    assert json.loads(out)["reply"] == "Понимаю «вас»"


def test_grade_csv_output_cannot_start_a_formula_in_any_cell(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text('objection,reply,=cmd|calc,@note\ntoo-expensive,"=HYPERLINK(""http://x"")",+1,-2\n',
                      encoding="utf-8")
    code, out, err = run_cli("grade", str(source), "--format", "csv")
    assert code == 0, err
    header, *rows = list(csv.reader(io.StringIO(out)))
    assert header[:4] == ["objection", "reply", "'=cmd|calc", "'@note"]
    assert rows[0][:4] == ["too-expensive", "'=HYPERLINK(\"http://x\")", "'+1", "'-2"]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in (header, *rows) for cell in row)
    assert rows[0][header.index("verdict")] in ("fail", "weak", "partial", "good", "excellent")


@pytest.mark.parametrize("interruption", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_an_interrupted_atomic_write_leaves_the_old_file(tmp_path: Path, interruption: BaseException) -> None:
    from objcoach.io import atomic_write

    target = tmp_path / "report.md"
    target.write_text("old report\n", encoding="utf-8")
    target.chmod(0o640)
    with pytest.raises(type(interruption)), atomic_write(target) as handle:
        handle.write("half of a new rep")
        raise interruption
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["report.md"]
    with atomic_write(target) as handle:
        handle.write("new report\n")
    assert target.read_text(encoding="utf-8") == "new report\n"
    assert target.stat().st_mode & 0o777 == 0o640  # replaced, with the old file's mode


# --- concurrency -------------------------------------------------------------------------------


def test_four_drills_at_once_keep_every_attempt(tmp_path: Path) -> None:
    home = tmp_path / "home"
    replies = "".join(f"Понимаю вас, давайте я проверю вариант {n}?\n" for n in range(5)).encode()
    processes = [drill_process(home, "--count", "5", "--seed", str(n), "--operator", f"op{n}") for n in range(4)]
    outputs = [process.communicate(replies, timeout=120) for process in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()
        assert b"locked" not in err
    with sqlite3.connect(home / "history.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 20
        assert db.execute("SELECT COUNT(DISTINCT operator) FROM attempts").fetchone()[0] == 4


# --- old and foreign state ----------------------------------------------------------------------


def test_every_earlier_schema_migrates_with_rows_intact(tmp_path: Path) -> None:
    fixtures = sorted(DATA.glob("history_v*.sqlite3"))
    assert len(fixtures) == SCHEMA_VERSION - 1  # one fixture per released schema before the current one
    for fixture in fixtures:
        path = tmp_path / fixture.name
        shutil.copy(fixture, path)
        with sqlite3.connect(path) as db:
            before = db.execute("SELECT * FROM attempts ORDER BY id").fetchall()
        with Store(path) as store:
            assert store.c.schema_version() == SCHEMA_VERSION
            after = store.c.query("SELECT * FROM attempts ORDER BY id")
            # every column kept as it was (a later schema only adds columns after them)
            assert [tuple(row.values())[:len(old)] for row, old in zip(after, before, strict=True)] == before
            assert {row["id"] for row in store.history("anna", 10)} == {"a1", "a2"}
            store.save_review("a1", "accepted", None, "mentor", "2026-11-25T10:00:00+00:00")
        result = runner.invoke(app, ["stats", "--operator", "anna", "--db", str(path), "--json"])
        assert result.exit_code == 0 and json.loads(result.stdout)["attempts"] == 2


def test_damaged_newer_and_unusable_state_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    before = damaged.read_bytes()
    result = runner.invoke(app, ["history", "--db", str(damaged)])
    assert result.exit_code == 2 and "cannot be used" in result.stderr and "Traceback" not in result.output
    assert damaged.read_bytes() == before
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    before = newer.read_bytes()
    result = runner.invoke(app, ["stats", "--db", str(newer)])
    assert result.exit_code == 2 and "newer objcoach" in result.stderr
    assert newer.read_bytes() == before
    not_a_folder = tmp_path / "home-is-a-file"
    not_a_folder.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["history"], env={"OBJCOACH_HOME": str(not_a_folder)})
    assert result.exit_code == 2 and str(not_a_folder) in result.stderr
    assert not_a_folder.read_text(encoding="utf-8") == "x"


# --- locale -------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", [{"LANG": "C", "LC_ALL": "C"}, {"PYTHONIOENCODING": "latin-1"},
                                 {"PYTHONIOENCODING": "ascii", "LC_ALL": "C"}])
def test_russian_reads_and_prints_under_any_locale(tmp_path: Path, env: dict[str, str]) -> None:
    full = {**{k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIO"))},
            "OBJCOACH_HOME": str(tmp_path), **env}
    result = subprocess.run([*OBJCOACH, "score", "too-expensive", "--lang", "ru"], input="Понимаю вас".encode(),
                            capture_output=True, env=full, timeout=60)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "Оценка" in result.stdout.decode("utf-8")
