"""The mentor's review: disputed and weak attempts, one at a time; accept, grade, dismiss or comment."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from objcoach.catalog.model import Catalog
from objcoach.errors import InputError
from objcoach.i18n import t
from objcoach.i18n.names import Names, quoted
from objcoach.store.history import Store, now_iso

GRADES = (0, 1, 2, 3)  # the mentors' scale: 0 harmful, 1 weak, 2 good, 3 a model answer
DECISIONS = {"accept": "accepted", "grade": "graded", "dismiss": "dismissed", "comment": "commented"}


@dataclass
class Decided:
    """What one decision did: the line that says so, or the problems that stopped it."""

    said: str = ""
    problems: list[str] = field(default_factory=list)


class Reviewer:
    def __init__(self, store: Store, extra: Sequence[Path] | None, mentor: str, ui: str) -> None:
        self.store = store
        self.extra = extra
        self.mentor = mentor
        self.ui = ui
        self._catalog: Catalog | None = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from objcoach.catalog.load import load_catalog

            self._catalog = load_catalog(self.extra)
        return self._catalog

    def decide(self, key: str, action: str, comment: str | None = None, grade: int | None = None) -> Decided:
        """Apply one decision (accept, grade, dismiss, comment) to the attempt `key` names."""
        attempt = self.store.attempt(key)
        if attempt is None:
            raise InputError(t(self.ui, "review.no_attempt", key=key))
        if action == "grade" and grade not in GRADES:
            raise InputError(t(self.ui, "review.bad_grade", value=grade))
        if action == "accept":
            from objcoach.mentor.authoring import accept_answer

            self._refuse_inline(attempt)
            named = self._named(attempt)
            path, problems = accept_answer(self.catalog, attempt["objection_id"], attempt["lang"], attempt["reply"],
                                           self.extra, header=t(self.ui, "team_catalog.header"), ui=self.ui)
            if problems:
                return Decided(problems=problems)
            self._catalog = None  # the catalog file changed
            said = t(self.ui, "review.accepted", path=path, objection=named, lang=attempt["lang"])
        else:
            said = t(self.ui, f"review.{DECISIONS[action]}", grade=grade)
        self.store.save_review(attempt["id"], DECISIONS[action], comment, self.mentor, now_iso(),
                               grade if action == "grade" else None)
        return Decided(said)

    def _refuse_inline(self, attempt: dict[str, Any]) -> None:
        """A roleplay turn whose answers are written in its scenario (not a catalog objection's) is not accepted
        into the catalog: the scenario file is where its answers live."""
        if not attempt.get("scenario_id") or self.catalog.get(attempt["objection_id"]) is not None:
            return
        scenario = self.catalog.scenario(attempt["scenario_id"])
        turn = scenario.nodes.get(attempt.get("node_id") or "") if scenario else None
        if turn is not None:
            raise InputError(t(self.ui, "review.accept_node", objection=Names(self.catalog, self.ui).attempt(attempt),
                               where=turn.where or scenario.origin if scenario else ""))

    def _named(self, attempt: dict[str, Any]) -> str:
        """The objection by the client's words, in the screen's quotes."""
        return Names(self.catalog, self.ui).objection(attempt["objection_id"], attempt["lang"], short=False)

    def walk(self, candidates: list[dict[str, Any]], ask: Callable[[str, str], str | None],
             say: Callable[[str], None]) -> None:
        ui = self.ui
        if not candidates:
            say(t(ui, "review.none"))
            return
        for n, attempt in enumerate(candidates, start=1):
            if n > 1:
                say("")
            verdict = Names(None, ui).verdict(attempt["verdict"])
            score = "—" if attempt["score"] is None else f"{attempt['score']} {verdict}"
            say(t(ui, "review.item", n=n, total=len(candidates), attempt=attempt["id"][:8],
                  operator=attempt["operator"], objection=attempt["objection_id"], lang=attempt["lang"], score=score,
                  when=attempt["created_at"][:16].replace("T", " ")))
            if attempt.get("scenario_id") and attempt.get("node_id"):  # a roleplay turn: the call and the line
                names = Names(self.catalog, ui)
                say(f"{t(ui, 'client')}: {names.scenario(attempt['scenario_id'])} › "
                    f"{names.node(attempt['scenario_id'], attempt['node_id'], attempt['lang'], short=False)}")
            else:
                if self.catalog.get(attempt["objection_id"]) is not None:
                    say(f"{t(ui, 'client')}: {self._named(attempt)}")
            say(f"{t(ui, 'reply')}: {quoted(attempt['reply'], ui)}")
            breakdown = self.breakdown(attempt)
            if breakdown:
                say(breakdown)
            if attempt["disputed"]:
                say(t(ui, "review.disputed", note=attempt["dispute_note"] or "—"))
            if attempt.get("hints"):  # how much help the reply took
                say(t(ui, "review.hints", n=attempt["hints"]))
            if not self._one(attempt, ask, say):
                return

    def _one(self, attempt: dict[str, Any], ask: Callable[[str, str], str | None],
             say: Callable[[str], None]) -> bool:
        """Ask for a decision on one attempt until one is made; False when the mentor quits."""
        ui = self.ui
        while True:
            answer = ask(t(ui, "review.prompt"), "s")
            choice = review_key(answer)
            if choice == "q":
                return False
            if choice == "s":
                return True
            if choice == "":
                say(t(ui, "review.unknown_key", key=(answer or "").strip()))
                continue
            grade = None
            if choice == "g":
                grade = self._ask_grade(ask, say)
                if grade is None:
                    continue
            comment = None
            if choice in ("c", "g"):
                text = ask(t(ui, f"review.{'comment' if choice == 'c' else 'grade_comment'}_prompt"), "")
                comment = (text or "").strip() or None
                if choice == "c" and comment is None:
                    continue  # an empty comment is no decision
            action = {"a": "accept", "g": "grade", "d": "dismiss", "c": "comment"}[choice]
            decided = self.decide(attempt["id"], action, comment, grade)
            for line in decided.problems:
                say(line)
            if decided.problems:
                say(t(ui, "review.refused"))
                continue
            say(decided.said)
            return True

    def _ask_grade(self, ask: Callable[[str, str], str | None], say: Callable[[str], None]) -> int | None:
        """The mentor's grade, asked again until it is one of GRADES; None (back to the decision) when empty."""
        while True:
            answer = (ask(t(self.ui, "review.grade_prompt"), "") or "").strip()
            if not answer:
                return None
            if answer.isdigit() and int(answer) in GRADES:
                return int(answer)
            say(t(self.ui, "review.bad_grade", value=answer))

    def breakdown(self, attempt: dict[str, Any]) -> str:
        """Where the attempt's points came from, as the drill's score panel said it (from the stored breakdown)."""
        from objcoach.scoring.coach import component_title

        try:
            components = json.loads(attempt.get("breakdown") or "{}").get("components") or {}
        except (ValueError, AttributeError):
            return ""  # a breakdown stored oddly: the score alone is shown
        pieces = []
        for name, points in components.items():
            if isinstance(points, (int, float)) and round(points):  # a part worth nothing is not listed
                label = component_title(str(name), self.catalog, self.ui)
                pieces.append(f"{label} {points:+.0f}" if points < 0 else f"{label} {points:.0f}")
        return f"{t(self.ui, 'breakdown')}: {', '.join(pieces)}" if pieces else ""


# a review key typed with the Russian layout on is the key under the same finger: ф is a, в is d, с is c…
_LAYOUT = str.maketrans("фвсыйп", "adcsqg")


def review_key(answer: str | None) -> str:
    """The decision a typed answer names: a, g, d, c, s (the default, an empty answer) or q (also the end of
    input); "" for anything else, which is asked again."""
    if answer is None:
        return "q"
    word = answer.strip().casefold().translate(_LAYOUT)
    if word in ("", "s", "skip"):
        return "s"
    if word in ("a", "accept", "g", "grade", "d", "dismiss", "c", "comment", "q", "quit"):
        return word[0]
    return ""
