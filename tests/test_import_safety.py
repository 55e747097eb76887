"""Import, grade and the history's reading against hostile input: every field of an imported attempt is
checked, one odd stored row never breaks stats, report, export or history, and a database that is foreign,
damaged, read-only or full is one clear message, never a traceback."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text and "Error:" not in text.replace("objcoach:", ""), text


# --- item 8: input that used to raise --------------------------------------------------------------

HOSTILE_LINES = {
    "surrogate": '{"objection": "too-expensive", "reply": "\\ud800"}',
    "surrogate key": '{"objection": "too-expensive", "reply": "ok", "\\udc00": 1}',
    "5000 digits": '{"objection": "too-expensive", "reply": "ok", "n": ' + "9" * 5000 + "}",
    "deep": '{"objection": "too-expensive", "reply": "ok", "n": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "nan": '{"objection": "too-expensive", "reply": "ok", "n": NaN}',
    "reply object": '{"objection": "too-expensive", "reply": {"a": 1}}',
    "objection list": '{"objection": ["too-expensive"], "reply": "ok"}',
    "lang number": '{"objection": "too-expensive", "reply": "ok", "lang": 5}',
}


@pytest.mark.parametrize("kind", list(HOSTILE_LINES))
def test_grade_turns_hostile_rows_into_error_rows_and_goes_on(kind: str) -> None:
    good = json.dumps({"objection": "too-expensive", "reply": "Понимаю вас, давайте сравним."})
    code, out, err = run_cli("grade", "-", stdin="\n".join([good, HOSTILE_LINES[kind], good]) + "\n")
    no_traceback(out, err)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(rows) == 3
    assert "error" not in rows[0] and "error" not in rows[2] and rows[2]["score"] >= 0
    assert rows[1]["error"].startswith(("line 2:", "row 2:")), rows[1]
    assert "graded 3 row(s), 1 with errors" in err
