"""A roleplay call's scorecard: each turn's score and what it missed, how the call ended and why, and the
feedback in seed 001's shape (case 9): what worked first, quoting the reply, then at most two fixes, each with
an example from the scenario's model answers at the node where it was missed. Pure: no terminal, no store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from objcoach.catalog.model import Catalog, Scenario, Turn
from objcoach.i18n import t
from objcoach.scoring.coach import MAX_IMPROVEMENTS, Feedback, feedback
from objcoach.scoring.result import Score


@dataclass
class TurnPlay:
    """How one turn is going: the client's line, the tries, the best and the last scored reply."""

    turn: Turn
    line: str
    tries: int = 0
    hints: int = 0
    outcome: str = "unanswered"  # scored | skipped | answer
    best: int | None = None
    best_score: Score | None = None
    best_reply: str = ""
    last: Score | None = None
    attempt: str = ""  # the id of the latest scored attempt (for /dispute)

    def scored(self, reply: str, result: Score) -> None:
        self.outcome = "scored"
        self.last = result
        if self.best is None or result.score > self.best:
            self.best, self.best_score, self.best_reply = result.score, result, reply


@dataclass(frozen=True)
class TurnResult:
    node: str
    line: str  # what the client said
    reply: str  # the operator's best reply ("" when skipped or the answer was shown)
    best: int | None
    verdict: str | None
    tries: int
    hints: int
    missed: tuple[str, ...]  # technique ids the best reply did not use
    outcome: str


class Fix(NamedTuple):
    what: str
    example: str  # from the node's model answers
    line: str  # the client's line where it was missed
    node: str


@dataclass(frozen=True)
class Worked:
    praise: str  # as the drill's feedback says it, quoting the reply
    line: str
    node: str


@dataclass(frozen=True)
class Scorecard:
    scenario: Scenario
    lang: str
    operator: str
    exam: bool
    turns: tuple[TurnResult, ...]
    end: str  # resolved | escalated | lost; "" when the call was stopped before an end
    why: str
    last_words: str  # the client's, at the end node
    average: float | None
    worked: Worked | None = None
    fixes: tuple[Fix, ...] = ()
    due: datetime | None = None
    rating: int | None = None

    @property
    def interrupted(self) -> bool:
        return not self.end

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.id, "title": self.scenario.title.get(self.lang, ""), "lang": self.lang,
            "operator": self.operator, "mode": "exam" if self.exam else "practice",
            "outcome": self.end or None, "why": self.why or None, "client_last": self.last_words or None,
            "interrupted": self.interrupted, "average": self.average,
            "turns": [{"node": row.node, "client": row.line, "reply": row.reply, "score": row.best,
                       "verdict": row.verdict, "tries": row.tries, "hints": row.hints, "missed": list(row.missed),
                       "outcome": row.outcome} for row in self.turns],
            "worked": {"praise": self.worked.praise, "client": self.worked.line, "node": self.worked.node}
            if self.worked else None,
            "fixes": [{"what": fix.what, "example": fix.example, "client": fix.line, "node": fix.node}
                      for fix in self.fixes],
            "rating": self.rating, "due": self.due.isoformat() if self.due else None,
        }


def scorecard(catalog: Catalog, scenario: Scenario, lang: str, operator: str, exam: bool, plays: list[TurnPlay],
              end: Turn | None, last_words: str, average: float | None, due: datetime | None,
              rating: int | None) -> Scorecard:
    rows = tuple(TurnResult(p.turn.id, p.line, p.best_reply, p.best, p.best_score.verdict if p.best_score else None,
                            p.tries, p.hints, p.best_score.techniques_missed if p.best_score else (), p.outcome)
                 for p in plays)
    # each turn's feedback on its best reply, worked out once for what worked and for the fixes
    advice = {id(p): feedback(p.best_score, p.turn.objection, catalog, lang) for p in plays
              if p.best_score is not None and p.turn.objection is not None}
    return Scorecard(scenario, lang, operator, exam, rows, end.end if end else "",
                     end.why.get(lang, "") if end else "", last_words, average, _worked(plays, advice),
                     _fixes(plays, advice, lang), due, rating)


def _worked(plays: list[TurnPlay], advice: dict[int, Feedback]) -> Worked | None:
    """The praise of the best reply of the call that earned any."""
    for played in sorted(plays, key=lambda p: -(p.best or 0)):
        praise = advice[id(played)].praise if id(played) in advice else ()
        if praise:
            return Worked(praise[0], played.line, played.turn.id)
    return None


def _fixes(plays: list[TurnPlay], advice: dict[int, Feedback], lang: str) -> tuple[Fix, ...]:
    """At most two fixes, one from each of the weakest turns first (then a second one from the same turn): what
    harmed the call (an antipattern, a guard) before a missing step or point; each with a sentence of that
    node's model answers (the whole first answer when no sentence shows it), an example never given twice."""
    per_turn: list[list[Fix]] = []
    for played in sorted(plays, key=lambda p: p.best or 0):
        objection = played.turn.objection
        if objection is None or (played.best_score is not None and played.best_score.verdict == "excellent"):
            continue
        answers = objection.answers.get(lang, ())
        model = answers[0] if answers else ""
        if played.best_score is None:
            candidates = [(t(lang, "call.fix_unanswered"), model)]
        else:
            given = advice[id(played)]
            candidates = [(issue, model) for issue in given.issues]
            candidates += [(item.what, item.example if item.example and any(item.example in a for a in answers)
                            else model) for item in given.improvements]
        per_turn.append([Fix(what, example, played.line, played.turn.id) for what, example in candidates])
    fixes: list[Fix] = []
    for round_ in range(MAX_IMPROVEMENTS):
        for turn_fixes in per_turn:
            if round_ < len(turn_fixes) and len(fixes) < MAX_IMPROVEMENTS:
                fix = turn_fixes[round_]
                if all(other.what != fix.what for other in fixes):
                    same = any(other.example == fix.example for other in fixes)
                    fixes.append(fix._replace(example="") if same else fix)
    return tuple(fixes)
