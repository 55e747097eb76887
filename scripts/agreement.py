"""Print the scorer's agreement with every graded set in tests/data, as the README's table.

Usage: python scripts/agreement.py
"""

from __future__ import annotations

from pathlib import Path

from objcoach.catalog.load import load_catalog
from objcoach.scoring.batch import read_rows
from objcoach.scoring.calibration import calibrate


def main() -> None:
    catalog = load_catalog()
    print("| set | rows | Spearman ρ | pairs in order | harmful at good+ or ≥ median strong |")
    print("|---|---|---|---|---|")
    for path in sorted((Path(__file__).parent.parent / "tests" / "data").glob("graded*.jsonl")):
        with path.open(encoding="utf-8") as stream:
            result = calibrate(read_rows(stream, str(path)), catalog)
        print(f"| `{path.name}` | {len(result.rows)} | {result.spearman:.3f} | {result.pair_share:.1%} "
              f"| {len(result.harmful_problems())} |")


if __name__ == "__main__":
    main()
