from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from objcoach.catalog.model import Catalog
from objcoach.practice.schedule import rating_for
from objcoach.practice.session import AnswerShown, Message, Options, Scored, Summary, late_penalty, run
from objcoach.store.history import SCHEMA_VERSION, Store, StoreError

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
STRONG = ("Понимаю вас, выбор за вами. Подскажите, что для вас было главным? У нас обслуживание бесплатное "
          "и кэшбэк до 5%. Давайте пришлю условия в СМС?")


class Script:
    """Feeds replies to the session and records what it shows."""

    def __init__(self, *lines: str | None) -> None:
        self.lines: Iterator[str | None] = iter(lines)
        self.events: list[object] = []

    def ask(self, prompt: str) -> str | None:
        return next(self.lines, None)

    def show(self, event: object) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list:  # type: ignore[type-arg]
        return [event for event in self.events if isinstance(event, kind)]


def clock(step: float = 2.0):  # type: ignore[no-untyped-def]
    state = {"t": 0.0}

    def tick() -> float:
        state["t"] += step
        return state["t"]

    return tick


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same session tests on both backends (PostgreSQL when OBJCOACH_TEST_PG is set)."""
    target = tmp_path / "history.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with Store(target) as opened:  # type: ignore[arg-type]
        yield opened


def drill(catalog: Catalog, store: Store, script: Script, **options: object) -> Summary:
    settings = {"operator": "anna", "lang": "ru", "count": 3, "seed": 1, **options}
    return run(catalog, store, Options(**settings), script.ask, script.show,  # type: ignore[arg-type]
               clock=clock(), now=lambda: NOW)


def test_three_replies_three_feedbacks_and_a_summary(catalog: Catalog, store: Store) -> None:
    script = Script("Понимаю вас, давайте я проверю.", "не знаю", STRONG)
    summary = drill(catalog, store, script, retries=0)
    assert len(script.of(Scored)) == 3
    assert script.of(Summary) == [summary]
    assert [row.tries for row in summary.rows] == [1, 1, 1]
    assert len(store.history("anna", 10)) == 3
    assert all(row["mode"] == "drill" and row["lang"] == "ru" for row in store.history("anna", 10))


def test_partial_reply_gets_a_retry_and_the_answer_after_the_last_try(catalog: Catalog, store: Store) -> None:
    script = Script("Понимаю вас.", "Понимаю вас, выбор за вами.")
    drill(catalog, store, script, retries=1, count=1, ids=("bank-already-chosen",))
    scored = script.of(Scored)
    assert [event.final for event in scored] == [False, True]
    assert scored[0].feedback.retry_prompt or scored[0].feedback.rephrased
    assert not scored[1].feedback.retry_prompt and not scored[1].feedback.rephrased


def test_commands(catalog: Catalog, store: Store) -> None:
    script = Script("/help", "/hint", "/bogus", "/dispute", "/answer", STRONG, "/dispute мой ответ лучше", "/skip")
    summary = drill(catalog, store, script, ids=("too-expensive", "bank-already-chosen", "need-to-think"))
    messages = [event.key for event in script.of(Message)]
    assert messages[:4] == ["cmd.help", "hint.text", "cmd.unknown", "dispute.nothing"]
    assert "dispute.saved" in messages
    assert len(script.of(AnswerShown)) == 1
    assert [row.outcome for row in summary.rows] == ["answer", "scored", "skipped"]
    history = store.history("anna", 10)
    disputed = [row for row in history if row["disputed"]]
    assert len(disputed) == 1 and disputed[0]["dispute_note"] == "мой ответ лучше"


def test_end_of_input_and_quit_finish_cleanly(catalog: Catalog, store: Store) -> None:
    script = Script(STRONG)  # then end of input
    summary = drill(catalog, store, script, count=3)
    assert not summary.interrupted
    assert [row.outcome for row in summary.rows][1:] == ["unanswered", "unanswered"]
    assert len(store.history("anna", 10)) == 1


def test_ctrl_c_keeps_what_was_scored(catalog: Catalog, store: Store) -> None:
    replies = iter([STRONG])

    def ask(prompt: str) -> str | None:
        line = next(replies, None)
        if line is None:
            raise KeyboardInterrupt
        return line

    shown: list[object] = []
    with pytest.raises(KeyboardInterrupt):
        run(catalog, store, Options("anna", "ru", count=3, seed=1), ask, shown.append, clock=clock(),
            now=lambda: NOW)
    summary = shown[-1]
    assert isinstance(summary, Summary) and summary.interrupted
    assert len(store.history("anna", 10)) == 1
    assert store.integrity() == "ok"


def test_second_drill_starts_with_what_is_due_or_weakest(catalog: Catalog, store: Store) -> None:
    first = drill(catalog, store, Script("Понимаю.", "не знаю", STRONG), count=3, retries=0)
    failed = first.rows[1].objection.id  # scored 0: due soonest and weakest
    later = NOW + timedelta(hours=1)  # "Again" cards are due after minutes, good ones later
    script = Script("не знаю")
    second = run(catalog, store, Options("anna", "ru", count=3, seed=2), script.ask, script.show, clock=clock(),
                 now=lambda: later)
    assert second.rows[0].objection.id == failed


def test_exam_pass_fail_and_late_replies(catalog: Catalog, store: Store) -> None:
    ids = ("bank-already-chosen",)
    passed = drill(catalog, store, Script(STRONG), mode="exam", ids=ids, pass_mark=60)
    assert passed.passed is True
    failed = drill(catalog, store, Script("не знаю"), mode="exam", ids=ids, pass_mark=60)
    assert failed.passed is False
    slow = run(catalog, store, Options("anna", "ru", mode="exam", ids=ids, time_limit=1.0),
               Script(STRONG).ask, lambda event: None, clock=clock(step=30.0), now=lambda: NOW)
    assert slow.rows[0].best is not None and slow.rows[0].best <= 100 - late_penalty(30.0, 1.0)
    assert any(row["late"] for row in store.history("anna", 10))


def test_exam_refuses_hints(catalog: Catalog, store: Store) -> None:
    script = Script("/hint", "/answer", STRONG)
    drill(catalog, store, script, mode="exam", ids=("bank-already-chosen",))
    assert [event.key for event in script.of(Message)] == ["cmd.not_in_exam", "cmd.not_in_exam"]
    assert not script.of(AnswerShown)


def test_late_penalty_rule() -> None:
    assert late_penalty(10, None) == 0
    assert late_penalty(10, 20) == 0
    assert late_penalty(21, 20) == 10
    assert late_penalty(40, 20) == 14
    assert late_penalty(1000, 20) == 30


def test_rating_mapping() -> None:
    assert [rating_for(s) for s in (None, 0, 49, 50, 69, 70, 84, 85, 100)] == [1, 1, 1, 2, 2, 3, 3, 4, 4]


def test_stats_agree_with_the_database(catalog: Catalog, store: Store) -> None:
    from objcoach.mentor.reports import stats_report

    drill(catalog, store, Script(STRONG, "не знаю", "Понимаю вас."), retries=0)
    report = stats_report(store.stats("anna", None), "anna", NOW)
    scores = [row["score"] for row in store.history("anna", 100)]
    assert report["attempts"] == len(scores) == 3
    assert report["average"] == round(sum(scores) / 3, 1)
    assert report["sessions"] == 1 and report["streak_days"] == 1
    assert sum(row["attempts"] for row in report["mastery"]) == 3


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer objcoach"):
        Store(path)


def test_damaged_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be used"):
        Store(path)
