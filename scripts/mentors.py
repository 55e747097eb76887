"""Agreement of the scorer with each mentor's graded replies in tests/data/mentors/, as issue figures.

Usage: python scripts/mentors.py [FILE ...]      (default: every tests/data/mentors/a*.jsonl)

Per file, and per language, on typo rows and per kind: rows, Spearman ρ between grade (0–3) and score,
the share of pairs within an objection in the grades' order, harmful replies (grade 0) scored `good` or
better or at or above the median strong reply, and strong replies (grade 3) below `partial`.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

from objcoach import load_catalog
from objcoach.io import read_rows
from objcoach.scoring.calibration import Calibration, Graded, calibrate

MENTORS = Path(__file__).resolve().parent.parent / "tests" / "data" / "mentors"


def figures(rows: Sequence[Graded]) -> str:
    if len(rows) < 2:
        return f"{len(rows)} rows"
    result = Calibration(list(rows))
    strong = [row.score for row in rows if row.grade == 3]
    median_strong = statistics.median(strong) if strong else 101
    harmful = [row for row in rows if row.grade == 0 and (row.verdict in ("excellent", "good")
                                                          or row.score >= median_strong)]
    low_strong = [row for row in rows if row.grade == 3 and row.verdict in ("weak", "fail")]
    return (f"{len(rows)} rows, ρ {result.spearman:.3f}, pairs {result.pair_share:.1%}, harmful high "
            f"{len(harmful)}, strong below partial {len(low_strong)}/{len(strong)}")


def main(paths: Sequence[str]) -> None:
    catalog = load_catalog()
    files = [Path(p) for p in paths] or sorted(MENTORS.glob("a*.jsonl"))
    for path in files:
        raw = [json.loads(line) for line in path.open(encoding="utf-8")]
        with path.open(encoding="utf-8") as stream:
            graded = calibrate(read_rows(stream, str(path)), catalog).rows
        assert len(graded) == len(raw), f"{path}: {len(raw) - len(graded)} rows could not be graded"
        print(f"## {path.name}: {figures(graded)}")
        for lang in ("ru", "en"):
            print(f"  {lang}: {figures([g for g, r in zip(graded, raw, strict=True) if r['lang'] == lang])}")
        print(f"  typo rows: {figures([g for g, r in zip(graded, raw, strict=True) if r.get('typo')])}")
        kinds = sorted({r.get("kind", "") for r in raw})
        for kind in kinds:
            scores = [g.score for g, r in zip(graded, raw, strict=True) if r.get("kind", "") == kind]
            grades = [r["grade"] for r in raw if r.get("kind", "") == kind]
            print(f"    {kind or '-'}: {len(scores)} rows, mean grade {statistics.mean(grades):.2f}, "
                  f"mean score {statistics.mean(scores):.0f}, max {max(scores)}")


if __name__ == "__main__":
    main(sys.argv[1:])
