"""What a person sees, compared byte for byte with stored files in tests/snapshots/.

The score panel (Russian and English, plain text at a fixed width) and the mentor's report (Markdown in
both languages, HTML in Russian) over a small history written here with fixed ids and dates and brought
in through `objcoach import`. Everything runs through the command line, so these hold across any change
inside the package; a difference means a person would see something different. The README's "Use from
Python" example is run as a user would run it, and what it prints is compared with the output shown
under it in the README.

The one thing that depends on the day the tests run is the end of the report's period (today): the
normaliser below replaces today's date, and any full timestamp, with a placeholder.

When a change is meant to alter what is shown, rewrite the stored files (and the README's shown output)
and review them with `git diff`:

    OBJCOACH_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from conftest import run_cli

SNAPSHOTS = Path(__file__).parent / "snapshots"
README = Path(__file__).parent.parent / "README.md"
UPDATE = os.environ.get("OBJCOACH_UPDATE_SNAPSHOTS") == "1"
WIDTH = {"COLUMNS": "100", "NO_COLOR": "1"}

PANEL_REPLIES = {
    # partial: what worked, what to add with example phrases, a retry prompt, the points, the model answer
    "ru": "Понимаю вас. А какой банк вы выбрали?",
    # fail: the rephrased question and a hint instead of a retry prompt
    "en": "Okay, but our card is better, you should switch.",
}

# (operator, session, mode, lang, day, objection, reply, dispute note or None)
HISTORY = [
    ("anna", "s-anna-1", "drill", "ru", "2026-11-02T09:00", "bank-already-chosen",
     "Понимаю вас. А какой банк вы выбрали?", None),
    ("anna", "s-anna-1", "drill", "ru", "2026-11-02T09:02", "bank-already-chosen",
     "Понимаю вас, выбор за вами. Подскажите, что было главным? Кэшбэк у нас до 5%, давайте пришлю условия?", None),
    ("anna", "s-anna-1", "drill", "ru", "2026-11-02T09:05", "too-expensive", "не знаю", None),
    ("anna", "s-anna-2", "exam", "ru", "2026-11-03T18:30", "need-to-think",
     "Конечно, подумайте. Что вас смущает?", None),
    ("anna", "s-anna-2", "exam", "ru", "2026-11-03T18:31", "telecom-internet-down",
     "Приношу извинения! Вижу сбой на линии, мастер приедет завтра.", None),
    ("ben", "s-ben-1", "drill", "en", "2026-11-02T14:00", "bank-already-chosen",
     "Fair point & <b>your</b> choice. What mattered most? Shall I send the terms?", "I did ask a question"),
    ("ben", "s-ben-1", "drill", "en", "2026-11-02T14:03", "send-to-email", "Sure, what's your email?", None),
]


def normalise(text: str) -> str:
    """Today's date (the report's period ends today) and any full timestamp, masked."""
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?", "<timestamp>", text)
    for today in {date.today().isoformat(), datetime.now(timezone.utc).date().isoformat()}:
        text = text.replace(today, "<today>")
    return text


def check(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    assert path.exists(), f"{path} is missing: run with OBJCOACH_UPDATE_SNAPSHOTS=1 to write it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from the stored snapshot (see the module docstring to update it)"


def cli(*args: str, stdin: str | None = None) -> str:
    code, out, err = run_cli(*args, stdin=stdin, env=WIDTH)
    assert code == 0, err or out
    return out


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_score_panel(lang: str) -> None:
    out = cli("score", "bank-already-chosen", PANEL_REPLIES[lang], "--lang", lang)
    check(f"score_panel_{lang}.txt", normalise(out))


def write_history(path: Path) -> None:
    """The attempts as `objcoach export` writes them, each scored by `objcoach score --json` under today's
    grader and catalog versions (so the report's check of every score finds them honest)."""
    from objcoach.catalog.load import load_catalog
    from objcoach.scoring.versions import entry_version, grader_version

    catalog = load_catalog()
    sessions: dict[str, list[int]] = {}
    rows = []
    for n, (operator, session, mode, lang, when, objection, reply, dispute) in enumerate(HISTORY):
        scored = json.loads(cli("score", objection, reply, "--lang", lang, "--json"))
        sessions.setdefault(session, []).append(scored["score"])
        rows.append({
            "format": 1, "id": f"attempt-{n:02d}", "session_id": session, "operator": operator,
            "objection_id": objection, "lang": lang, "mode": mode, "created_at": f"{when}:00+00:00",
            "try_no": 2 if n == 1 else 1, "reply": reply, "score": scored["score"], "verdict": scored["verdict"],
            "breakdown": scored, "missed": scored["techniques"]["missed"], "duration": 20.0 + n,
            "late": False, "outcome": "scored", "disputed": dispute is not None, "dispute_note": dispute,
            "session_mode": mode, "session_lang": lang, "session_started_at": f"{when}:00+00:00",
            "grader_version": grader_version(catalog), "entry_version": entry_version(catalog, catalog.get(objection)),
        })
    for row in rows:
        scores = sessions[row["session_id"]]
        average = round(sum(scores) / len(scores), 1)
        exam = row["mode"] == "exam"
        row.update(session_ended_at=row["session_started_at"], session_planned=len(scores),
                   session_average=average, session_passed=(average >= 70) if exam else None,
                   session_pass_mark=70 if exam else None)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


@pytest.fixture
def history(tmp_path: Path) -> None:
    export = tmp_path / "practice.jsonl"
    write_history(export)
    cli("import", str(export))


@pytest.mark.parametrize(("fmt", "lang"), [("md", "en"), ("md", "ru"), ("html", "ru")])
def test_report(history: None, fmt: str, lang: str) -> None:
    out = cli("report", "--format", fmt, "--lang", lang)
    check(f"report_{lang}.{fmt}", normalise(out))


def readme_example() -> tuple[str, str, str]:
    """The README's "Use from Python" section, its Python example and the output shown under it."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r"## Use from Python\n.*?```python\n(.*?)```\n.*?```text\n(.*?)```", text, re.DOTALL)
    assert found, "the README has no Python example followed by its output under \"## Use from Python\""
    return text, found.group(1), found.group(2)


def test_readme_python_example(tmp_path: Path) -> None:
    text, example, shown = readme_example()
    cli("drill", "--count", "2", "--seed", "1", "--operator", "anna", "--lang", "ru",
        stdin="Понимаю вас. Подскажите, что для вас важно?\nне знаю\n")
    done = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr
    if UPDATE:
        README.write_text(text.replace(f"```text\n{shown}```", f"```text\n{done.stdout}```", 1), encoding="utf-8")
        return
    assert done.stdout == shown
