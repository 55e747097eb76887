from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import STRONG_RU, replies_then_ctrl_c

from objcoach.catalog.load import load_catalog
from objcoach.catalog.model import Catalog
from objcoach.practice.schedule import rating_for
from objcoach.practice.session import AnswerShown, Message, Options, Scored, Summary, late_penalty, run
from objcoach.store.base import Attempt, CardState, History, now_iso
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


def drill(catalog: Catalog, store: History, script: Script, **options: object) -> Summary:
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
    ask = replies_then_ctrl_c([STRONG])
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
    late = [row for row in store.history("anna", 10) if row["late"]]
    full = passed.rows[0].best
    assert len(late) == 1 and full is not None
    assert slow.rows[0].best == late[0]["score"] == full - 15  # 29 s over: 10 points, 1 more a 5 s step


def strict_catalog(tmp_path: Path) -> Catalog:
    """The bundled catalog with a team file that raises the `good` band to 90."""
    team = tmp_path / "strict.yaml"
    team.write_text(f"""objections:
  - id: strict-extra
    client: {{ru: "Мне это не нужно"}}
    checklist: [acknowledge]
    answers: {{ru: ["{STRONG}"]}}
scoring:
  good: 90
""", encoding="utf-8")
    return load_catalog([team])


def test_a_late_exam_reply_is_judged_by_the_catalogs_bands(catalog: Catalog, store: Store, tmp_path: Path) -> None:
    """A late penalty takes the strong reply to 70 points: `good` by default, `partial` where good starts
    at 90."""
    verdicts = {}
    for name, loaded in (("default", catalog), ("strict", strict_catalog(tmp_path))):
        operator = f"op_{name}"
        run(loaded, store, Options(operator, "ru", mode="exam", ids=("bank-already-chosen",), time_limit=1.0),
            Script(STRONG_RU).ask, lambda event: None, clock=clock(step=120.0), now=lambda: NOW)
        attempt = store.history(operator, 1)[0]
        assert attempt["score"] == 70 and attempt["late"]
        verdicts[name] = attempt["verdict"]
    assert verdicts == {"default": "good", "strict": "partial"}


def test_a_drill_lists_for_practice_what_is_below_the_catalogs_good_band(catalog: Catalog, store: Store,
                                                                        tmp_path: Path) -> None:
    reply = "Понимаю вас, выбор за вами. Подскажите, что для вас было главным?"
    ids = ("bank-already-chosen",)
    default = drill(catalog, store, Script(reply), ids=ids, retries=0)
    strict = drill(strict_catalog(tmp_path), store, Script(reply), ids=ids, retries=0)
    best = default.rows[0].best
    assert best is not None and 70 <= best < 90 and strict.rows[0].best == best
    assert (len(default.practise), len(strict.practise)) == (0, 1)


class MemoryHistory:
    """Only what base.History promises, on plain lists and dicts: a session that needs anything else of
    the store fails here with AttributeError."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, object]] = {}
        self.attempts: list[Attempt] = []
        self.cards: dict[tuple[str, str, str], tuple[str, datetime, int | None]] = {}
        self.disputes: dict[str, str] = {}
        self.ratings: list[tuple[str, str, str, int]] = []

    def start_session(self, operator: str, mode: str, lang: str, planned: int, seed: int | None,
                      started_at: str, pass_mark: int | None = None) -> str:
        session_id = f"s{len(self.sessions) + 1}"
        self.sessions[session_id] = {"operator": operator, "mode": mode, "lang": lang, "started_at": started_at,
                                     "planned": planned, "average": None, "passed": None}
        return session_id

    def end_session(self, session_id: str, ended_at: str, average: float | None, passed: bool | None,
                    interrupted: bool = False) -> None:
        self.sessions[session_id].update(ended_at=ended_at, average=average, passed=passed, interrupted=interrupted)

    def add_attempt(self, attempt: Attempt) -> None:
        self.attempts.append(attempt)

    def dispute(self, attempt_id: str, note: str) -> None:
        self.disputes[attempt_id] = note

    def card(self, operator: str, objection_id: str, lang: str) -> str | None:
        found = self.cards.get((operator, objection_id, lang))
        return found[0] if found else None

    def card_states(self, operator: str, lang: str) -> dict[str, CardState]:
        return {key[1]: CardState(due, score) for key, (_, due, score) in self.cards.items()
                if key[0] == operator and key[2] == lang}

    def save_card(self, operator: str, objection_id: str, lang: str, card: str, due: datetime,
                  last_score: int | None, rating: int | None = None, reviewed_at: str | None = None) -> None:
        self.cards[(operator, objection_id, lang)] = (card, due, last_score)
        if rating is not None:
            self.ratings.append((operator, objection_id, lang, rating))

    def failed_reviews(self, operator: str | None, at_least: int = 1) -> list[dict[str, Any]]:
        fails: dict[tuple[str, str, str], int] = {}
        for who, objection_id, lang, rating in self.ratings:
            if operator in (None, who):
                fails[(who, objection_id, lang)] = fails.get((who, objection_id, lang), 0) + (rating == 1)
        return [{"operator": key[0], "objection_id": key[1], "lang": key[2], "fails": n}
                for key, n in fails.items() if n >= at_least]

    def fsrs_parameters(self, operator: str) -> dict[str, Any] | None:
        return None

    def previous_average(self, operator: str, mode: str, lang: str, before: str, exclude: str) -> float | None:
        earlier = [s for key, s in self.sessions.items() if key != exclude and s["operator"] == operator
                   and s["mode"] == mode and s["lang"] == lang and str(s["started_at"]) <= before
                   and s["average"] is not None]
        return float(earlier[-1]["average"]) if earlier else None  # type: ignore[arg-type]


def test_a_session_runs_against_any_history_that_keeps_the_protocol(catalog: Catalog) -> None:
    history: History = MemoryHistory()
    first = drill(catalog, history, Script(STRONG, "не знаю", "/dispute я ответил по делу", "/skip"), retries=0)
    assert isinstance(history, MemoryHistory)
    assert [a.reply for a in history.attempts] == [STRONG, "не знаю", ""]
    assert [a.outcome for a in history.attempts] == ["scored", "scored", "skipped"]
    assert history.disputes == {history.attempts[1].id: "я ответил по делу"}
    assert len(history.cards) == 3 and history.sessions["s1"]["average"] == first.average
    assert first.previous is None
    later = NOW + timedelta(days=30)  # every card due again
    second = run(catalog, history, Options("anna", "ru", count=3, seed=5), Script(STRONG).ask, lambda e: None,
                 clock=clock(), now=lambda: later)
    assert second.previous == first.average
    assert {row.objection.id for row in second.rows} == {key[1] for key in history.cards}


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


def test_a_hint_typed_with_the_russian_layout_is_a_hint(catalog: Catalog, store: Store) -> None:
    script = Script(".руте", "/подсказка", STRONG)
    drill(catalog, store, script, ids=("bank-already-chosen",))
    assert [event.key for event in script.of(Message)][:2] == ["hint.text", "hint.text"]


def test_a_hint_ends_its_example_with_one_ellipsis(catalog: Catalog) -> None:
    from objcoach.scoring.coach import hint

    for objection in catalog.objections:
        for lang in objection.langs:
            text = hint(None, objection, catalog, lang, lang)
            assert not any(mark + "…" in text for mark in ".,;:!?"), text


# --- practice that tells the truth (issue 16, item 8) ---------------------------------------------


def test_ctrl_c_in_an_exam_is_interrupted_not_failed(catalog: Catalog, store: Store) -> None:
    shown: list[object] = []
    with pytest.raises(KeyboardInterrupt):
        run(catalog, store, Options("anna", "ru", mode="exam", count=3, seed=1), replies_then_ctrl_c([STRONG]),
            shown.append, clock=clock(), now=lambda: NOW)
    summary = shown[-1]
    assert isinstance(summary, Summary) and summary.interrupted and summary.passed is None
    session = store.c.query("SELECT passed, interrupted FROM sessions WHERE mode = 'exam'")[0]
    assert session["passed"] is None and session["interrupted"] == 1
    assert store.stats("anna", None)["exams"] == {"taken": 0, "passed": 0}  # neither passed nor failed
    failed = drill(catalog, store, Script("не знаю"), mode="exam", count=1, ids=("too-expensive",))
    assert failed.passed is False and store.stats("anna", None)["exams"] == {"taken": 1, "passed": 0}


@pytest.mark.parametrize("leave", ["/quit", "ctrl-c"])
def test_leaving_during_a_retry_still_schedules_by_the_best_score(catalog: Catalog, store: Store,
                                                                     leave: str) -> None:
    partial = "Понимаю вас, выбор за вами."
    options = Options("anna", "ru", count=1, retries=2, ids=("bank-already-chosen",))
    if leave == "/quit":
        summary = run(catalog, store, options, Script(partial, "/quit").ask, lambda event: None, clock=clock(),
                      now=lambda: NOW)
    else:
        shown: list[object] = []
        with pytest.raises(KeyboardInterrupt):
            run(catalog, store, options, replies_then_ctrl_c([partial]), shown.append, clock=clock(), now=lambda: NOW)
        summary = shown[-1]  # type: ignore[assignment]
    best = summary.rows[0].best
    assert best is not None and summary.rows[0].due is not None
    card = store.card_states("anna", "ru")["bank-already-chosen"]
    assert card.last_score == best and card.due == summary.rows[0].due
    assert store.review_log("anna") == [{"objection_id": "bank-already-chosen", "lang": "ru",
                                         "rating": rating_for(best), "reviewed_at": now_iso(NOW)}]


def test_a_skip_counts_the_same_in_the_summary_and_in_stats(catalog: Catalog, store: Store) -> None:
    summary = drill(catalog, store, Script(STRONG, "/skip"), count=2, retries=0,
                    ids=("bank-already-chosen", "too-expensive"))
    figures = store.stats("anna", None)
    assert [row.tries for row in summary.rows] == [1, 1]
    assert figures["attempts"] == sum(row.tries for row in summary.rows)
    assert figures["average"] == summary.average  # the skip is a 0 in both


def test_hints_are_recorded_with_the_reply_they_helped(catalog: Catalog, store: Store) -> None:
    drill(catalog, store, Script("/hint", "/hint", "Понимаю вас.", "/hint", STRONG), count=1, retries=1,
          ids=("bank-already-chosen",))
    rows = store.history("anna", 10)
    assert [row["hints"] for row in sorted(rows, key=lambda row: row["try_no"])] == [2, 1]
    assert store.hints("anna", None) == 3


# --- Anki's lessons (issue 16, item 9) ------------------------------------------------------------


def test_an_objection_failed_again_and_again_is_a_leech(catalog: Catalog, store: Store) -> None:
    from objcoach.practice.schedule import LEECH_FAILS

    for day in range(LEECH_FAILS):
        summary = run(catalog, store, Options("anna", "ru", count=1, retries=0, ids=("too-expensive",)),
                      Script("не знаю").ask, lambda event: None, clock=clock(),
                      now=lambda day=day: NOW + timedelta(days=day))  # type: ignore[misc]
        assert bool(summary.leeches) == (day + 1 >= LEECH_FAILS)
    assert [(objection.id, fails) for objection, fails in summary.leeches] == [("too-expensive", LEECH_FAILS)]
    assert store.failed_reviews("anna", LEECH_FAILS) == [
        {"operator": "anna", "objection_id": "too-expensive", "lang": "ru", "fails": LEECH_FAILS}]


def test_a_drill_schedules_with_the_operators_fitted_parameters(catalog: Catalog, store: Store) -> None:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    slow = list(DEFAULT_PARAMETERS)
    slow[2] = slow[3] = 0.5  # a Good or Easy first review comes back in days, not weeks
    store.save_fsrs_parameters("anna", slow, 400, NOW.isoformat())
    fitted = drill(catalog, store, Script(STRONG), count=1, retries=0, ids=("bank-already-chosen",))
    default = drill(catalog, store, Script(STRONG), count=1, retries=0, ids=("bank-already-chosen",),
                    operator="boris")
    assert fitted.rows[0].due is not None and default.rows[0].due is not None
    assert fitted.rows[0].due < default.rows[0].due


def test_the_review_log_of_an_older_history_is_rebuilt_from_its_attempts(tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "v5.sqlite3"
    shutil.copy(Path(__file__).parent / "data" / "history_v5.sqlite3", path)
    with Store(path) as store:  # a1 scored 48 (Again), a2 62 (Hard), in one drill
        assert [(row["objection_id"], row["rating"]) for row in store.review_log("anna")] == [
            ("bank-already-chosen", 1), ("too-expensive", 2)]
        assert store.failed_reviews("anna")[0]["objection_id"] == "bank-already-chosen"
