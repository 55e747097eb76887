"""How well scores agree with a mentor's grades: Spearman ρ, pair order, confusion, disagreements."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from objcoach.catalog.model import Catalog
from objcoach.errors import ObjcoachError
from objcoach.io import Row
from objcoach.scoring.batch import OBJECTION_FIELDS, REPLY_FIELDS, grade_rows, pick
from objcoach.scoring.settings import VERDICTS

GRADE_FIELDS = ("grade", "human_grade", "mentor_grade", "label", "rating", "human_score", "score")
HARMFUL_KINDS = frozenset({"rude", "argue", "blame", "dismiss", "copy", "stuffing", "dont_know", "off_topic",
                           "empty", "insult_appended", "sarcasm"})


@dataclass(frozen=True)
class Graded:
    objection_id: str
    lang: str
    reply: str
    grade: float  # as given: 0–3 or 0–100
    score: int
    verdict: str
    kind: str = ""
    flags: tuple[str, ...] = ()


@dataclass
class Calibration:
    rows: list[Graded]
    errors: list[str] = field(default_factory=list)
    scale: float = 3.0

    @property
    def spearman(self) -> float:
        return spearman([row.grade for row in self.rows], [row.score for row in self.rows])

    def pairs(self) -> tuple[int, int, int]:
        """(ordered as the grades are, tied scores, all pairs with different grades) within each objection."""
        by_objection: dict[tuple[str, str], list[Graded]] = defaultdict(list)
        for row in self.rows:
            by_objection[(row.objection_id, row.lang)].append(row)
        ordered = ties = total = 0
        for group in by_objection.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if a.grade == b.grade:
                        continue
                    total += 1
                    if a.score == b.score:
                        ties += 1
                    elif (a.grade > b.grade) == (a.score > b.score):
                        ordered += 1
        return ordered, ties, total

    @property
    def pair_share(self) -> float:
        ordered, _, total = self.pairs()
        return ordered / total if total else 0.0

    def confusion(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {verdict: Counter() for verdict in VERDICTS}  # type: ignore[misc]
        for row in self.rows:
            table[row.verdict][_grade_label(row.grade, self.scale)] += 1
        return {verdict: dict(counts) for verdict, counts in table.items()}

    def grade_labels(self) -> list[str]:
        return sorted({_grade_label(row.grade, self.scale) for row in self.rows}, key=float)

    def worst(self, limit: int = 10) -> list[tuple[float, Graded]]:
        """Rows whose score rank is furthest from their grade rank."""
        grades = _ranks([row.grade for row in self.rows])
        scores = _ranks([float(row.score) for row in self.rows])
        n = max(len(self.rows), 1)
        gaps = [(abs(g - s) / n, row) for g, s, row in zip(grades, scores, self.rows, strict=True)]
        return sorted(gaps, key=lambda item: -item[0])[:limit]

    def harmful_problems(self) -> list[Graded]:
        """Harmful replies (by kind, or grade 0 when no kind is given) that score good or better,
        or at least the median score of the strongest replies."""
        top = max((row.grade for row in self.rows), default=0)
        strong = [row.score for row in self.rows if row.grade == top]
        median_strong = statistics.median(strong) if strong else 101
        bad = []
        for row in self.rows:
            harmful = row.kind in HARMFUL_KINDS if row.kind else row.grade == 0
            if harmful and (row.verdict in ("excellent", "good") or row.score >= median_strong):
                bad.append(row)
        return bad

    def to_dict(self) -> dict[str, Any]:
        ordered, ties, total = self.pairs()
        return {
            "rows": len(self.rows),
            "errors": self.errors,
            "spearman": round(self.spearman, 4),
            "pairs": {"ordered": ordered, "tied": ties, "total": total,
                      "share": round(ordered / total, 4) if total else None},
            "confusion": self.confusion(),
            "harmful_good_or_above_median": [row.reply for row in self.harmful_problems()],
            "worst": [
                {"objection_id": row.objection_id, "lang": row.lang, "grade": row.grade, "score": row.score,
                 "verdict": row.verdict, "reply": row.reply, "gap": round(gap, 3)}
                for gap, row in self.worst()
            ],
        }


def calibrate(rows: Iterable[Row], catalog: Catalog, lang: str | None = None) -> Calibration:
    graded: list[Graded] = []
    kept, grades, errors = graded_input(rows)
    for row, grade, out in zip(kept, grades, grade_rows(kept, catalog, lang), strict=True):
        if "error" in out:
            errors.append(str(out["error"]))
            continue
        graded.append(Graded(
            objection_id=str(out["objection_id"]), lang=str(out["lang"]),
            reply=str(pick(row.fields, REPLY_FIELDS, allow_empty=True)), grade=grade, score=int(out["score"]),
            verdict=str(out["verdict"]), kind=str(row.fields.get("kind") or ""),
            flags=tuple(flag["id"] for flag in out["flags"]),
        ))
    scale = grade_scale(row.grade for row in graded)
    return Calibration(graded, errors, scale)


def graded_input(rows: Iterable[Row]) -> tuple[list[Row], list[float], list[str]]:
    """The rows that have a grade, an objection and a reply; their grades as given; why the others don't."""
    kept: list[Row] = []
    grades: list[float] = []
    errors: list[str] = []
    for row in rows:
        if row.error:
            errors.append(row.error)
            continue
        grade = _grade(row)
        if grade is None:
            errors.append(f"row {row.number}: no grade (0–3 or 0–100) in fields {', '.join(GRADE_FIELDS)}")
            continue
        try:
            present = pick(row.fields, OBJECTION_FIELDS) is not None and \
                pick(row.fields, REPLY_FIELDS, allow_empty=True) is not None
        except ObjcoachError as error:  # a field that is not text
            errors.append(f"row {row.number}: {error}")
            continue
        if not present:
            errors.append(f"row {row.number}: needs objection and reply fields")
            continue
        kept.append(row)
        grades.append(grade)
    return kept, grades, errors


def _grade(row: Row) -> float | None:
    """The first grade field with a value: a number, or text that reads as one."""
    value = next((row.fields[name] for name in GRADE_FIELDS
                  if row.fields.get(name) is not None and str(row.fields[name]).strip() != ""), None)
    if value is None or isinstance(value, (bool, list, dict)):
        return None
    try:
        grade = float(value)
    except (ValueError, OverflowError):
        return None
    return grade if 0 <= grade <= 100 else None


def grade_scale(grades: Iterable[float]) -> float:
    """3 when every grade is on the 0–3 scale, else 100: a file holds grades of one scale."""
    return 3.0 if all(grade <= 3 for grade in grades) else 100.0


def _grade_label(grade: float, scale: float) -> str:
    if scale <= 3:
        return f"{grade:g}"
    return str(min(3, int(grade // 25)))  # 0–100 grades shown in four bands


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks with ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    if len(xs) < 2:
        return 0.0
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0
