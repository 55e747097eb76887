"""Print the scorer's agreement with every graded set in tests/data, as the README's table.

Usage: python scripts/agreement.py

It runs `objcoach calibrate FILE --json` (the command installed beside this Python) on each set, so it
measures exactly what a mentor would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def objcoach_command() -> list[str]:
    script = Path(sys.executable).with_name("objcoach")
    return [str(script)] if script.exists() else [sys.executable, "-m", "objcoach"]


def main() -> None:
    env = {name: value for name, value in os.environ.items() if name != "OBJCOACH_CATALOG"}
    print("| set | rows | Spearman ρ | pairs in order | harmful at good+ or ≥ median strong |")
    print("|---|---|---|---|---|")
    for path in sorted((Path(__file__).parent.parent / "tests" / "data").glob("graded*.jsonl")):
        done = subprocess.run([*objcoach_command(), "calibrate", str(path), "--json"], env=env, capture_output=True,
                              text=True, check=True)
        result = json.loads(done.stdout)
        pairs = result["pairs"]
        share = pairs["ordered"] / pairs["total"] if pairs["total"] else 0.0
        print(f"| `{path.name}` | {result['rows']} | {result['spearman']:.3f} | {share:.1%} "
              f"| {len(result['harmful_good_or_above_median'])} |")


if __name__ == "__main__":
    main()
