"""What the practice loop needs from a history, as a protocol, and the records that cross it.

practice/session.py talks to `History`, not to the SQL `Store`, so a drill runs the same against
SQLite, PostgreSQL or a fake in a test. The records are plain data: the store returns and takes
nothing from the packages above it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol


def now_iso(when: datetime | None = None) -> str:
    """A stored time: ISO 8601 in UTC with microseconds, so text order is the order things happened."""
    return (when or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="microseconds")


@dataclass
class Attempt:
    """One reply (or a skip, or an answer shown) to one objection, as it is stored."""

    session_id: str
    operator: str
    objection_id: str
    lang: str
    mode: str
    try_no: int
    reply: str
    score: int | None
    verdict: str | None
    breakdown: dict[str, Any]
    missed: list[str]
    duration: float
    created_at: str
    late: bool = False
    outcome: str = "scored"
    disputed: bool = False
    dispute_note: str | None = None
    # what scored it (scoring/versions.py): a report re-scores the reply and compares under these
    grader_version: str | None = None
    entry_version: str | None = None
    hints: int = 0  # /hint asked before this reply (a mentor reads how much help it took)
    scenario_id: str | None = None  # roleplay: the scenario and the node this reply answered
    node_id: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class CardState:
    """Where one review card stands: when it is due and the last score it was reviewed with."""

    due: datetime
    last_score: int | None = None


class History(Protocol):
    """The history as a drill or an exam uses it."""

    def start_session(self, operator: str, mode: str, lang: str, planned: int, seed: int | None,
                      started_at: str, pass_mark: int | None = None, scenario_id: str | None = None) -> str: ...

    def end_session(self, session_id: str, ended_at: str, average: float | None, passed: bool | None,
                    interrupted: bool = False, outcome: str | None = None) -> None: ...

    def add_attempt(self, attempt: Attempt) -> None: ...

    def dispute(self, attempt_id: str, note: str) -> None: ...

    def card(self, operator: str, objection_id: str, lang: str) -> str | None:
        """The review card's stored JSON, or None for an objection never reviewed."""

    def card_states(self, operator: str, lang: str, scenarios: bool = False) -> dict[str, CardState]:
        """The objection cards (with `scenarios`: the scenario cards, keyed "scenario:<id>")."""

    def save_card(self, operator: str, objection_id: str, lang: str, card: str, due: datetime,
                  last_score: int | None, rating: int | None = None, reviewed_at: str | None = None) -> None: ...

    def failed_reviews(self, operator: str | None, at_least: int = 1) -> list[dict[str, Any]]:
        """Per card (operator, objection_id, lang): `fails`, its reviews rated Again, when at least `at_least`."""

    def fsrs_parameters(self, operator: str) -> dict[str, Any] | None:
        """The operator's fitted FSRS parameters (`parameters`, `reviews`, `fitted_at`), or None."""

    def previous_average(self, operator: str, mode: str, lang: str, before: str, exclude: str) -> float | None:
        """The average of the latest earlier session of this kind, leaving out `exclude`."""
