"""Fit how the features combine from graded replies: ridge regression of the mentor's grade, in plain Python.

Used by `objcoach calibrate --fit` (a team's own standards, from a clean install: no training packages) and
by scripts/train.py (the bundled model). Some forty features: the normal equations are small enough to solve
directly.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import NamedTuple

from objcoach.scoring.calibration import Calibration, Graded
from objcoach.scoring.model import GraderModel
from objcoach.scoring.settings import DEFAULT_SETTINGS, verdict_for

ALPHA = 1.0  # the ridge penalty: keeps the weights of rare features (an antipattern seen twice) sane
FOLDS = 5


class Example(NamedTuple):
    """One graded reply, read: its features, the flags raised, the mentor's grade (0–3)."""

    objection_id: str
    lang: str
    reply: str
    values: dict[str, float]
    caps: tuple[tuple[str, float], ...]  # each flag raised, with the cap its guard would put
    grade: float


def ridge(rows: Sequence[dict[str, float]], targets: Sequence[float], alpha: float = ALPHA,
          ) -> tuple[float, dict[str, float]]:
    """The intercept and weights minimising squared error plus alpha × the squared weights (the intercept
    is not penalised)."""
    names = sorted({name for row in rows for name, value in row.items() if value})
    where = {name: index + 1 for index, name in enumerate(names)}
    size = len(names) + 1
    matrix = [[0.0] * size for _ in range(size)]
    vector = [0.0] * size
    for row, target in zip(rows, targets, strict=True):
        cells = [(0, 1.0), *((where[name], value) for name, value in row.items() if value)]
        for i, a in cells:
            vector[i] += a * target
            line = matrix[i]
            for j, b in cells:
                line[j] += a * b
    for i in range(1, size):
        matrix[i][i] += alpha
    solution = _solve(matrix, vector)
    return solution[0], {name: solution[where[name]] for name in names}


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the matrix is symmetric positive definite)."""
    size = len(vector)
    a = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        lead = a[col][col]
        if abs(lead) < 1e-12:
            continue
        for r in range(col + 1, size):
            factor = a[r][col] / lead
            if factor:
                row, top = a[r], a[col]
                for c in range(col, size + 1):
                    row[c] -= factor * top[c]
    result = [0.0] * size
    for r in range(size - 1, -1, -1):
        lead = a[r][r]
        if abs(lead) < 1e-12:
            continue
        result[r] = (a[r][size] - sum(a[r][c] * result[c] for c in range(r + 1, size))) / lead
    return result


def signed_ridge(rows: Sequence[dict[str, float]], targets: Sequence[float], alpha: float = ALPHA,
                 ) -> tuple[float, dict[str, float]]:
    """Ridge with each weight's sign as a mentor would expect it (a technique shown never costs points, a
    flag never earns any): a weight fitted with the wrong sign is set to zero and the rest refitted, until
    none is left (each round drops at least one feature)."""
    dropped: set[str] = set()
    while True:
        kept = [{name: value for name, value in row.items() if name not in dropped} for row in rows]
        bias, weights = ridge(kept, targets, alpha)
        wrong = {name for name, weight in weights.items() if weight * expected_sign(name) < 0}
        if not wrong:
            return bias, {**weights, **dict.fromkeys(sorted(dropped), 0.0)}
        dropped |= wrong


def expected_sign(feature: str) -> int:
    """+1 for what shows skill, -1 for what shows harm, 0 for what may go either way (length, kind of entry)."""
    if feature.startswith(("flag:", "antipattern:")) or feature in ("tone", "tone_harm", "tone_peak",
                                                                    "required_missed", "no_substance"):
        return -1
    if feature in ("words", "knowledge"):
        return 0
    return 1


def refit(examples: Sequence[Example], base: GraderModel, alpha: float = ALPHA, about: dict[str, object] | None = None,
          ) -> GraderModel:
    """`base` with its combination learned afresh from `examples` (its n-gram models and caps kept)."""
    bias, weights = signed_ridge([example.values for example in examples], [example.grade for example in examples],
                                 alpha)
    return base._replace(bias=bias, weights=weights, about=about or {})


def cross_validated(examples: Sequence[Example], base: GraderModel, alpha: float = ALPHA, folds: int = FOLDS,
                    ) -> list[int]:
    """Each example's score from a model fitted without its fold (folds by objection, so a reply is never
    judged by weights fitted on replies to the same objection)."""
    objections = sorted({example.objection_id for example in examples})
    fold_of = {objection: index % folds for index, objection in enumerate(objections)}
    scores = [0] * len(examples)
    for fold in range(min(folds, len(objections))):
        train = [example for example in examples if fold_of[example.objection_id] != fold]
        if not train:
            continue
        model = refit(train, base, alpha)
        for index, example in enumerate(examples):
            if fold_of[example.objection_id] == fold:
                scores[index] = score_of(example, model)
    return scores


def score_of(example: Example, model: GraderModel) -> int:
    from objcoach.scoring.score import points

    return points(example.values, example.caps, model)[0]


def agreement(examples: Sequence[Example], scores: Sequence[int]) -> Calibration:
    """The agreement of `scores` with the examples' grades, as `calibrate` reports it."""
    rows = [Graded(e.objection_id, e.lang, e.reply, e.grade, score, verdict_for(score),
                   flags=tuple(flag for flag, _ in e.caps))
            for e, score in zip(examples, scores, strict=True)]
    return Calibration(rows)


def summary(result: Calibration) -> dict[str, float]:
    strong = [row.score for row in result.rows if row.grade == 3]
    return {"rows": len(result.rows), "spearman": round(result.spearman, 4), "pairs": round(result.pair_share, 4),
            "harmful_high": len(result.harmful_problems()),
            "strong_below_partial": round(sum(score < DEFAULT_SETTINGS["partial"] for score in strong)
                                          / len(strong), 4) if strong else 0.0,
            "median_strong": statistics.median(strong) if strong else 0.0}

