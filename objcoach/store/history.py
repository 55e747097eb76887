"""History: sessions, attempts, review cards, reviews and assignments, read and written in SQL.

One schema (migrations.py) for both backends (SQLite on one machine, PostgreSQL for a team; see
backends.py), migrated forward on open. Every attempt is committed as soon as it is scored, so a crash
or Ctrl-C never loses a scored reply. Times are ISO 8601 strings in UTC with microseconds (base.now_iso),
so they sort in the order things happened. `Store` is one implementation of base.History.
"""

from __future__ import annotations

import json
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from objcoach.errors import HistoryWarning
from objcoach.store.backends import (
    BUSY_TIMEOUT_MS,
    PostgresConnection,
    RowRefused,
    SqliteConnection,
    StoreError,
    connect,
)
from objcoach.store.base import Attempt, CardState, now_iso
from objcoach.store.migrations import SCHEMA_VERSION, migrate

__all__ = ["BUSY_TIMEOUT_MS", "SCHEMA_VERSION", "Attempt", "RowRefused", "Store", "StoreError", "now_iso"]

# A scenario's card is kept under "scenario:<id>" where an objection's id goes (catalog/model.py's
# scenario_key): the lists of objection cards (a drill's plan, leeches, the forecast) leave those out.
SCENARIO_KEYS = "scenario:%"


class Store:
    """The history, in a SQLite file (a path) or a PostgreSQL database (a postgresql:// URL)."""

    def __init__(self, target: str | Path, read_only: bool = False) -> None:
        """`read_only`: for commands that only read. A SQLite file is then opened read-only, unless its
        schema is older: it is upgraded first, which writes."""
        self.path = target
        self.c: SqliteConnection | PostgresConnection = connect(target, read_only)
        try:
            if isinstance(self.c, SqliteConnection) and self.c.read_only and \
                    self.c.schema_version() < SCHEMA_VERSION:
                self.c.close()
                self.c = connect(target)
            migrate(self.c)
        except BaseException:
            self.c.close()
            raise

    @property
    def kind(self) -> str:
        return self.c.kind

    def identity(self) -> str | None:
        """On PostgreSQL the operator is the role connected; SQLite has no such notion (None)."""
        return self.c.identity()

    def close(self) -> None:
        self.c.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- writing ------------------------------------------------------------------------------

    def start_session(self, operator: str, mode: str, lang: str, planned: int, seed: int | None,
                      started_at: str, pass_mark: int | None = None, scenario_id: str | None = None) -> str:
        session_id = uuid.uuid4().hex
        self._write("INSERT INTO sessions (id, operator, mode, lang, started_at, planned, seed, pass_mark, "
                    "scenario_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (session_id, operator, mode, lang, started_at, planned, seed, pass_mark, scenario_id))
        return session_id

    def end_session(self, session_id: str, ended_at: str, average: float | None, passed: bool | None,
                    interrupted: bool = False, outcome: str | None = None) -> None:
        self._write("UPDATE sessions SET ended_at = ?, average = ?, passed = ?, interrupted = ?, outcome = ? "
                    "WHERE id = ?", (ended_at, average, None if passed is None else int(passed), int(interrupted),
                                     outcome, session_id))

    def add_attempt(self, attempt: Attempt) -> None:
        self._write(
            "INSERT INTO attempts (id, session_id, operator, objection_id, lang, mode, created_at, try_no, reply, "
            "score, verdict, breakdown, missed, duration, late, outcome, disputed, dispute_note, grader_version, "
            "entry_version, hints, scenario_id, node_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (attempt.id, attempt.session_id, attempt.operator, attempt.objection_id, attempt.lang, attempt.mode,
             attempt.created_at, attempt.try_no, attempt.reply, attempt.score, attempt.verdict,
             json.dumps(attempt.breakdown, ensure_ascii=False), json.dumps(attempt.missed),
             attempt.duration, int(attempt.late), attempt.outcome, int(attempt.disputed), attempt.dispute_note,
             attempt.grader_version, attempt.entry_version, attempt.hints, attempt.scenario_id, attempt.node_id),
        )

    def dispute(self, attempt_id: str, note: str) -> None:
        self._write("UPDATE attempts SET disputed = 1, dispute_note = ? WHERE id = ?", (note or None, attempt_id))

    def save_card(self, operator: str, objection_id: str, lang: str, card: str, due: datetime,
                  last_score: int | None, rating: int | None = None, reviewed_at: str | None = None) -> None:
        """The card after a review; with `rating`, the review goes into the log too (leeches and the
        fit of the operator's FSRS parameters read it)."""
        with self.c.transaction():
            self.c.execute(
                "INSERT INTO cards (operator, objection_id, lang, card, due, last_score, reviews, fails) "
                "VALUES (?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT (operator, objection_id, lang) DO UPDATE SET "
                "card = excluded.card, due = excluded.due, last_score = excluded.last_score, "
                "reviews = cards.reviews + 1, fails = cards.fails + excluded.fails",
                (operator, objection_id, lang, card, now_iso(due), last_score, int(rating == 1)))
            if rating is not None:
                self.c.execute("INSERT INTO card_reviews (operator, objection_id, lang, rating, reviewed_at) "
                               "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                               (operator, objection_id, lang, rating, reviewed_at or now_iso()))

    def save_fsrs_parameters(self, operator: str, parameters: Sequence[float], reviews: int, when: str) -> None:
        self._write("INSERT INTO fsrs_parameters (operator, parameters, reviews, fitted_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (operator) DO UPDATE SET parameters = excluded.parameters, "
                    "reviews = excluded.reviews, fitted_at = excluded.fitted_at",
                    (operator, json.dumps([float(value) for value in parameters]), reviews, when))

    def save_review(self, attempt_id: str, decision: str, comment: str | None, mentor: str, when: str,
                    grade: int | None = None) -> None:
        """A mentor's decision on an attempt (a later one replaces it); `grade` (0–3) with decision "graded"."""
        self._write(f"INSERT INTO reviews {_REVIEW_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?) "
                    f"ON CONFLICT (attempt_id) DO UPDATE SET {_REVIEW_UPDATE}",
                    (attempt_id, decision, comment, mentor, when, grade, when))

    def import_review(self, row: dict[str, Any]) -> bool:
        """Store the review an exported attempt carries, unless this history has it or a later decision
        already; True when it was added or replaced an older one (so importing twice changes nothing)."""
        with self.c.transaction():
            changed = self.c.execute(
                f"INSERT INTO reviews {_REVIEW_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (attempt_id) "
                f"DO UPDATE SET {_REVIEW_UPDATE} WHERE excluded.decided_at > reviews.decided_at",
                (row["id"], row["review"], row.get("review_comment"), row["reviewer"], row["reviewed_at"],
                 row.get("review_grade"), now_iso()))
        return changed == 1

    def assign(self, operator: str, objection_ids: Sequence[str], due: str, mentor: str, when: str) -> int:
        """Assign objections to an operator (a repeated assignment moves its due day). Returns how many."""
        with self.c.transaction():
            for objection_id in objection_ids:
                self.c.execute(
                    "INSERT INTO assignments (id, operator, objection_id, due, assigned_by, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (operator, objection_id) DO UPDATE SET "
                    "due = excluded.due, assigned_by = excluded.assigned_by, created_at = excluded.created_at",
                    (uuid.uuid4().hex, operator, objection_id, due, mentor, when))
        return len(objection_ids)

    def _write(self, sql: str, params: Sequence[Any]) -> None:
        with self.c.transaction():
            self.c.execute(sql, params)

    # --- reading ------------------------------------------------------------------------------

    def card(self, operator: str, objection_id: str, lang: str) -> str | None:
        rows = self.c.query("SELECT card FROM cards WHERE operator = ? AND objection_id = ? AND lang = ?",
                            (operator, objection_id, lang))
        return str(rows[0]["card"]) if rows else None

    def card_states(self, operator: str, lang: str, scenarios: bool = False) -> dict[str, CardState]:
        """The operator's objection cards, or with `scenarios` their scenario cards (keys "scenario:<id>")."""
        kind = "LIKE" if scenarios else "NOT LIKE"
        rows = self.c.query(f"SELECT objection_id, due, last_score FROM cards WHERE operator = ? AND lang = ? "
                            f"AND objection_id {kind} '{SCENARIO_KEYS}'", (operator, lang))
        return {row["objection_id"]: CardState(datetime.fromisoformat(row["due"]), row["last_score"]) for row in rows}

    def failed_reviews(self, operator: str | None, at_least: int = 1) -> list[dict[str, Any]]:
        """Per objection card (operator, objection_id, lang): `fails`, the reviews rated Again, when at least
        `at_least`."""
        where, params = _operator_filter(operator)
        # kept on the card as it is reviewed: the log itself is as long as the history
        rows = self.c.query(f"SELECT operator, objection_id, lang, fails FROM cards {where} "
                            f"{'AND' if where else 'WHERE'} {_OBJECTION_CARD} "
                            f"AND fails >= ? ORDER BY fails DESC, operator, objection_id",
                            (*params, max(at_least, 1)))
        return [{**row, "fails": int(row["fails"])} for row in rows]

    def review_log(self, operator: str) -> list[dict[str, Any]]:
        """The operator's reviews, oldest first: objection_id, lang, rating, reviewed_at."""
        return self.c.query("SELECT objection_id, lang, rating, reviewed_at FROM card_reviews WHERE operator = ? "
                            "ORDER BY reviewed_at, objection_id", (operator,))

    def review_count(self, operator: str) -> int:
        return int(self.c.query("SELECT COUNT(*) AS n FROM card_reviews WHERE operator = ?", (operator,))[0]["n"])

    def fsrs_parameters(self, operator: str) -> dict[str, Any] | None:
        """The operator's fitted FSRS parameters (`parameters`, `reviews`, `fitted_at`), or None."""
        rows = self.c.query("SELECT parameters, reviews, fitted_at FROM fsrs_parameters WHERE operator = ?",
                            (operator,))
        if not rows:
            return None
        try:
            parameters = [float(value) for value in json.loads(rows[0]["parameters"])]
        except (TypeError, ValueError):
            self._odd(f"the fitted FSRS parameters of {operator!r} are damaged: the defaults are used")
            return None
        return {"parameters": parameters, "reviews": int(rows[0]["reviews"]), "fitted_at": rows[0]["fitted_at"]}

    def due_by_day(self, operator: str | None, until: str) -> list[dict[str, Any]]:
        """How many objections' cards fall due on each day (UTC) before `until`, overdue ones on their own past
        days (a scenario's card is played by roleplay, not drilled)."""
        where, params = _operator_filter(operator)
        rows = self.c.query(f"SELECT substr(due, 1, 10) AS day, COUNT(*) AS n FROM cards {where} "
                            f"{'AND' if where else 'WHERE'} due < ? AND {_OBJECTION_CARD} "
                            f"GROUP BY substr(due, 1, 10) ORDER BY day", (*params, until))
        return [{"day": row["day"], "n": int(row["n"])} for row in rows if _reads_as(date.fromisoformat, row["day"])]

    def previous_average(self, operator: str, mode: str, lang: str, before: str, exclude: str) -> float | None:
        rows = self.c.query(
            "SELECT average FROM sessions WHERE operator = ? AND mode = ? AND lang = ? AND started_at <= ? "
            "AND id != ? AND average IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1",
            (operator, mode, lang, before, exclude))
        return float(rows[0]["average"]) if rows else None

    def history(self, operator: str | None, limit: int) -> list[dict[str, Any]]:
        where, params = _operator_filter(operator, "a.")
        rows = self.c.query(
            f"SELECT a.id, a.created_at, a.operator, a.objection_id, a.lang, a.mode, a.try_no, a.reply, a.score, "
            f"a.verdict, a.duration, a.late, a.outcome, a.hints, a.disputed, a.dispute_note, a.session_id, "
            f"a.scenario_id, a.node_id, "
            f"r.decision AS review, r.comment AS review_comment, r.mentor AS reviewer, r.grade AS review_grade "
            f"FROM attempts AS a LEFT JOIN reviews AS r ON r.attempt_id = a.id {where} "
            f"ORDER BY a.created_at DESC, a.id DESC LIMIT ?", (*params, limit))
        for row in rows:
            if not _reads_as(datetime.fromisoformat, row["created_at"]):
                self._odd(f"attempt {row['id']!r} has a created_at that is not a time ({row['created_at']!r})")
        return rows

    def attempt(self, attempt_id: str) -> dict[str, Any] | None:
        rows = self.c.query("SELECT * FROM attempts WHERE id = ?", (attempt_id,))
        if not rows and len(attempt_id) >= 6:  # a unique prefix is enough, as in git
            rows = self.c.query("SELECT * FROM attempts WHERE id LIKE ? ESCAPE '!' LIMIT 2",
                                (_like_prefix(attempt_id),))
            rows = rows if len(rows) == 1 else []
        return rows[0] if rows else None

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
        base = "SELECT a.* FROM attempts AS a LEFT JOIN reviews AS r ON r.attempt_id = a.id WHERE " + \
            " AND ".join(conditions)
        disputed = self.c.query(f"{base} AND a.disputed = 1 ORDER BY a.created_at", params)
        low = self.c.query(f"{base} AND a.disputed = 0 ORDER BY a.score, a.created_at DESC LIMIT ?",
                           (*params, lowest))
        return disputed + low

    def stats(self, operator: str | None, since: str | None, until: str | None = None,
              left_out: Sequence[str] = ()) -> dict[str, Any]:
        """Aggregates for `stats` and reports, computed in SQL with the indexes above. `left_out`: ids of
        attempts and sessions the figures leave out (mentor/verify.py found their scores forged)."""
        where, params = self._period(operator, since, until, left_out=left_out)
        # the steps are joined from a JSON function whose rows have columns of their own (SQLite's: id)
        steps_where, steps_params = self._period(operator, since, until, prefix="attempts.", left_out=left_out)
        scored = f"{steps_where} {'AND' if steps_where else 'WHERE'} attempts.score IS NOT NULL"
        last_where, last_params = ("AND b.id NOT IN (" + self.c.json_texts + ")", [json.dumps(list(left_out))]) \
            if left_out else ("", [])
        # two queries, each served by one index, are several times faster than one doing both
        # a skip or an answer shown counts 0, as in the drill's summary and an exam
        totals = self.c.query(f"SELECT COUNT(*) AS attempts, AVG(COALESCE(score, 0)) AS average "
                              f"FROM attempts {where}", params)[0]
        totals["sessions"] = self.c.query(
            f"SELECT COUNT(*) AS n FROM (SELECT DISTINCT session_id FROM attempts {where}) AS s", params)[0]["n"]
        days = self.c.query(
            f"SELECT substr(created_at, 1, 10) AS day, AVG(COALESCE(score, 0)) AS average, COUNT(*) AS attempts "
            f"FROM attempts {where} GROUP BY substr(created_at, 1, 10) ORDER BY day", params)
        # per objection from drills and exams: a roleplay turn is counted per scenario and node (roleplay())
        mastery = self.c.query(
            f"SELECT operator, objection_id, lang, MAX(score) AS best, COUNT(*) AS attempts, "
            f"(SELECT b.score FROM attempts AS b WHERE b.operator = a.operator AND b.objection_id = a.objection_id "
            f" AND b.lang = a.lang AND b.mode <> 'roleplay' {last_where} ORDER BY b.created_at DESC LIMIT 1) AS last, "
            f"(SELECT c.due FROM cards AS c WHERE c.operator = a.operator AND c.objection_id = a.objection_id "
            f" AND c.lang = a.lang) AS due "
            f"FROM attempts AS a {where} {'AND' if where else 'WHERE'} mode <> 'roleplay' "
            f"GROUP BY operator, objection_id, lang ORDER BY best, objection_id",
            [*last_params, *params])

        def missed_steps(steps: str) -> list[dict[str, Any]]:
            return self.c.query(f"SELECT {self.c.missed_step} AS step, COUNT(*) AS times FROM attempts, {steps} "
                                f"{scored} GROUP BY {self.c.missed_step} ORDER BY times DESC, step", steps_params)

        try:
            missed = missed_steps(self.c.missed_steps)
        except StoreError:  # a stored list that is not JSON: read again, that row's steps apart
            missed = missed_steps(self.c.missed_steps_checked)
        exam_where, exam_params = self._period(operator, since, until, time="started_at", left_out=left_out)
        exams = self.c.query(
            f"SELECT COUNT(*) AS taken, COALESCE(SUM(passed), 0) AS passed FROM sessions "
            f"{exam_where} {'AND' if exam_where else 'WHERE'} mode = 'exam' AND passed IS NOT NULL "
            f"AND interrupted = 0", exam_params)[0]
        # rows stored by an older import or by hand: left out of the figures they would break, with a warning
        odd_days = [row for row in days if not _reads_as(date.fromisoformat, row["day"])]
        if odd_days:
            self._odd(f"{sum(int(row['attempts']) for row in odd_days)} attempt(s) have a created_at that is not a "
                      f"date (such as {odd_days[0]['day']!r}): left out of the streak and the daily trend")
        odd_steps = sum(int(row["times"]) for row in missed if not isinstance(row["step"], str))
        if odd_steps:
            self._odd(f"{odd_steps} attempt(s) have missed steps that are not a JSON list of step ids: "
                      f"left out of the missed steps")
        return {
            "attempts": int(totals["attempts"]),
            "sessions": int(totals["sessions"]),
            "average": _float(totals["average"]),
            "days": [{**row, "average": _float(row["average"]), "attempts": int(row["attempts"])}
                     for row in days if _reads_as(date.fromisoformat, row["day"])],
            "mastery": [{**row, "attempts": int(row["attempts"])} for row in mastery],
            "missed_steps": [{"step": row["step"], "times": int(row["times"])} for row in missed
                             if isinstance(row["step"], str)],
            "exams": {"taken": int(exams["taken"]), "passed": int(exams["passed"])},
        }

    def hints(self, operator: str | None, since: str | None, until: str | None = None,
              left_out: Sequence[str] = ()) -> int:
        """The hints asked before the attempts of the period (read through the partial index attempts_hints:
        only the attempts that had any)."""
        where, params = self._period(operator, since, until, left_out=left_out)
        return int(self.c.query(f"SELECT COALESCE(SUM(hints), 0) AS n FROM attempts {where} "
                                f"{'AND' if where else 'WHERE'} hints > 0", params)[0]["n"])

    def roleplay(self, operator: str | None, since: str | None, until: str | None = None,
                 left_out: Sequence[str] = (), below: float = 50, turns: int = 5) -> dict[str, Any]:
        """Roleplay calls started in the period: how many, how they ended (per scenario too; `interrupted`:
        no outcome, the operator quit or the call never finished), the calls' average; and the `turns` turns
        (scenario, node) with most tries scored below `below` (a skip or an answer shown counts as one), each
        with its tries and average score."""
        where, params = self._period(operator, since, until, time="started_at", left_out=left_out)
        per_scenario = self.c.query(
            f"SELECT scenario_id, COUNT(*) AS calls, "
            f"SUM(CASE WHEN outcome = 'resolved' THEN 1 ELSE 0 END) AS resolved, "
            f"SUM(CASE WHEN outcome = 'escalated' THEN 1 ELSE 0 END) AS escalated, "
            f"SUM(CASE WHEN outcome = 'lost' THEN 1 ELSE 0 END) AS lost, "
            f"SUM(CASE WHEN outcome IS NULL THEN 1 ELSE 0 END) AS interrupted, "
            f"AVG(average) AS average, COUNT(average) AS averaged FROM sessions {where} "
            f"{'AND' if where else 'WHERE'} mode = 'roleplay' AND scenario_id IS NOT NULL "
            f"GROUP BY scenario_id ORDER BY calls DESC, scenario_id", params)
        counts = ("calls", "resolved", "escalated", "lost", "interrupted", "averaged")
        scenarios = [{**row, **{key: int(row[key] or 0) for key in counts}, "average": _float(row["average"])}
                     for row in per_scenario]
        attempts_where, attempts_params = self._period(operator, since, until, left_out=left_out)
        failed = self.c.query(
            f"SELECT scenario_id, node_id, COUNT(*) AS tries, "
            f"SUM(CASE WHEN score IS NULL OR score < ? THEN 1 ELSE 0 END) AS failed, "
            f"AVG(COALESCE(score, 0)) AS average FROM attempts {attempts_where} "
            f"{'AND' if attempts_where else 'WHERE'} mode = 'roleplay' AND scenario_id IS NOT NULL "
            f"AND node_id IS NOT NULL GROUP BY scenario_id, node_id "
            f"HAVING SUM(CASE WHEN score IS NULL OR score < ? THEN 1 ELSE 0 END) > 0 "
            f"ORDER BY failed DESC, average, scenario_id, node_id LIMIT ?",
            [below, *attempts_params, below, turns])
        averaged = sum(row["averaged"] for row in scenarios)
        total = {key: sum(row[key] for row in scenarios) for key in counts[:-1]}
        return {**total,
                "average": sum((row["average"] or 0) * row["averaged"] for row in scenarios) / averaged
                if averaged else None,
                "scenarios": [{key: value for key, value in row.items() if key != "averaged"} for row in scenarios],
                "failed_turns": [{**row, "tries": int(row["tries"]), "failed": int(row["failed"]),
                                  "average": _float(row["average"])} for row in failed]}

    def team(self, since: str | None, left_out: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Per operator: attempts, active days, sessions and average score (for the team view), without the
        attempts `left_out`."""
        where, params = self._period(None, since, None, left_out=left_out)
        rows = self.c.query(
            f"SELECT operator, COUNT(*) AS attempts, COUNT(DISTINCT substr(created_at, 1, 10)) AS days, "
            f"COUNT(DISTINCT session_id) AS sessions, AVG(score) AS average, MAX(created_at) AS last_seen "
            f"FROM attempts {where} GROUP BY operator ORDER BY operator", params)
        return [{**row, "attempts": int(row["attempts"]), "days": int(row["days"]),
                 "sessions": int(row["sessions"]), "average": _float(row["average"])} for row in rows]

    def assignments(self, operator: str | None) -> list[dict[str, Any]]:
        """Each assignment with what the operator did on it since it was given: for an objection the best score
        and the attempts; for a scenario (key "scenario:<id>") the calls, the best call's average
        (`best_call`) and the calls resolved."""
        where, params = _operator_filter(operator, "s.")
        rows = self.c.query(
            f"SELECT s.operator, s.objection_id, s.due, s.assigned_by, s.created_at, "
            f"(SELECT MAX(a.score) FROM attempts AS a WHERE a.operator = s.operator "
            f" AND a.objection_id = s.objection_id AND a.created_at >= s.created_at) AS best, "
            f"(SELECT COUNT(*) FROM attempts AS a WHERE a.operator = s.operator "
            f" AND a.objection_id = s.objection_id AND a.created_at >= s.created_at) AS attempts, "
            f"(SELECT MAX(c.average) FROM sessions AS c WHERE {_ASSIGNED_CALL}) AS best_call, "
            f"(SELECT COUNT(*) FROM sessions AS c WHERE {_ASSIGNED_CALL}) AS calls, "
            f"(SELECT COUNT(*) FROM sessions AS c WHERE {_ASSIGNED_CALL} AND c.outcome = 'resolved') AS resolved "
            f"FROM assignments AS s {where} ORDER BY s.operator, s.due, s.objection_id", params)
        return [{**row, "attempts": int(row["attempts"]), "best_call": _float(row["best_call"]),
                 "calls": int(row["calls"]), "resolved": int(row["resolved"])} for row in rows]

    def assigned_ids(self, operator: str, done_score: int) -> list[str]:
        """The operator's assignments not yet done, the soonest due first: objections with no attempt at
        `done_score` or above since the assignment, scenarios ("scenario:<id>") with no call since then
        resolved or averaging `done_score`."""
        rows = self.c.query(
            "SELECT s.objection_id FROM assignments AS s WHERE s.operator = ? AND NOT EXISTS ("
            "SELECT 1 FROM attempts AS a WHERE a.operator = s.operator AND a.objection_id = s.objection_id "
            "AND a.created_at >= s.created_at AND a.score >= ?) AND NOT EXISTS ("
            f"SELECT 1 FROM sessions AS c WHERE {_ASSIGNED_CALL} AND (c.outcome = 'resolved' OR c.average >= ?)) "
            "ORDER BY s.due, s.objection_id", (operator, done_score, done_score))
        return [row["objection_id"] for row in rows]

    def lowest_replies(self, operator: str, since: str | None, limit: int,
                       left_out: Sequence[str] = ()) -> list[dict[str, Any]]:
        """The operator's lowest-scoring replies in the period: the facts a mentor quotes."""
        where, params = self._period(operator, since, None, left_out=left_out)
        # `objection_id > ''` (true of every attempt) tells SQLite's planner to use attempts_last, which holds
        # the score: on a table as wide as attempts is since schema 5 it otherwise picks (operator, created_at)
        # and reads every row of the operator, ten times slower
        return self.c.query(
            f"SELECT objection_id, lang, score, verdict, reply, created_at, scenario_id, node_id FROM attempts "
            f"{where} {'AND' if where else 'WHERE'} objection_id > '' AND score IS NOT NULL "
            f"ORDER BY score, created_at DESC LIMIT ?", (*params, limit))

    def scored_counts(self, operator: str | None, since: str | None, until: str | None) -> list[dict[str, Any]]:
        """How many scored attempts each operator has per objection (a roleplay turn's: per scenario and node
        too; served by the attempts_last index)."""
        where, params = self._period(operator, since, until)
        rows = self.c.query(
            f"SELECT operator, objection_id, scenario_id, node_id, COUNT(*) AS n FROM attempts {where} "
            f"{'AND' if where else 'WHERE'} score IS NOT NULL GROUP BY operator, objection_id, scenario_id, node_id",
            params)
        return [{**row, "n": int(row["n"])} for row in rows]

    def scored_attempts(self, operator: str | None, since: str | None, until: str | None,
                        grader_version: str) -> Iterator[dict[str, Any]]:
        """What a stored score can be checked with (the reply, the score, the entry's version), for the
        attempts scored by this grader (streamed; older ones are never read)."""
        where, params = self._period(operator, since, until)
        yield from self.c.iterate(
            f"SELECT id, operator, objection_id, lang, reply, score, late, entry_version, scenario_id, node_id "
            f"FROM attempts {where} "
            f"{'AND' if where else 'WHERE'} grader_version = ? AND score IS NOT NULL", [*params, grader_version])

    def passed_exams(self, operator: str | None, since: str | None, until: str | None) -> list[dict[str, Any]]:
        """Exams stored as passed, started in the period: one row per attempt (session id, planned,
        pass mark, attempt id, objection, score), for checking that the attempts pass them."""
        where, params = self._period(operator, since, until, prefix="s.", time="started_at")
        return self.c.query(
            f"SELECT s.id AS session_id, s.operator, s.planned, s.pass_mark, a.id AS attempt_id, a.objection_id, "
            f"a.score FROM sessions AS s LEFT JOIN attempts AS a ON a.session_id = s.id {where} "
            f"{'AND' if where else 'WHERE'} s.mode = 'exam' AND s.passed = 1 ORDER BY s.id", params)

    def reviewed_grades(self) -> list[dict[str, Any]]:
        """Replies a mentor graded in review (objection_id, lang, reply, decision, grade): accepted ones as 3,
        the others with the grade the mentor gave, oldest decision first. The graded examples `calibrate --fit`
        learns from besides its file."""
        return self.c.query(
            "SELECT a.objection_id, a.scenario_id, a.node_id, a.lang, a.reply, r.decision, "
            "CASE WHEN r.decision = 'accepted' THEN 3 ELSE r.grade END AS grade "
            "FROM attempts AS a JOIN reviews AS r ON r.attempt_id = a.id "
            "WHERE r.decision = 'accepted' OR r.grade IS NOT NULL ORDER BY r.decided_at, a.id")

    def last_seen(self, operator: str) -> str | None:
        """When the operator's latest session ended (or started, if it never ended): what their next summary
        shows is the feedback that arrived after it."""
        rows = self.c.query("SELECT COALESCE(ended_at, started_at) AS seen FROM sessions WHERE operator = ? "
                            "ORDER BY started_at DESC LIMIT 1", (operator,))
        return str(rows[0]["seen"]) if rows else None

    def mentor_notes(self, operator: str, since: str | None, limit: int) -> list[dict[str, Any]]:
        """The reviews of the operator's attempts that reached this history after `since` (all of them when
        None), newest first: the attempt (objection_id, lang, score, verdict, reply) and the decision (review,
        review_comment, review_grade, reviewer)."""
        condition, params = ("AND COALESCE(r.received_at, r.decided_at) > ?", [since]) if since else ("", [])
        return self.c.query(
            f"SELECT a.id, a.objection_id, a.lang, a.score, a.verdict, a.reply, r.decision AS review, "
            f"r.comment AS review_comment, r.grade AS review_grade, r.mentor AS reviewer, r.decided_at AS reviewed_at "
            f"FROM reviews AS r JOIN attempts AS a ON a.id = r.attempt_id WHERE a.operator = ? {condition} "
            f"ORDER BY r.decided_at DESC, a.id LIMIT ?", [operator, *params, limit])

    def operators(self) -> list[str]:
        return [row["operator"] for row in self.c.query("SELECT DISTINCT operator FROM attempts ORDER BY operator")]

    def integrity(self) -> str:
        return self.c.integrity()

    def _odd(self, message: str) -> None:
        warnings.warn(f"{self.c.label}: {message}", HistoryWarning, stacklevel=3)

    def _period(self, operator: str | None, since: str | None, until: str | None, prefix: str = "",
                time: str = "created_at", left_out: Sequence[str] = ()) -> tuple[str, list[Any]]:
        """A WHERE clause for rows of one operator (or all) in [since, until), without the ids `left_out`."""
        conditions, params = [], []
        for value, condition in ((operator, "operator = ?"), (since, f"{time} >= ?"), (until, f"{time} < ?")):
            if value:
                conditions.append(prefix + condition)
                params.append(value)
        if left_out:  # one JSON parameter, however many ids
            conditions.append(f"{prefix}id NOT IN ({self.c.json_texts})")
            params.append(json.dumps(list(left_out)))
        return ("WHERE " + " AND ".join(conditions)) if conditions else "", params

    # --- moving history between machines -------------------------------------------------

    def export_rows(self, operator: str | None, since: str | None) -> Iterator[dict[str, Any]]:
        """Attempts with their session's facts, oldest first, streamed."""
        where, params = self._period(operator, since, None, prefix="a.")
        yield from self.c.iterate(
            f"SELECT a.*, s.mode AS session_mode, s.lang AS session_lang, s.started_at AS session_started_at, "
            f"s.ended_at AS session_ended_at, s.planned AS session_planned, s.average AS session_average, "
            f"s.passed AS session_passed, s.pass_mark AS session_pass_mark, s.interrupted AS session_interrupted, "
            f"s.scenario_id AS session_scenario_id, s.outcome AS session_outcome, "
            f"r.decision AS review, r.comment AS review_comment, r.mentor AS reviewer, r.decided_at AS reviewed_at, "
            f"r.grade AS review_grade "
            f"FROM attempts AS a LEFT JOIN sessions AS s ON s.id = a.session_id "
            f"LEFT JOIN reviews AS r ON r.attempt_id = a.id {where} "
            f"ORDER BY a.created_at, a.id", params)

    def import_row(self, row: dict[str, Any]) -> bool:
        """Store one exported attempt (and its session when new); False when it was already here."""
        with self.c.transaction():
            session = row.get("session_id")
            if session:
                self.c.execute(
                    "INSERT INTO sessions (id, operator, mode, lang, started_at, ended_at, planned, "
                    "average, passed, pass_mark, interrupted, scenario_id, outcome) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (session, row["operator"], row.get("session_mode") or row["mode"],
                     row.get("session_lang") or row["lang"], row.get("session_started_at") or row["created_at"],
                     row.get("session_ended_at"), row.get("session_planned") or 0, row.get("session_average"),
                     row.get("session_passed"), row.get("session_pass_mark"),
                     int(bool(row.get("session_interrupted"))), row.get("session_scenario_id"),
                     row.get("session_outcome")))
            added = self.c.execute(
                "INSERT INTO attempts (id, session_id, operator, objection_id, lang, mode, created_at, "
                "try_no, reply, score, verdict, breakdown, missed, duration, late, outcome, disputed, "
                "dispute_note, grader_version, entry_version, hints, scenario_id, node_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (row["id"], session, row["operator"], row["objection_id"], row["lang"], row["mode"],
                 row["created_at"], row["try_no"], row["reply"], row.get("score"), row.get("verdict"),
                 _json_text(row.get("breakdown"), "{}"), _json_text(row.get("missed"), "[]"),
                 row.get("duration") or 0.0, int(bool(row.get("late"))), row.get("outcome") or "scored",
                 int(bool(row.get("disputed"))), row.get("dispute_note"), _text_or_none(row.get("grader_version")),
                 _text_or_none(row.get("entry_version")), _count(row.get("hints")), row.get("scenario_id"),
                 row.get("node_id")))
        return added == 1


# A scenario's card and assignment are keyed "scenario:<id>" in objection_id (catalog/model.py scenario_key)
_OBJECTION_CARD = f"objection_id NOT LIKE '{SCENARIO_KEYS}'"  # a card or assignment of an objection
# the operator's calls of an assigned scenario (assignment `s`, session `c`) since it was assigned
_ASSIGNED_CALL = (f"s.objection_id LIKE '{SCENARIO_KEYS}' AND c.operator = s.operator AND c.mode = 'roleplay' "
                  f"AND c.scenario_id = substr(s.objection_id, {len(SCENARIO_KEYS)}) AND c.started_at >= s.created_at")
_REVIEW_COLUMNS = "(attempt_id, decision, comment, mentor, decided_at, grade, received_at)"
_REVIEW_UPDATE = ("decision = excluded.decision, comment = excluded.comment, mentor = excluded.mentor, "
                  "decided_at = excluded.decided_at, grade = excluded.grade, received_at = excluded.received_at")


def _operator_filter(operator: str | None, prefix: str = "") -> tuple[str, tuple[Any, ...]]:
    return (f"WHERE {prefix}operator = ?", (operator,)) if operator else ("", ())


def _like_prefix(text: str) -> str:
    """A LIKE pattern for what starts with `text`: its own %, _ and ! (the escape) match only themselves."""
    return "".join("!" + ch if ch in "%_!" else ch for ch in text) + "%"


def _reads_as(parse: Callable[[Any], Any], value: Any) -> bool:
    """Whether a stored value reads as what `parse` (date.fromisoformat, datetime.fromisoformat) makes."""
    try:
        parse(value)
    except (TypeError, ValueError):
        return False
    return True


def _float(value: Any) -> float | None:
    """PostgreSQL's AVG gives a Decimal; everything above works with floats."""
    return float(value) if value is not None else None


def _count(value: Any) -> int:
    """A count from an exported row: a non-negative integer, 0 when absent or not a count."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _json_text(value: Any, empty: str) -> str:
    """Exported JSON fields arrive parsed or as text; store them as text."""
    if value is None:
        return empty
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
