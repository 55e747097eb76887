"""objcoach's benchmark: builds its own inputs, runs each case several times, prints medians and the
ratio to a baseline measured in the same run.

    python scripts/bench.py            # everything (a few minutes)
    python scripts/bench.py --quick    # smaller inputs, fewer runs, for a quick look

Run it with the Python of the environment where objcoach is installed (`.venv/bin/python`). Inputs are
written to a temporary folder and removed at the end. The machines we run on are shared and noisy:
read the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
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
DIFFLIB_GRADER = '''
import difflib, json, sys
from objcoach.catalog.load import load_catalog
from objcoach.catalog.search import resolve_objection

catalog = load_catalog()
found = {}
count = 0
for line in open(sys.argv[1], encoding="utf-8"):
    row = json.loads(line)
    if row["objection"] not in found:
        found[row["objection"]] = resolve_objection(catalog, row["objection"])[0]
    objection = found[row["objection"]]
    answers = objection.answers[row.get("lang") or "ru"]
    best = max(difflib.SequenceMatcher(None, row["reply"].lower(), a.lower()).ratio() for a in answers)
    sys.stdout.write(json.dumps({"score": round(best * 100)}) + "\\n")
    count += 1
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


def objcoach_command() -> list[str]:
    script = Path(sys.executable).with_name("objcoach")
    return [str(script)] if script.exists() else [sys.executable, "-m", "objcoach"]


def timed(command: list[str], env: dict[str, str], runs: int, stdin: bytes | None = None) -> float:
    """Median wall time of `runs` runs of a command (its output discarded)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
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


def timed_call(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb(command: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of one child process, in MB (Linux reports ru_maxrss in KiB)."""
    script = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
              "stderr=subprocess.DEVNULL, check=True); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", script, *command], env=env, capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip()) / 1024


# --- inputs ------------------------------------------------------------------------------------


def synthetic_catalog(path: Path, count: int, rng: random.Random) -> None:
    """`count` objections in both languages, shaped like the bundled ones, with the bundled techniques."""
    lines = ["version: 1", "languages: [ru, en]", "objections:"]
    for n in range(count):
        ru = rng.sample(WORDS_RU, 4)
        en = rng.sample(WORDS_EN, 4)
        lines += [
            f"  - id: synthetic-{n}",
            f'    client: {{ru: "Мне не нужна {ru[0]} {n}, у меня уже есть {ru[1]}", '
            f'en: "I don\'t need the {en[0]} {n}, I already have a {en[1]}"}}',
            f'    variants: {{ru: ["Зачем мне {ru[0]} {n}"], en: ["Why would I need the {en[0]} {n}"]}}',
            f'    context: {{ru: "Исходящий звонок: {ru[2]}", en: "Outbound call: {en[2]}"}}',
            f"    domain: {rng.choice(['bank', 'telecom', 'ecommerce', 'travel', 'service', 'proactive'])}",
            "    tags: [synthetic]",
            f"    difficulty: {rng.randint(1, 3)}",
            "    checklist: [acknowledge, clarify, benefit, next_step]",
            "    required: [acknowledge]",
            f'    key_points: {{ru: ["{ru[0]} | {ru[3]}"], en: ["{en[0]} | {en[3]}"]}}',
            "    answers:",
            f'      ru: ["Понимаю вас. Подскажите, что для вас важно в {ru[0]}? С {ru[3]} выгода до {n % 9 + 1}%. '
            f'Давайте пришлю условия?", "Согласен, {ru[1]} у вас есть. Что вас смущает? {ru[3]} бесплатно. '
            f'Хотите, оформлю?"]',
            f'      en: ["I understand. May I ask what matters to you in a {en[0]}? With {en[3]} you save up to '
            f'{n % 9 + 1}%. Shall I send the terms?", "Fair point, you have a {en[1]}. What concerns you? '
            f'{en[3]} is free. Would you like me to set it up?"]',
            '    tips: {ru: "Присоединитесь и спросите.", en: "Acknowledge and ask."}',
            "    source: synthetic",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


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


def history(path: Path, attempts: int, rng: random.Random, catalog_ids: list[str]) -> None:
    """A history of `attempts` attempts by 20 operators over 90 days, written through the real schema."""
    from objcoach.store.history import Store

    with Store(path):
        pass  # creates the schema
    db = sqlite3.connect(path)
    operators = [f"operator{n:02d}" for n in range(20)]
    sessions = {}
    rows = []
    start = time.time() - 90 * 86400
    for n in range(attempts):
        operator = rng.choice(operators)
        key = (operator, n // 10)
        when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start + n * (90 * 86400 / attempts)))
        if key not in sessions:
            sessions[key] = uuid.uuid4().hex
            db.execute("INSERT INTO sessions (id, operator, mode, lang, started_at, ended_at, planned, average) "
                       "VALUES (?, ?, 'drill', 'ru', ?, ?, 5, 60)", (sessions[key], operator, when, when))
        score = rng.randint(0, 100)
        missed = json.dumps(rng.sample(["acknowledge", "clarify", "benefit", "next_step"], rng.randint(0, 2)))
        rows.append((uuid.uuid4().hex, sessions[key], operator, rng.choice(catalog_ids), "ru", "drill", when, 1,
                     "Понимаю вас, давайте я проверю.", score, "partial", "{}", missed, 12.5, 0, "scored", 0, None))
    db.executemany("INSERT INTO attempts (id, session_id, operator, objection_id, lang, mode, created_at, try_no, "
                   "reply, score, verdict, breakdown, missed, duration, late, outcome, disputed, dispute_note) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()


# --- the run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller inputs and fewer runs")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    n_catalog = 2_000 if args.quick else 10_000
    n_replies = 20_000 if args.quick else 100_000
    n_history = 20_000 if args.quick else 100_000
    n_memory = 100_000 if args.quick else 1_000_000
    rng = random.Random(20261125)
    work = Path(tempfile.mkdtemp(prefix="objcoach-bench-"))
    results: list[tuple[str, float, str, str, str]] = []  # case, value, unit, ratio, budget

    def row(case: str, value: float, unit: str = "s", ratio: str = "", budget: str = "") -> None:
        results.append((case, value, unit, ratio, budget))
        print(f"  {case}: {value:.3f} {unit} {ratio}", file=sys.stderr, flush=True)

    try:
        home = work / "home"
        env = {**os.environ, "OBJCOACH_HOME": str(home), "NO_COLOR": "1"}
        env.pop("OBJCOACH_CATALOG", None)
        # an installed package has its bytecode; without this, an editable install would compile every module
        # on every run (some environments set PYTHONDONTWRITEBYTECODE)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        objcoach = objcoach_command()
        print("building inputs...", file=sys.stderr)
        (work / "baseline.py").write_text(BASELINE_APP, encoding="utf-8")
        (work / "difflib_grader.py").write_text(DIFFLIB_GRADER, encoding="utf-8")
        (work / "io_floor.py").write_text(IO_FLOOR, encoding="utf-8")
        big = work / "big.yaml"
        synthetic_catalog(big, n_catalog, rng)
        replies = work / "replies.jsonl"
        graded_replies(replies, n_replies, rng)
        from objcoach.catalog.load import load_catalog

        bundled_ids = [o.id for o in load_catalog().objections]
        db = work / "history.sqlite3"
        history(db, n_history, rng, bundled_ids)

        print("start-up...", file=sys.stderr)
        subprocess.run([*objcoach, "list"], env=env, stdout=subprocess.DEVNULL, check=True)  # warm the cache
        baseline = [sys.executable, str(work / "baseline.py")]
        startup_runs = runs * 3  # start-up times are short and noisy: more runs, each beside a baseline run
        bases = []
        reply = "Понимаю вас, выбор за вами. Подскажите, что для вас важно? Давайте пришлю условия?"
        big_env = {**env, "OBJCOACH_CATALOG": str(big)}
        subprocess.run([*objcoach, "suggest", "не нужна карта", "--json"], env=big_env, stdout=subprocess.DEVNULL,
                       check=True)  # the first run builds the big catalog's cache; the second run is timed
        for case, command, case_env, budget in (
            ("objcoach --help", [*objcoach, "--help"], env, 1.3),
            ("objcoach score ID REPLY --json", [*objcoach, "score", "bank-already-chosen", reply, "--json"], env,
             1.3),
            ("objcoach score ID REPLY (Rich panel)", [*objcoach, "score", "bank-already-chosen", reply], env, 1.6),
            (f"objcoach suggest --json, {n_catalog:,} objections, second run",
             [*objcoach, "suggest", "не нужна карта", "--json"], big_env, 2.0),
        ):
            value, base = timed_against(command, baseline, case_env, startup_runs)
            bases.append(base)
            row(case, value, "s", f"{value / base:.2f}×", f"≤ {budget:g}×")
        results.insert(0, ("baseline: one-command Typer app (median of the runs beside each case)",
                           statistics.median(bases), "s", "", ""))

        print("catalog loading...", file=sys.stderr)
        load = ("import sys, time; from pathlib import Path; from objcoach.catalog import load_catalog; "
                "t = time.perf_counter(); load_catalog([Path(sys.argv[1])]); print(time.perf_counter() - t)")

        def load_time(fresh: bool) -> float:
            if fresh:
                shutil.rmtree(home / "cache", ignore_errors=True)
            out = subprocess.run([sys.executable, "-c", load, str(big)], env=env, capture_output=True, text=True,
                                 check=True)
            return float(out.stdout.strip())

        first = statistics.median(load_time(True) for _ in range(max(1, runs // 2)))
        load_time(False)
        again = statistics.median(load_time(False) for _ in range(runs))
        row(f"load the {n_catalog:,}-objection catalog, first run", first, "s", "", "≤ 3 s")
        row(f"load the {n_catalog:,}-objection catalog, unchanged since", again, "s", "", "≤ 0.1 s")

        print("grading...", file=sys.stderr)
        # Three runs (the median shrugs off one slowed by the host's other load), each beside a run of the I/O
        # floor: what no grader can beat, reading each row and writing a result row with nothing scored
        # between. The host's load moves both alike, so their ratio says how the code fares on any day.
        grade_command = [*objcoach, "grade", str(replies)]
        floor_command = [sys.executable, str(work / "io_floor.py"), str(replies)]
        pairs = [(timed(grade_command, env, 1), timed(floor_command, env, 1)) for _ in range(max(1, runs // 2))]
        grade = statistics.median(g for g, _ in pairs)
        floor = statistics.median(f for _, f in pairs)
        per_reply = grade / n_replies
        sample = work / "sample.jsonl"
        n_sample = min(5_000, n_replies)
        with replies.open(encoding="utf-8") as source, sample.open("w", encoding="utf-8") as out:
            for _, line in zip(range(n_sample), source, strict=False):
                out.write(line)
        difflib_time = timed([sys.executable, str(work / "difflib_grader.py"), str(sample)], env, 1)
        difflib_per_reply = difflib_time / n_sample
        row(f"objcoach grade, {n_replies:,} replies", grade, "s", f"{difflib_per_reply / per_reply:.1f}× faster "
            "than difflib", "≥ 100× faster")
        row("grading rate (whole command, one core)", n_replies / grade, "replies/s", "", "≥ 5,000/s")
        row("I/O floor: read and write the rows, score nothing", floor, "s",
            f"difflib is {difflib_per_reply / (floor / n_replies):.0f}× slower than this", "")
        row("objcoach grade over the I/O floor (median of the paired runs)",
            statistics.median(g / f for g, f in pairs), "×", "", "")

        print("history...", file=sys.stderr)
        db_env = {**env, "OBJCOACH_DB": str(db)}
        value = timed([*objcoach, "stats", "--all", "--json"], db_env, runs)
        row(f"objcoach stats --all --json, {n_history:,} attempts", value, "s", "", "≤ 0.5 s")
        value = timed([*objcoach, "report", "--format", "json"], db_env, max(1, runs // 2))
        row(f"objcoach report --format json, {n_history:,} attempts", value, "s", "", "≤ 1.5 s")

        print("growth...", file=sys.stderr)
        growth(work, env, objcoach, rng, runs, row, args.quick)

        print("memory...", file=sys.stderr)
        rows_file = work / "million.jsonl"
        with rows_file.open("w", encoding="utf-8") as out, replies.open(encoding="utf-8") as source:
            lines = source.readlines()
            for n in range(n_memory):
                out.write(lines[n % len(lines)])
        small = work / "small.jsonl"
        small.write_text("".join(lines[:10_000]), encoding="utf-8")
        rss_small = peak_rss_mb([*objcoach, "grade", str(small)], env)
        rss_big = peak_rss_mb([*objcoach, "grade", str(rows_file)], env)
        row("peak memory of grade, 10,000 rows", rss_small, "MB")
        row(f"peak memory of grade, {n_memory:,} rows", rss_big, "MB", f"{rss_big / rss_small:.2f}× the 10k run",
            "≤ 150 MB, flat")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(results, runs)


def growth(work: Path, env: dict[str, str], objcoach: list[str], rng: random.Random, runs: int,
           row: Callable[..., None], quick: bool) -> None:
    """How grading time per reply and stats time grow with catalog and history size."""
    from objcoach.catalog.load import load_catalog
    from objcoach.scoring.score import score_reply

    replies = ["Понимаю вас. Подскажите, что для вас важно? Давайте пришлю условия?",
               "I understand. What matters to you? Shall I send the terms?"]
    for size in (100, 1_000) if quick else (100, 1_000, 10_000):
        path = work / f"catalog-{size}.yaml"
        synthetic_catalog(path, size, rng)
        catalog = load_catalog([path])
        objections = [o for o in catalog.objections if o.id.startswith("synthetic-")][:200]

        def grade_some(catalog: object = catalog, objections: list = objections) -> None:  # type: ignore[type-arg]
            for n, objection in enumerate(objections):
                score_reply(replies[n % 2], objection, catalog, "ru" if n % 2 == 0 else "en")  # type: ignore[arg-type]

        value = timed_call(grade_some, runs) / len(objections)
        row(f"grading time per reply, catalog of {size:,}", value * 1e6, "µs")
    for size in (1_000, 10_000) if quick else (1_000, 10_000, 100_000):
        db = work / f"history-{size}.sqlite3"
        history(db, size, rng, ["bank-already-chosen", "too-expensive", "need-to-think"])
        value = timed([*objcoach, "stats", "--all", "--json"], {**env, "OBJCOACH_DB": str(db)}, runs)
        row(f"stats time, {size:,} attempts", value, "s")


def print_table(results: list[tuple[str, float, str, str, str]], runs: int) -> None:
    print(f"\nobjcoach benchmark — medians of up to {runs} runs; {sys.version.split()[0]} on {os.cpu_count()} "
          f"cores; {time.strftime('%Y-%m-%d')}\n")
    print("| case | median | vs baseline | budget |")
    print("|---|---|---|---|")
    for case, value, unit, ratio, budget in results:
        shown = f"{value:,.0f} {unit}" if unit in ("replies/s", "µs") else f"{value:.3f} {unit}" if unit == "s" \
            else f"{value:.1f}{unit}" if unit == "×" else f"{value:.0f} {unit}"
        print(f"| {case} | {shown} | {ratio} | {budget} |")


if __name__ == "__main__":
    main()
