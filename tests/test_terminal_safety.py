"""Text from a catalog, a reply, a file name or the history reaches the terminal as characters, never as
commands to it: every path that prints is walked with hostile content (escape sequences that set the window
title or clear the screen, an 8-bit CSI, a bidi override, a carriage return), and no raw control or bidi
character may come out."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from objcoach.printable import json_printable, printable

PAYLOAD = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e\r"
# a control character other than \n and \t, or a bidi control
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _q(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def hostile_catalog() -> str:
    """A valid team catalog whose every text carries the payload: a technique (title, why, examples), an
    objection (client, context, domain, tags, key point, answer, tips, source), and one whose model answer
    fails the self-test."""
    p = PAYLOAD
    return f"""\
techniques:
  hostile:
    title: {{ru: {_q("Хитрость" + p)}, en: {_q("Trick" + p)}}}
    why: {{ru: {_q("Потому что" + p)}, en: {_q("Because" + p)}}}
    markers: {{ru: [секретное слово], en: [secret word]}}
    examples: {{ru: [{_q("Скажите секретное слово" + p)}], en: [{_q("Say the secret word" + p)}]}}
objections:
  - id: hostile-one
    client: {{ru: {_q("Мне не нужна ваша хитрая карта" + p)}, en: {_q("I do not need your tricky card" + p)}}}
    context: {{ru: {_q("Звонок" + p)}, en: {_q("A call" + p)}}}
    domain: {_q("bank" + p)}
    tags: [{_q("tag" + p)}]
    checklist: [acknowledge, hostile, clarify]
    key_points:
      ru: [{_q("бесплатный кэшбэк" + p)}]
      en: [{_q("free cashback" + p)}]
    answers:
      ru: [{_q("Понимаю вас. Скажите секретное слово: бесплатный кэшбэк. Что для вас важно?" + p)}]
      en: [{_q("I understand. Say the secret word: free cashback. What matters to you?" + p)}]
    tips: {{ru: {_q("Совет" + p)}, en: {_q("A tip" + p)}}}
    source: {_q("source" + p)}
  - id: hostile-weak  # its answer fails the self-test, which names the key point it misses
    client: {{ru: {_q("Не звоните мне" + p)}}}
    checklist: [hostile]
    key_points: {{ru: [{_q("скидка двадцать процентов" + p)}]}}
    answers: {{ru: [{_q("Хорошо." + p)}]}}
"""


def hostile_attempts() -> str:
    """Exported attempts of an operator whose name, objection id, reply and dispute note carry the payload."""
    rows = []
    for number, (operator, objection) in enumerate([("anna" + PAYLOAD, "bank-already-chosen"),
                                                    ("anna" + PAYLOAD, "ghost" + PAYLOAD),
                                                    ("boris", "hostile-one")]):
        rows.append({"id": f"attempt-{number}", "operator": operator, "objection_id": objection, "lang": "ru",
                     "mode": "drill", "created_at": "2026-12-05T10:00:00+00:00", "try_no": 1,
                     "reply": "мой ответ" + PAYLOAD, "score": 20 + number, "verdict": "fail",
                     "disputed": number == 0, "dispute_note": "заметка" + PAYLOAD, "session_id": f"s{number}"})
    return "".join(json.dumps(row) + "\n" for row in rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A home whose catalog and history are full of payloads; the outputs of the commands that set it up."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.yaml").write_text(hostile_catalog(), encoding="utf-8")
    (folder / "attempts.jsonl").write_text(hostile_attempts(), encoding="utf-8")
    (folder / "keys.yaml").write_text(
        f"{_q('bad' + PAYLOAD + 'key')}: 1\nobjections:\n  - id: x\n    {_q('answer' + PAYLOAD)}: 1\n",
        encoding="utf-8")
    (folder / "graded.jsonl").write_text("".join(
        json.dumps({"objection": "hostile-one", "lang": "ru", "reply": reply + PAYLOAD, "grade": grade}) + "\n"
        for reply, grade in (("Понимаю вас. Скажите секретное слово: бесплатный кэшбэк.", 0),
                             ("нет", 3), ("Понимаю. Что для вас важно?", 1))), encoding="utf-8")
    (folder / "entry.yaml").write_text(
        f"id: hostile-new\nclient: {{ru: {_q('Дорого' + PAYLOAD)}}}\nanswers: {{ru: [{_q('Понимаю' + PAYLOAD)}]}}\n",
        encoding="utf-8")
    env = {"OBJCOACH_HOME": str(folder / "home"), "OBJCOACH_CATALOG": str(folder / "hostile.yaml"),
           "OBJCOACH_DB": None, "OBJCOACH_LANG": None, "NO_COLOR": "1"}
    setup = {
        "import": run_cli("import", str(folder / "attempts.jsonl"), env=env),
        "assign": run_cli("assign", "--operator", "eve" + PAYLOAD, "--id", "hostile-one", "--due", "7d", env=env),
    }
    # import refuses a name or an id with control characters in it; a history written some other way (an older
    # objcoach, a hand-edited file) may still hold them, and every reading path must print them safely
    from objcoach.store.base import Attempt
    from objcoach.store.history import Store

    with Store(folder / "home" / "history.sqlite3") as store:
        for operator, objection in (("anna" + PAYLOAD, "bank-already-chosen"), ("anna" + PAYLOAD, "ghost" + PAYLOAD)):
            session = store.start_session(operator, "drill", "ru", 1, None, "2026-12-05T10:00:00+00:00")
            store.add_attempt(Attempt(session, operator, objection, "ru", "drill", 1, "мой ответ" + PAYLOAD, 20,
                                      "fail", {}, ["hostile"], 1.0, "2026-12-05T10:00:00+00:00", disputed=True,
                                      dispute_note="заметка" + PAYLOAD))
    return {"folder": folder, "env": env, "setup": setup}


# Every path that prints what a user or a catalog wrote: (name, arguments, stdin). {folder} is the
# fixture's folder; PAYLOAD in an argument stands for a file name or an option value a user typed.
PATHS: list[tuple[str, list[str], str | None]] = [
    ("score panel with what to add (ru)", ["score", "hostile-one", "Понимаю вас", "--lang", "ru"], None),
    ("score panel with what to add (en)", ["score", "hostile-one", "I understand", "--lang", "en"], None),
    ("score text from stdin", ["score", "hostile-one", "--lang", "ru"], "Понимаю вас" + PAYLOAD),
    ("score --json", ["score", "hostile-one", "Понимаю вас" + PAYLOAD, "--json"], None),
    ("drill: reply echo, hint, feedback, summary",
     ["drill", "--id", "hostile-one", "--lang", "ru", "--retries", "0", "--operator", "t"],
     "/hint\nПонимаю вас" + PAYLOAD + "\n"),
    ("drill: model answer", ["drill", "--id", "hostile-one", "--lang", "en", "--operator", "t"], "/answer\n"),
    ("exam summary", ["exam", "--id", "hostile-one", "--lang", "ru", "--count", "1", "--operator", "t"], "нет\n"),
    ("show", ["show", "hostile-one", "--lang", "ru"], None),
    ("list", ["list", "--lang", "en"], None),
    ("techniques", ["techniques", "--lang", "ru"], None),
    ("suggest", ["suggest", "хитрая", "карта"], None),
    ("history", ["history", "--all"], None),
    ("stats", ["stats", "--all"], None),
    ("stats --team", ["stats", "--team"], None),
    ("leaderboard", ["leaderboard"], None),
    ("report markdown to stdout", ["report"], None),
    ("report html to stdout", ["report", "--format", "html"], None),
    ("report csv to stdout", ["report", "--format", "csv"], None),
    ("report json to stdout", ["report", "--format", "json"], None),
    ("assignments", ["assignments"], None),
    ("review, interactive", ["review", "--lowest", "5"], "s\ns\ns\n"),
    ("review --json", ["review", "--json"], None),
    ("validate: YAML keys", ["validate", "{folder}/keys.yaml", "--no-self-test"], None),
    ("validate: catalog texts and self-test", ["validate", "{folder}/hostile.yaml"], None),
    ("calibrate: worst rows", ["calibrate", "{folder}/graded.jsonl"], None),
    ("add: preview", ["add", "--to", "{folder}/team.yaml", "--from", "{folder}/entry.yaml", "--dry-run"], None),
    ("error: catalog file name", ["validate", "PAYLOAD.yaml"], None),
    ("error: input file name", ["grade", "PAYLOAD.jsonl"], None),
    ("error: --catalog file name", ["score", "-c", "PAYLOAD.yaml", "hostile-one", "ответ"], None),
    ("error: import file name", ["import", "PAYLOAD.jsonl"], None),
    ("error: objection words", ["score", "PAYLOAD", "ответ"], None),
    ("error: option value", ["stats", "--since", "PAYLOAD"], None),
]


def assert_printable(output: str) -> None:
    found = UNSAFE.findall(output)
    assert not found, f"raw control or bidi characters reached the terminal: {found!r} in {output!r}"


@pytest.mark.parametrize(("args", "stdin"), [(args, stdin) for _, args, stdin in PATHS],
                         ids=[name for name, _, _ in PATHS])
def test_no_control_or_bidi_character_reaches_the_terminal(hostile: dict[str, Any], args: list[str],
                                                           stdin: str | None) -> None:
    args = [arg.replace("{folder}", str(hostile["folder"])).replace("PAYLOAD", "pwned" + PAYLOAD)
            for arg in args]
    _, out, err = run_cli(*args, stdin=stdin, env=hostile["env"])
    assert "pwned" in out + err, (out, err)  # the path really printed the hostile text...
    assert_printable(out + err)  # ...as characters


@pytest.mark.parametrize("step", ["import", "assign"])
def test_import_and_assign_messages_are_printable(hostile: dict[str, Any], step: str) -> None:
    """import names the lines it refuses (their names and ids carry the payload); assign names the operator."""
    code, out, err = hostile["setup"][step]
    assert code == (1 if step == "import" else 0), err
    assert "pwned" in out + err
    assert_printable(out + err)


def test_control_characters_are_shown_and_bidi_controls_removed() -> None:
    assert printable("a\x1b[2J\x9b31m\x07\r\x7fb") == "a\\x1b[2J\\x9b31m\\x07\\x0d\\x7fb"
    assert printable("x\u202ey\u2066z\u200f\u061c") == "xyz"
    assert printable("строка\n\tвторая") == "строка\n\tвторая"


def test_no_unsafe_character_gets_past_the_quick_check() -> None:
    """printable() skips the translate for text it finds clean; no control or bidi character is let through."""
    for code in range(0x3000):
        for text in (chr(code), f"строка{chr(code)}\n\tещё"):
            assert_printable(printable(text))
            assert_printable(json_printable(json.dumps(text, ensure_ascii=False)))


def test_json_output_stays_the_same_value_and_is_printable() -> None:
    value = {"reply": PAYLOAD + "\x85\u2028 ok"}
    dumped = json_printable(json.dumps(value, ensure_ascii=False))
    assert_printable(dumped)
    assert json.loads(dumped) == value


class Screen(io.StringIO):
    """What a terminal would show."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("out", [Screen(), io.StringIO()], ids=["terminal", "file"])
def test_jsonl_rows_on_a_terminal_are_printable(out: io.StringIO) -> None:
    """grade and export write their rows to stdout when given no --output: on a terminal the characters
    JSON leaves raw are escaped; to a file or pipe the rows are written as they always were."""
    from objcoach.io import write_jsonl

    row = {"reply": "ответ" + PAYLOAD}
    for _ in write_jsonl([row], out):
        pass
    assert json.loads(out.getvalue()) == row
    if out.isatty():
        assert_printable(out.getvalue())
    else:
        assert out.getvalue() == json.dumps(row, ensure_ascii=False) + "\n"


def test_styled_panel_keeps_its_colours_and_cleans_the_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal Rich's own colour codes stay; the text inside is cleaned, so what remains once those
    codes are taken out has no control character."""
    from objcoach.catalog.load import bundled_catalog_path, load_files
    from objcoach.cli.render import console, score_panel
    from objcoach.scoring.coach import feedback
    from objcoach.scoring.score import score_reply

    monkeypatch.delenv("NO_COLOR", raising=False)
    path = tmp_path / "hostile.yaml"
    path.write_text(hostile_catalog(), encoding="utf-8")
    catalog = load_files([bundled_catalog_path(), path])
    objection = catalog.get("hostile-one")
    assert objection is not None
    result = score_reply("Понимаю вас", objection, catalog, "ru")
    screen = Screen()
    console(file=screen).print(score_panel(result, feedback(result, objection, catalog, "ru"), objection, "ru"))
    shown = screen.getvalue()
    styles = re.compile(r"\x1b\[[0-9;]*m")
    assert styles.search(shown), "the panel lost its colours"
    assert "pwned" in shown
    assert_printable(styles.sub("", shown))


# every character str.splitlines() ends a line at, besides \n
LINE_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def _report(text: str) -> dict[str, Any]:
    """One operator's report (the shape mentor/reports.py gives) with `text` in every user field."""
    return {
        "operator": "anna" + text, "period": {"since": None, "until": "2026-12-07T10:00:00+00:00"},
        "figures": {"attempts": 1, "sessions": 1, "average": 20.0, "streak_days": 1,
                    "exams": {"passed": 0, "taken": 0}, "trend": [{"day": "2026-12-07", "average": 20.0}],
                    "mastery": [{"objection_id": "ghost" + text, "lang": "ru" + text, "best": 20, "last": 20,
                                 "attempts": 1, "next_due": None}],
                    "weakest_replies": [{"objection_id": "ghost" + text, "lang": "ru", "score": 20,
                                         "reply": "ответ" + text}]},
        "feedback": {"observation": ["seen" + text], "impact": [], "correction": ["do" + text], "agreement": []},
    }


@pytest.mark.parametrize("breaker", [*LINE_BREAKS, "\n", "\r\n"], ids=repr)
def test_markdown_lines_and_cells_are_not_split_by_any_line_break(breaker: str) -> None:
    from objcoach.mentor.formats import to_markdown

    text = f" one{breaker}| two |{breaker}# three"
    markdown = to_markdown([_report(text)], "en")
    # no line ends anywhere but at the report's own \n
    assert markdown.splitlines() == markdown.removesuffix("\n").split("\n")
    assert_printable(markdown)
    table_rows = [line for line in markdown.split("\n") if line.startswith("|")]
    for line in table_rows:  # five cells each: a | of the user's is escaped, so it opens no cell
        assert len(re.findall(r"(?<!\\)\|", line)) == 6, line
    assert "\\| two \\|" in markdown
