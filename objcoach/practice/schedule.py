"""Spaced repetition with FSRS: a rating from each score, and which objections to practise next.

One card per (operator, objection id, language). Cards are stored as FSRS JSON by the store; this
module never touches SQL. Fuzzing is off, so the same history and clock always give the same plan.

A best score is rated by scoring.settings.RATING_BANDS (Easy, Good, Hard, else Again); a skipped
objection, or one whose model answer was shown with /answer, is rated Again.

Anki's lessons: an objection failed again and again (LEECH_FAILS reviews rated Again) is a leech, which
more of the same practice will not fix: the operator is told to study its model answers. Once an operator
has FIT_MIN_REVIEWS reviews, their own FSRS parameters are fitted on their review log (fsrs's Optimizer,
which needs torch: the `fit` extra) and used instead of the defaults.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

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


def call_rating(outcome: str | None, average: float | None, good: float) -> int:
    """FSRS rating of a roleplay call: resolved with an average in the good band or above rates as a drill's
    best score does (Good or Easy); resolved but weak Hard; escalated Hard when the turns were good on
    average (the client pushed further than the replies deserved), else Again; lost Again."""
    score = round(average or 0)
    if outcome == "resolved":
        return max(rating_for(score), 3) if score >= good else 2
    if outcome == "escalated":
        return 2 if score >= good else 1
    return 1


LEECH_FAILS = 4  # reviews rated Again that make an objection a leech (Anki's default is 8 lapses of a card)
FIT_MIN_REVIEWS = 400  # reviews before an operator's own FSRS parameters are fitted
FIT_AGAIN_AFTER = 200  # new reviews after which they are fitted again
FORECAST_DAYS = 14
FIT_INSTALL = "pip install 'objcoach[fit]'"


def review(card_json: str | None, rating: int, when: datetime,
           parameters: Sequence[float] | None = None) -> tuple[str, datetime]:
    """The card after one review: (its JSON, when it is due again), under the operator's fitted
    `parameters` when they have them."""
    from fsrs import Card, Rating, Scheduler

    try:
        scheduler = (Scheduler(parameters=tuple(parameters), enable_fuzzing=False) if parameters
                     else Scheduler(enable_fuzzing=False))
    except ValueError:  # parameters out of fsrs's bounds (a damaged row): the defaults
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


def forecast(due_days: Iterable[Mapping[str, Any]], today: datetime, days: int = FORECAST_DAYS,
             ) -> list[dict[str, Any]]:
    """How many objections fall due on each of the next `days` days (today first, with the overdue ones),
    from Store.due_by_day's rows (`day`, `n`)."""
    first = today.astimezone(timezone.utc).date()
    counts = [0] * days
    for row in due_days:
        offset = (datetime.fromisoformat(row["day"]).date() - first).days
        if offset < days:
            counts[max(offset, 0)] += int(row["n"])
    return [{"day": (first + timedelta(days=i)).isoformat(), "due": n} for i, n in enumerate(counts)]


def forecast_until(today: datetime, days: int = FORECAST_DAYS) -> str:
    """The stored-time bound of the forecast: the start of the day after its last."""
    first = today.astimezone(timezone.utc).date() + timedelta(days=days)
    return datetime(first.year, first.month, first.day, tzinfo=timezone.utc).isoformat()


def optimizer_available() -> bool:
    """Whether fsrs's Optimizer can run: it needs torch (and numpy, pandas), which objcoach does not require."""
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in ("torch", "numpy", "pandas"))


def fit_parameters(log: Sequence[Mapping[str, Any]]) -> list[float]:
    """FSRS parameters fitted on a review log (rows: objection_id, lang, rating, reviewed_at), one card per
    objection and language."""
    from fsrs import Optimizer, Rating, ReviewLog

    cards: dict[tuple[str, str], int] = {}
    logs = [ReviewLog(card_id=cards.setdefault((row["objection_id"], row["lang"]), len(cards) + 1),
                      rating=Rating(int(row["rating"])), review_datetime=datetime.fromisoformat(row["reviewed_at"]),
                      review_duration=None) for row in log]
    return [float(value) for value in Optimizer(logs).compute_optimal_parameters()]


def schedule_status(reviews: int, fitted: Mapping[str, Any] | None, can_fit: bool) -> dict[str, Any]:
    """What `stats` says of the schedule: fitted parameters or the defaults, and why."""
    if fitted:
        return {"parameters": "fitted", "reviews": reviews, "fitted_on": fitted["reviews"],
                "fitted_at": fitted["fitted_at"], "needed": FIT_MIN_REVIEWS, "install": None}
    enough = reviews >= FIT_MIN_REVIEWS
    return {"parameters": "default", "reviews": reviews, "fitted_on": None, "fitted_at": None,
            "needed": FIT_MIN_REVIEWS, "install": FIT_INSTALL if enough and not can_fit else None}


def refit(store: Any, operator: str, now: datetime, can_fit: bool | None = None) -> bool:
    """Fit the operator's FSRS parameters when they have enough reviews and enough new ones since the last
    fit, and the optimizer can run. Returns whether it fitted."""
    reviews = store.review_count(operator)
    fitted = store.fsrs_parameters(operator)
    due = reviews >= FIT_MIN_REVIEWS and (fitted is None or reviews - fitted["reviews"] >= FIT_AGAIN_AFTER)
    if not due or not (optimizer_available() if can_fit is None else can_fit):
        return False
    parameters = fit_parameters(store.review_log(operator))
    store.save_fsrs_parameters(operator, parameters, reviews, now.astimezone(timezone.utc).isoformat())
    return True


def _score_or_zero(score: int | None) -> int:
    return score if score is not None else 0


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
