"""What a drill, an exam and a roleplay call share: reading the operator's next reply between slash commands,
and the stored record of a scored (or skipped) reply. Pure: no terminal, no Rich or Typer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from objcoach.catalog.model import Catalog, Objection
from objcoach.practice.commands import COMMANDS, read_command
from objcoach.scoring.result import Score
from objcoach.scoring.versions import entry_version, grader_version
from objcoach.store.base import Attempt, History

EXAM_COMMANDS = ("/skip", "/quit", "/help")


@dataclass(frozen=True)
class Message:
    key: str  # an i18n key
    values: dict[str, object] = field(default_factory=dict)


class Stop(Exception):
    """/quit or the end of input: finish the session normally."""


class Reply(NamedTuple):
    """What the operator gave at a prompt: a reply (`command` "") or /skip or /answer, and how many /hint
    they asked for before it."""

    text: str
    command: str
    hints: int


def read_reply(ask: Callable[[str], str | None], show: Callable[[Any], None], prompt: str, exam: bool,
               hint: Callable[[], str], dispute: Callable[[str], bool]) -> Reply:
    """Ask until the operator gives a reply, /skip or /answer; /help, /hint and /dispute are answered on the
    way (`hint()` gives the next hint's text, "" for none; `dispute(note)` whether there was a reply to
    dispute). Raises Stop at /quit or the end of input (Ctrl-C passes through as KeyboardInterrupt)."""
    allowed = EXAM_COMMANDS if exam else COMMANDS
    hints = 0
    while True:
        line = ask(prompt)
        if line is None:
            raise Stop
        text = line.strip()
        if not text:
            continue
        parsed = read_command(text)
        if not parsed:
            return Reply(text, "", hints)
        command, argument = parsed
        if command not in allowed:
            key = "cmd.not_in_exam" if exam and command in COMMANDS else "cmd.unknown"
            show(Message(key, {"command": command, "commands": " ".join(allowed)}))
        elif command == "/help":
            show(Message("cmd.help_exam" if exam else "cmd.help"))
        elif command == "/quit":
            raise Stop
        elif command == "/hint":
            tip = hint()
            hints += 1
            show(Message("hint.text", {"text": tip}) if tip else Message("hint.none"))
        elif command == "/dispute":
            show(Message("dispute.saved" if dispute(argument.strip()) else "dispute.nothing"))
        else:  # /skip, /answer
            return Reply("", command, hints)


def save_attempt(store: History, catalog: Catalog, objection: Objection, result: Score | None, *, session_id: str,
                 operator: str, lang: str, mode: str, try_no: int, reply: str, seconds: float, created_at: str,
                 points: int | None = None, verdict: str | None = None, late: bool = False,
                 outcome: str = "scored", hints: int = 0, scenario_id: str | None = None,
                 node_id: str | None = None) -> str:
    """Store the record of one reply (`result` None: a skip or an answer shown), with the versions of the
    grader and of the entry it was scored against; its id."""
    points = result.score if result and points is None else points
    breakdown = result.to_dict() if result else {}
    if result and points is not None and points != result.score:
        breakdown["late_penalty"] = result.score - points
    attempt = Attempt(
        session_id=session_id, operator=operator, objection_id=objection.id, lang=lang, mode=mode, try_no=try_no,
        reply=reply, score=points if result else None, verdict=(verdict or result.verdict) if result else None,
        breakdown=breakdown, missed=list(result.techniques_missed) if result else [], duration=round(seconds, 2),
        created_at=created_at, late=late, outcome=outcome,
        grader_version=grader_version(catalog) if result else None,
        entry_version=entry_version(catalog, objection) if result else None, hints=hints,
        scenario_id=scenario_id, node_id=node_id,
    )
    store.add_attempt(attempt)
    return attempt.id
