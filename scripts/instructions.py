"""Machine instructions per graded row, counted by valgrind's callgrind: a figure that does not drift with
the load of a shared machine, for comparing two versions of the scorer where wall times swing by ±15 %.

    python scripts/instructions.py            # 2,000 rows (about a minute)
    python scripts/instructions.py --rows 500

Run it with the Python where objcoach is installed (or with PYTHONPATH pointing at a work tree); needs
`valgrind` on PATH. It grades the bench's kind of replies twice under callgrind: once only one row per
objection (start-up, catalog, resolving every objection), once the same rows followed by N more, and
prints the difference divided by N. Hash randomisation is fixed, so the count repeats exactly.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import graded_replies, objcoach_command


def collected(command: list[str], env: dict[str, str]) -> int:
    """Instructions callgrind counted for one run of `command`."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        raise SystemExit(f"callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000, help="rows counted (default 2,000)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="objcoach-instructions-"))
    try:
        replies = work / "replies.jsonl"
        graded_replies(replies, args.rows * 2, random.Random(20261130))
        lines = replies.read_text(encoding="utf-8").splitlines(keepends=True)
        first: dict[str, str] = {}
        for line in lines:
            first.setdefault(json.loads(line)["objection"], line)
        base, full = work / "base.jsonl", work / "full.jsonl"
        base.write_text("".join(first.values()), encoding="utf-8")
        full.write_text("".join(first.values()) + "".join(lines[-args.rows:]), encoding="utf-8")
        env = {**os.environ, "OBJCOACH_HOME": str(work / "home"), "PYTHONHASHSEED": "0"}
        env.pop("OBJCOACH_CATALOG", None)
        grade = [*objcoach_command(), "grade"]
        subprocess.run([*grade, str(base)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)  # builds the catalog cache, so neither counted run does
        per_row = (collected([*grade, str(full)], env) - collected([*grade, str(base)], env)) / args.rows
        print(f"objcoach grade: {per_row:,.0f} instructions a row ({args.rows:,} bench rows, callgrind)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
