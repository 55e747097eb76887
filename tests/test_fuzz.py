"""`grade` and `import` over generated rows: any JSON value in any field, text with lone surrogates and NUL,
numbers past 64 bits and past Python's digit limit, nesting deeper than the parser goes. Neither may end in
a traceback, and neither may lose a good row: every good row is graded or imported, every other row is
reported by its number. After any import, the history still reads (stats, export, history)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

OBJECTIONS = ("too-expensive", "bank-already-chosen", "Вы опоздали, я уже выбрал банк", "no-such-objection")

# any JSON value, small, with text of any kind (hypothesis' text leaves surrogates out: added below)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)

# lines no JSON encoder writes: they are the hostile tester's
RAW_HOSTILE = st.sampled_from([
    '{"objection": "too-expensive", "reply": "\\ud800"}',
    '{"objection": "too-expensive", "reply": "ok", "x": "\\udfff\\ud800"}',
    '{"objection": "too-expensive", "reply": "ok", "n": ' + "7" * 5000 + "}",
    '{"objection": "too-expensive", "reply": "ok", "n": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"objection": "too-expensive", "reply": "ok", "n": -Infinity}',
    '{"objection": "too-expensive", "reply": "ok", "n": 1e99999}',
    "{nope",
    "[1, 2]",
    '"just text"',
    "\x00\x00",
])


def _refuse(name: str) -> Any:
    raise AssertionError(f"{name} written where JSON has no such number")


def dumped(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False)


# --- grade ---------------------------------------------------------------------------------------

good_grade_rows = st.builds(
    lambda objection, reply, lang: {"objection": objection, "reply": reply, **({"lang": lang} if lang else {})},
    st.sampled_from(OBJECTIONS[:3]), st.text(max_size=80), st.sampled_from([None, "ru", "en", "de"]))

odd_grade_rows = st.one_of(
    RAW_HOSTILE,
    st.builds(lambda key, value: dumped({"objection": "too-expensive", "reply": "Понимаю вас", key: value}),
              st.sampled_from(["objection", "reply", "lang"]), json_values),
    st.builds(lambda value: dumped({"objection": "too-expensive", "reply": "a\x00b", "extra": value}), json_values),
    st.builds(lambda row: dumped(row), st.dictionaries(st.text(max_size=8), json_values, max_size=4)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.tuples(st.just("good"), good_grade_rows), st.tuples(st.just("odd"), odd_grade_rows)),
                min_size=1, max_size=6))
def test_grade_never_raises_and_grades_every_good_row(rows: list[tuple[str, Any]]) -> None:
    # a good row first: stdin whose first line is not a JSON object is read as CSV
    rows = [("good", {"objection": "too-expensive", "reply": "Понимаю вас"}), *rows]
    lines = [dumped(row) if kind == "good" else row for kind, row in rows]
    code, out, err = run_cli("grade", "-", stdin="\n".join(lines) + "\n")
    assert "Traceback" not in err and code in (0, 1), err
    # strict JSON out (no NaN or Infinity); not splitlines: U+0085 is text here
    graded = [json.loads(line, parse_constant=_refuse) for line in out.split("\n") if line]
    counted = [line for line in lines if line.strip()]  # a blank line is no row
    assert len(graded) == len(counted), (lines, out)
    for (kind, _), row in zip([pair for pair, line in zip(rows, lines, strict=True) if line.strip()], graded,
                              strict=True):
        if kind == "good":
            assert "error" not in row and 0 <= row["score"] <= 100, row
        elif "error" in row:
            assert row["error"].startswith(("line ", "row ")), row
    assert code == (1 if any("error" in row for row in graded) else 0)


# --- import --------------------------------------------------------------------------------------

FIELDS = ("id", "operator", "objection_id", "lang", "mode", "created_at", "try_no", "reply", "score", "verdict",
          "breakdown", "missed", "duration", "late", "outcome", "disputed", "dispute_note", "session_id",
          "session_started_at", "session_passed", "session_average", "format")


def good_attempt(n: int, reply: str) -> dict[str, Any]:
    return {"format": 1, "id": f"good-{n}", "session_id": "s-1", "operator": "anna", "objection_id": "too-expensive",
            "lang": "ru", "mode": "drill", "created_at": f"2026-12-0{1 + n % 5}T10:00:00+00:00", "try_no": 1,
            "reply": reply, "score": n % 101, "verdict": "partial", "breakdown": {"n": n}, "missed": ["clarify"],
            "duration": 3.5, "late": False, "outcome": "scored", "disputed": False, "dispute_note": None}


odd_attempts = st.one_of(
    RAW_HOSTILE,
    st.builds(lambda field, value: {"field": field, "value": value}, st.sampled_from(FIELDS), json_values),
    st.builds(lambda field, text: {"field": field, "value": text}, st.sampled_from(FIELDS),
              st.sampled_from(["not a date", "2026-13-45T99:00:00+00:00", "0001-01-01T00:00:00+14:00",
                               "not json", "[1, {}]", "{\"a\": [", "\x00", "a\x00b", "x" * 300])),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.tuples(st.just("good"), st.text(max_size=40)), st.tuples(st.just("odd"), odd_attempts)),
                min_size=1, max_size=6))
def test_import_never_raises_keeps_every_good_row_and_the_history_still_reads(rows: list[tuple[str, Any]]) -> None:
    lines, good_ids = [], set()
    for n, (kind, value) in enumerate([("good", "Понимаю вас"), *rows]):
        if kind == "good":
            lines.append(dumped(good_attempt(n, value)))
            good_ids.add(f"good-{n}")
        elif isinstance(value, str):
            lines.append(value)
        else:  # a good attempt with one field replaced (it may happen to be valid: then it is imported)
            lines.append(dumped({**good_attempt(n, "Понимаю вас"), "id": f"odd-{n}", value["field"]: value["value"]}))
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "h.sqlite3")
        code, out, err = run_cli("import", "-", "--db", db, "--json", stdin="\n".join(lines) + "\n")
        assert "Traceback" not in err and code in (0, 1), err
        result = json.loads(out)
        assert result["added"] + result["skipped"] + len(result["errors"]) == sum(1 for line in lines if line.strip())
        assert all(error.startswith("line ") for error in result["errors"]), result["errors"]
        code, out, err = run_cli("export", "--all", "--db", db)
        assert code == 0 and "Traceback" not in err, err
        exported = {json.loads(line)["id"] for line in out.split("\n") if line}
        assert good_ids <= exported
        for command in (["stats", "--all", "--json"], ["history", "--all", "--json"], ["report", "--format", "json"]):
            code, out, err = run_cli(*command, "--db", db)
            assert code == 0 and "Traceback" not in err, (command, err)
