"""Check stored scores before a mentor's figures use them: every reply is scored again with the catalog.

The database keeps an operator from changing a finished attempt, but not from writing an attempt with any
score (a raw INSERT, a forged import, a hand-edited SQLite file). So the report and the leaderboard score
each stored reply again and compare, under the versions the attempt was stored with (scoring/versions.py):
- same grader and entry versions, a different score: forged; left out of the figures and listed;
- other versions (or none, from before versions were kept): scored by an older grader; kept and counted;
- an objection this catalog lacks: cannot be checked; kept and counted.
A roleplay turn is scored again against its node's objection, found by its scenario and node (a node's own
inline objection is in no objection list); a turn of a scenario or node the catalog no longer has is unchecked.
An exam stored as passed counts only when its kept attempts reach its pass mark.
Replies are scored through grade's batch path, each distinct reply once; the scores are remembered in the
mentor's cache, so the next report scores only what was stored since.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from objcoach.catalog.model import Catalog, Objection
from objcoach.io import Row
from objcoach.scoring.settings import PASS_MARK
from objcoach.store.history import Store


class Forged(NamedTuple):
    id: str
    operator: str
    objection_id: str
    lang: str
    stored: int
    regraded: int | None  # None: the reply cannot be scored at all
    scenario_id: str | None = None  # a roleplay turn's scenario and node
    node_id: str | None = None


class Check(NamedTuple):
    forged: tuple[Forged, ...] = ()
    forged_exams: tuple[tuple[str, str], ...] = ()  # (operator, session id) of exams stored as passed wrongly
    older: dict[str, int] = {}  # noqa: RUF012  operator -> attempts scored by an older grader or entry
    unchecked: dict[str, int] = {}  # noqa: RUF012  operator -> attempts for objections not in this catalog

    @property
    def left_out(self) -> list[str]:
        """The ids the figures leave out: forged attempts and wrongly passed exams."""
        return [row.id for row in self.forged] + [session for _, session in self.forged_exams]

    def of(self, operator: str) -> dict[str, Any]:
        """One operator's part, as a report shows it."""
        return {
            "forged": [{"id": row.id, "objection_id": row.objection_id, "lang": row.lang, "stored": row.stored,
                        "regraded": row.regraded, "scenario_id": row.scenario_id, "node_id": row.node_id}
                       for row in self.forged if row.operator == operator],
            "forged_exams": [session for who, session in self.forged_exams if who == operator],
            "older": self.older.get(operator, 0),
            "unchecked": self.unchecked.get(operator, 0),
        }


def check_history(store: Store, catalog: Catalog, operator: str | None, since: str | None,
                  until: str | None = None) -> Check:
    """Check the scores stored in [since, until) (of one operator, or everyone)."""
    from objcoach.scoring.versions import entry_version, grader_version

    grader = grader_version(catalog)
    known: dict[str, int] = {}  # operator -> scored attempts for objections this catalog has
    unchecked: dict[str, int] = {}
    for group in store.scored_counts(operator, since, until):  # counted in SQL: old rows are never read
        counts = known if objection_of(catalog, group) is not None else unchecked
        counts[group["operator"]] = counts.get(group["operator"], 0) + group["n"]
    to_check = []
    for row in store.scored_attempts(operator, since, until, grader):
        objection = objection_of(catalog, row)
        if objection is not None and row["entry_version"] == entry_version(catalog, objection):
            to_check.append(row)
    # everything else of a known objection was scored by another grader or against another entry
    checked = Counter(row["operator"] for row in to_check)
    older = {name: n - checked[name] for name, n in known.items() if n > checked[name]}
    regraded = _regrade(catalog, to_check)
    forged = tuple(
        Forged(row["id"], row["operator"], row["objection_id"], row["lang"], int(row["score"]), score,
               row.get("scenario_id"), row.get("node_id"))
        for row in to_check
        for score in [regraded.get(_key(row))]
        if not _honest(int(row["score"]), score, bool(row["late"])))
    return Check(forged, _forged_exams(store, operator, since, until, {row.id for row in forged}), older, unchecked)


def objection_of(catalog: Catalog, row: dict[str, Any]) -> Objection | None:
    return catalog.answered(row["objection_id"], row.get("scenario_id"), row.get("node_id"))


MEMO_LIMIT = 500_000  # scores remembered per grader version; beyond that the memo starts afresh


def _regrade(catalog: Catalog, rows: list[dict[str, Any]]) -> dict[tuple[str, str, bytes], int | None]:
    """The grader's score of each distinct (entry version, language, reply), through grade's batch path.

    A score under the same grader and entry versions is the same every time, so the scores worked out
    are remembered in the mentor's own cache (never in the history, which the check cannot trust): a
    report scores only the replies stored since the last one."""
    from objcoach.catalog import cache
    from objcoach.scoring.versions import grader_version

    stamp = f"v1.{grader_version(catalog)}"
    memo = cache.read("regraded", stamp)
    scores: dict[tuple[str, str, bytes], int | None] = memo if isinstance(memo, dict) else {}
    missing: dict[tuple[str, str, bytes], dict[str, Any]] = {}
    for row in rows:
        key = _key(row)
        if key not in scores:
            missing.setdefault(key, row)
    if missing:
        from objcoach.scoring.batch import grade_rows  # the scorer is imported only when there is work for it

        # a node's inline objection is in no objection list grade's lookup reads: scored with it directly
        inline = {key: row for key, row in missing.items() if catalog.get(row["objection_id"]) is None}
        listed = {key: row for key, row in missing.items() if key not in inline}
        graded = grade_rows((Row(n, {"objection": row["objection_id"], "lang": row["lang"], "reply": row["reply"]})
                             for n, row in enumerate(listed.values(), start=1)), catalog)
        if len(scores) + len(missing) > MEMO_LIMIT:
            scores = {}
        for key, out in zip(listed, graded, strict=True):
            scores[key] = None if out.get("error") else int(out["score"])
        for key, row in inline.items():
            scores[key] = _score_inline(catalog, row)
        cache.write("regraded", stamp, scores)
    return scores


def _score_inline(catalog: Catalog, row: dict[str, Any]) -> int | None:
    from objcoach.errors import ObjcoachError
    from objcoach.scoring.score import score_reply

    objection = objection_of(catalog, row)
    if objection is None:
        return None
    try:
        return int(score_reply(str(row["reply"]), objection, catalog, str(row["lang"])).score)
    except ObjcoachError:
        return None


def _key(row: dict[str, Any]) -> tuple[str, str, bytes]:
    """A reply as the memo knows it: its entry's version, its language and a digest of its text."""
    import hashlib

    digest = hashlib.blake2b(str(row["reply"]).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return str(row["entry_version"]), str(row["lang"]), digest


def _honest(stored: int, regraded: int | None, late: bool) -> bool:
    """Whether the grader gives what was stored: the same score, or for a late exam reply the score less a
    late penalty (never a score above the grader's)."""
    if regraded is None:
        return False
    if not late:
        return stored == regraded
    from objcoach.practice.session import LATE_BASE, LATE_MAX  # only for a late reply: it imports the scheduler

    return max(0, regraded - LATE_MAX) <= stored <= max(0, regraded - LATE_BASE)


def _forged_exams(store: Store, operator: str | None, since: str | None, until: str | None,
                  forged: set[str]) -> tuple[tuple[str, str], ...]:
    """Exams stored as passed whose kept attempts do not reach the pass mark (unanswered questions count 0,
    as when the exam was taken)."""
    exams: dict[str, dict[str, Any]] = {}
    for row in store.passed_exams(operator, since, until):
        exam = exams.setdefault(row["session_id"], {"operator": row["operator"], "planned": row["planned"] or 0,
                                                    "pass_mark": row["pass_mark"], "best": {}})
        if row["attempt_id"] is not None and row["attempt_id"] not in forged and row["score"] is not None:
            best = exam["best"]
            best[row["objection_id"]] = max(best.get(row["objection_id"], 0), int(row["score"]))
    wrong = []
    for session, exam in exams.items():
        questions = max(int(exam["planned"]), len(exam["best"]), 1)
        pass_mark = exam["pass_mark"] if exam["pass_mark"] is not None else PASS_MARK
        if sum(exam["best"].values()) / questions < pass_mark:
            wrong.append((exam["operator"], session))
    return tuple(wrong)
