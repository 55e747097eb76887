"""objcoach's benchmark: what a user waits for, on the bundled catalog, each case beside a baseline measured
in the same run, with its budget in the table.

    python scripts/bench.py            # everything (several minutes)
    python scripts/bench.py --quick    # fewer runs and rows, for a quick look
    python scripts/bench.py --quick --only grading    # one case (or several: --only a --only b)

Run it with the Python of the environment where objcoach is installed (`.venv/bin/python`); a
non-editable `pip install .` is closest to what users have. It uses the public API (`load_catalog`), the
`objcoach` command and the number of cores `--jobs` would use (`objcoach.parallel.default_jobs`): the
history is built by `objcoach import` from a file in the export format.
Inputs are written to a temporary folder and removed at the end. The machines we run on are shared and
noisy: the budgets are ratios to a baseline run beside each case, except where a user waits for an
absolute time (stats and report) or memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_APP = '''
import typer

app = typer.Typer()


@app.command()
def main() -> None:
    print("hello")


app()
'''

IO_FLOOR = '''
import json, sys

encode = json.JSONEncoder(ensure_ascii=False).encode
for line in open(sys.argv[1], encoding="utf-8"):
    row = json.loads(line)
    row["score"] = 0
    sys.stdout.write(encode(row) + "\\n")
'''

WORDS_RU = ("карта кэшбэк вклад тариф доставка заказ возврат сервис звонок баланс ставка полис интернет роуминг "
            "подписка бонус скидка отель тур билет курьер посылка приложение кабинет перевод платёж").split()
WORDS_EN = ("card cashback deposit plan delivery order refund service call balance rate policy internet roaming "
            "subscription bonus discount hotel tour ticket courier parcel app account transfer payment").split()
STEPS = ["acknowledge", "clarify", "benefit", "next_step"]


def objcoach_command() -> list[str]:
    script = Path(sys.executable).with_name("objcoach")
    return [str(script)] if script.exists() else [sys.executable, "-m", "objcoach"]


def timed(command: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of `runs` runs of a command (its output discarded)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed_against(command: list[str], baseline: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall times of a command and of the baseline, run alternately (one warm-up run each first), so
    both see the same machine: a shared machine's load drifts within seconds."""
    for warm in (command, baseline):
        subprocess.run(warm, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    mine, base = [], []
    for _ in range(runs):
        mine.append(timed(command, env, 1))
        base.append(timed(baseline, env, 1))
    return statistics.median(mine), statistics.median(base)


def peak_rss_mb(command: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of one child process, in MB (Linux reports ru_maxrss in KiB)."""
    script = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
              "stderr=subprocess.DEVNULL, check=True); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", script, *command], env=env, capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip()) / 1024


# --- inputs ------------------------------------------------------------------------------------


def graded_replies(path: Path, count: int, rng: random.Random) -> None:
    """`count` replies to the bundled objections, built from our graded sets with varied details, so
    no two rows are the same."""
    rows = [json.loads(line) for name in sorted((ROOT / "tests" / "data").glob("graded*.jsonl"))
            for line in name.open(encoding="utf-8")]
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            row = rng.choice(rows)
            extra = f" {rng.choice(WORDS_RU if row['lang'] == 'ru' else WORDS_EN)} {n}."
            out.write(json.dumps({"objection": row["objection"], "lang": row["lang"],
                                  "reply": row["reply"] + extra}, ensure_ascii=False) + "\n")


def history_export(path: Path, attempts: int, rng: random.Random, objection_ids: list[str]) -> None:
    """`attempts` attempts by 20 operators over the last 90 days, in sessions of ten, written as
    `objcoach export` writes them."""
    operators = [f"operator{n:02d}" for n in range(20)]
    start = time.time() - 90 * 86400
    with path.open("w", encoding="utf-8") as out:
        for n in range(attempts):
            operator = operators[(n // 10) % len(operators)]
            when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start + n * (90 * 86400 / attempts)))
            score = rng.randint(0, 100)
            row = {"format": 1, "id": f"bench-{n:07d}", "session_id": f"bench-session-{n // 10:06d}",
                   "operator": operator, "objection_id": rng.choice(objection_ids), "lang": "ru", "mode": "drill",
                   "created_at": when, "try_no": 1, "reply": "Понимаю вас, давайте я проверю.", "score": score,
                   "verdict": "partial", "breakdown": {}, "missed": rng.sample(STEPS, rng.randint(0, 2)),
                   "duration": 12.5, "late": False, "outcome": "scored", "disputed": False, "dispute_note": None,
                   "session_mode": "drill", "session_lang": "ru", "session_started_at": when,
                   "session_ended_at": when, "session_planned": 10, "session_average": 60}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def build_history(work: Path, env: dict[str, str], objcoach: list[str], attempts: int,
                  rng: random.Random) -> Path:
    """A history of `attempts` attempts, through `objcoach import`. objcoach commits every attempt, so the
    import runs on a memory file system where there is one (without it, each commit waits for the disk);
    the finished database is then copied to the work folder, where the timed commands read it."""
    from objcoach import load_catalog

    export = work / "history.jsonl"
    history_export(export, attempts, rng, [objection.id for objection in load_catalog().objections])
    shm = Path("/dev/shm")
    scratch = Path(tempfile.mkdtemp(prefix="objcoach-bench-", dir=shm if shm.is_dir() else work))
    try:
        db = scratch / "history.sqlite3"
        subprocess.run([*objcoach, "import", str(export), "--db", str(db)], env=env, stdout=subprocess.DEVNULL,
                       check=True)
        for part in scratch.glob("history.sqlite3*"):
            shutil.copy(part, work / part.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return work / "history.sqlite3"


# --- the run -----------------------------------------------------------------------------------

Row = tuple[str, float, str, str, str, str]  # case, value, unit, ratio, budget, met
CASES = ("startup", "lookup", "grading", "scaling", "history", "memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer runs and rows")
    parser.add_argument("--only", action="append", choices=CASES, metavar="CASE",
                        help=f"run only this case (repeatable): {', '.join(CASES)}")
    args = parser.parse_args()
    wanted = set(args.only or CASES)
    runs = 3 if args.quick else 7
    n_replies = 20_000 if args.quick else 100_000
    n_history = 100_000
    n_memory = 100_000 if args.quick else 1_000_000
    rng = random.Random(20261125)
    work = Path(tempfile.mkdtemp(prefix="objcoach-bench-"))
    results: list[Row] = []

    def row(case: str, value: float, unit: str, ratio: str = "", budget: str = "", met: bool | None = None) -> None:
        results.append((case, value, unit, ratio, budget, "" if met is None else "yes" if met else "**no**"))
        print(f"  {case}: {value:.3f} {unit} {ratio}", file=sys.stderr, flush=True)

    try:
        env = {**os.environ, "OBJCOACH_HOME": str(work / "home"), "NO_COLOR": "1"}
        for name in ("OBJCOACH_CATALOG", "OBJCOACH_DB", "OBJCOACH_LANG"):
            env.pop(name, None)
        # an installed package has its bytecode; without this, an editable install would compile every module
        # on every run (some environments set PYTHONDONTWRITEBYTECODE)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        objcoach = objcoach_command()
        print("building inputs...", file=sys.stderr)
        (work / "baseline.py").write_text(BASELINE_APP, encoding="utf-8")
        (work / "io_floor.py").write_text(IO_FLOOR, encoding="utf-8")
        replies = work / "replies.jsonl"
        graded_replies(replies, max(n_replies, 10_000), rng)  # first, always: the rows are the same whatever runs
        db = build_history(work, env, objcoach, n_history, rng) if "history" in wanted else None

        if "startup" in wanted:
            startup(work, env, objcoach, runs, row, results)
        if "lookup" in wanted:
            big_catalog_lookup(work, env, objcoach, runs, row, rng)
        if "grading" in wanted:
            grading(work, env, objcoach, replies, n_replies, row)
        if "scaling" in wanted:
            scaling(work, env, objcoach, replies, n_replies, row)

        if db is not None:
            print("history...", file=sys.stderr)
            db_env = {**env, "OBJCOACH_DB": str(db)}
            value = timed([*objcoach, "stats", "--all", "--json"], db_env, runs)
            row(f"objcoach stats --all --json, {n_history:,} attempts", value, "s", "", "≤ 0.5 s", value <= 0.5)
            value = timed([*objcoach, "report", "--format", "json"], db_env, max(3, runs // 2))
            row(f"objcoach report --format json, {n_history:,} attempts", value, "s", "", "≤ 1.5 s", value <= 1.5)
        if "memory" in wanted:
            memory(work, env, objcoach, replies, n_memory, row)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(results, runs, args.quick)


def memory(work: Path, env: dict[str, str], objcoach: list[str], replies: Path, n_memory: int,
           row: Callable[..., None]) -> None:
    """Peak memory of grade on 10,000 rows and on `n_memory` rows: it must stay flat."""
    print("memory...", file=sys.stderr)
    lines = replies.read_text(encoding="utf-8").splitlines(keepends=True)
    small, big = work / "small.jsonl", work / "big.jsonl"
    small.write_text("".join(lines[:10_000]), encoding="utf-8")
    with big.open("w", encoding="utf-8") as out:
        for n in range(n_memory):
            out.write(lines[n % len(lines)])
    rss_small = peak_rss_mb([*objcoach, "grade", str(small)], env)
    rss_big = peak_rss_mb([*objcoach, "grade", str(big)], env)
    row("peak memory of grade, 10,000 rows", rss_small, "MB")
    row(f"peak memory of grade, {n_memory:,} rows", rss_big, "MB", f"{rss_big / rss_small:.2f}× the 10k run",
        "≤ 1.5× the 10k run and ≤ 150 MB", rss_big / rss_small <= 1.5 and rss_big <= 150)


def startup(work: Path, env: dict[str, str], objcoach: list[str], runs: int, row: Callable[..., None],
            results: list[Row]) -> None:
    """Start-up cases, each run beside the baseline; its ratio is to the baseline's median of those runs."""
    print("start-up...", file=sys.stderr)
    subprocess.run([*objcoach, "list"], env=env, stdout=subprocess.DEVNULL, check=True)  # builds the catalog cache
    baseline = [sys.executable, str(work / "baseline.py")]
    startup_runs = runs * 3  # start-up times are short and noisy: more runs, each beside a baseline run
    reply = "Понимаю вас, выбор за вами. Подскажите, что для вас важно? Давайте пришлю условия?"
    bases = []
    for case, command, budget in (
        ("objcoach --help", [*objcoach, "--help"], 1.3),
        ("objcoach score ID REPLY --json", [*objcoach, "score", "bank-already-chosen", reply, "--json"], 1.3),
        ("objcoach score ID REPLY (Rich panel)", [*objcoach, "score", "bank-already-chosen", reply], 1.6),
    ):
        value, base = timed_against(command, baseline, env, startup_runs)
        bases.append(base)
        row(case, value, "s", f"{value / base:.2f}×", f"≤ {budget:g}× baseline", value / base <= budget)
    results.insert(0, ("baseline: one-command Typer app (median of the runs beside each case)",
                       statistics.median(bases), "s", "", "", ""))


def grading(work: Path, env: dict[str, str], objcoach: list[str], replies: Path, count: int,
            row: Callable[..., None]) -> None:
    """`objcoach grade` against the I/O floor: what no grader can beat, reading each row and writing a result
    row with nothing scored between. Three pairs of runs; the host's load moves both alike, so the ratio of
    their medians says how the code fares on any day."""
    print("grading...", file=sys.stderr)
    rows = replies  # `count` rows: written so in main()
    grade_command = [*objcoach, "grade", str(rows), "--jobs", "1"]  # one core: the ratio compares code, not cores
    floor_command = [sys.executable, str(work / "io_floor.py"), str(rows)]
    pairs = [(timed(grade_command, env, 1), timed(floor_command, env, 1)) for _ in range(3)]
    grade = statistics.median(g for g, _ in pairs)
    floor = statistics.median(f for _, f in pairs)
    row("I/O floor: read and write the rows, score nothing", floor, "s")
    row(f"objcoach grade, {count:,} bench rows", grade, "s", f"{grade / floor:.1f}× the I/O floor",
        "≤ 35× the I/O floor", grade / floor <= 35)
    row("grading rate (whole command, one core)", count / grade, "replies/s")


def big_catalog_lookup(work: Path, env: dict[str, str], objcoach: list[str], runs: int, row: Callable[..., None],
                       rng: random.Random) -> None:
    """`suggest` with a catalog of 10,000 more objections (the bundled ones varied, three variants and one answer
    a language each, to stay under the 20 MB a catalog may be), beside the baseline: the
    lookup's index is cached with the catalog, so a query costs little more than start-up."""
    print("lookup on a big catalog...", file=sys.stderr)
    import yaml

    from objcoach import load_catalog

    bundled = load_catalog().objections
    entries = []
    for n in range(10_000):
        source = bundled[n % len(bundled)]
        extra = {"ru": rng.choice(WORDS_RU), "en": rng.choice(WORDS_EN)}
        entries.append({
            "id": f"{source.id}-{n}",
            "client": {lang: f"{text} {extra[lang]} {n}" for lang, text in source.client.items()},
            "variants": {lang: [f"{extra[lang]} {text}" for text in texts[:3]]
                         for lang, texts in source.variants.items()},
            "context": dict(source.context), "domain": source.domain, "tags": list(source.tags),
            "difficulty": source.difficulty, "checklist": list(source.checklist),
            "answers": {lang: list(texts[:1]) for lang, texts in source.answers.items()}, "source": source.source})
    big = work / "big-catalog.yaml"
    big.write_text(yaml.safe_dump({"objections": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    baseline = [sys.executable, str(work / "baseline.py")]
    command = [*objcoach, "suggest", "у конкурентов тариф дешевле", "--catalog", str(big), "--json"]
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)  # builds the catalog's caches
    value, base = timed_against(command, baseline, env, runs * 2)
    row("objcoach suggest, 10,043 objections", value, "s", f"{value / base:.2f}×", "≤ 2× baseline", value / base <= 2)


def scaling(work: Path, env: dict[str, str], objcoach: list[str], replies: Path, count: int,
            row: Callable[..., None]) -> None:
    """`grade` and `audit` on every core against one core: the rate of --jobs N over --jobs 1, pairs of runs."""
    from objcoach.parallel import default_jobs

    jobs = default_jobs()
    print(f"scaling to {jobs} cores...", file=sys.stderr)
    rows = replies  # `count` rows: written so in main()
    chats = work / "chats.jsonl"
    sample = (ROOT / "data" / "sample_chats.jsonl").read_text(encoding="utf-8").splitlines()
    with chats.open("w", encoding="utf-8") as out:
        for n in range(max(count // 4, 2_000)):  # enough that starting the workers is a small part
            dialogue = json.loads(sample[n % len(sample)])
            dialogue["chat_id"] = f"{dialogue['chat_id']}-{n}"
            out.write(json.dumps(dialogue, ensure_ascii=False) + "\n")
    for name, command in (("grade", [*objcoach, "grade", str(rows)]), ("audit", [*objcoach, "audit", str(chats)])):
        pairs = [(timed([*command, "--jobs", "1"], env, 1), timed([*command, "--jobs", str(jobs)], env, 1))
                 for _ in range(3)]
        one = statistics.median(first for first, _ in pairs)
        every = statistics.median(second for _, second in pairs)
        wanted = 1.7 if jobs >= 2 else 1.0
        row(f"objcoach {name} --jobs {jobs} against --jobs 1", every, "s", f"{one / every:.2f}× the rate",
            f"≥ {wanted:g}× on {jobs} cores", one / every >= wanted)


def print_table(results: list[Row], runs: int, quick: bool) -> None:
    print(f"\nobjcoach benchmark{' --quick' if quick else ''}: start-up medians of {runs * 3} runs, each beside a "
          f"baseline run; Python {sys.version.split()[0]} on {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}\n")
    print("| case | median | vs baseline | budget | met |")
    print("|---|---|---|---|---|")
    for case, value, unit, ratio, budget, met in results:
        shown = f"{value:,.0f} {unit}" if unit == "replies/s" else f"{value:.3f} {unit}" if unit == "s" \
            else f"{value:.0f} {unit}"
        print(f"| {case} | {shown} | {ratio} | {budget} | {met} |")


if __name__ == "__main__":
    main()
