"""Spaced repetition with FSRS: a rating from each score, and which objections to practise next.

One card per (operator, objection id, language). Cards are stored as FSRS JSON by the store; this
module never touches SQL. Fuzzing is off, so the same history and clock always give the same plan.

A best score is rated by scoring.settings.RATING_BANDS (Easy, Good, Hard, else Again); a skipped
objection, or one whose model answer was shown with /answer, is rated Again.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

from objcoach.catalog.model import Objection
from objcoach.scoring.settings import RATING_BANDS
from objcoach.store.base import CardState


def rating_for(score: int | None) -> int:
    """FSRS rating 1–4 for a best score; None (skipped, answer shown) is 1 (Again)."""
    if score is None:
        return 1
    for lowest, rating in RATING_BANDS:
        if score >= lowest:
            return rating
    return 1


def review(card_json: str | None, rating: int, when: datetime) -> tuple[str, datetime]:
    """The card after one review: (its JSON, when it is due again)."""
    from fsrs import Card, Rating, Scheduler

    scheduler = Scheduler(enable_fuzzing=False)
    card = Card.from_json(card_json) if card_json else Card(card_id=1, due=when)
    card, _ = scheduler.review_card(card, Rating(rating), when)
    return card.to_json(), card.due


def plan(objections: Sequence[Objection], cards: Mapping[str, CardState], count: int, now: datetime,
         seed: int | None = None, first: Sequence[str] = ()) -> list[Objection]:
    """Objections to practise, in order: `first` (asked by id or assigned), then those due (most overdue
    first, the weaker first when equally due), then new ones (in a seeded random order), then the weakest
    of the rest (lowest last score)."""
    rng = random.Random(seed)
    by_id = {objection.id: objection for objection in objections}
    chosen: list[Objection] = [by_id[key] for key in first if key in by_id]
    rest = [o for o in objections if o not in chosen]
    due = sorted((o for o in rest if o.id in cards and cards[o.id].due <= now),
                 key=lambda o: (cards[o.id].due, _score_or_zero(cards[o.id].last_score)))
    new = [o for o in rest if o.id not in cards]
    rng.shuffle(new)
    seen = [o for o in rest if o.id in cards and cards[o.id].due > now]
    weakest = sorted(seen, key=lambda o: (_score_or_zero(cards[o.id].last_score), cards[o.id].due))
    for group in (due, new, weakest):
        chosen.extend(group)
    return chosen[:count]


def _score_or_zero(score: int | None) -> int:
    return score if score is not None else 0


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
