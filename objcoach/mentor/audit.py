"""Audit real chats: find each client turn that is a scripted objection and score the operator's reply to it.

Dialogues come as JSON lines ({chat_id, operator, started_at?, turns: [{role, text}]}) or as CSV with one row a
turn (chat_id, operator, role, text; a chat's rows next to each other). Each is read, audited and let go, so
memory stays flat on any number of them; what is kept is one small summary per operator. Pure: no printing, no
SQL (saving the findings as attempts is the CLI's, through the store).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple

from objcoach.catalog.lookup import lookup
from objcoach.catalog.model import Catalog
from objcoach.io import Row, read_rows
from objcoach.scoring.score import score_reply

ROLES = ("client", "operator")
MAX_TURNS = 10_000  # a dialogue longer than this is not a chat: refused, with its line
WEAKEST = 3  # replies quoted per operator in the summary
OUTPUT_FIELDS = ("chat_id", "operator", "turn", "objection_id", "confidence", "client", "reply", "lang", "score",
                 "verdict", "components", "techniques", "key_points", "flags", "closest_answer", "shared_words")


class Dialogue(NamedTuple):
    number: int  # the line (JSONL) or the first row (CSV) it was read from
    chat_id: str
    operator: str
    started_at: str | None
    turns: tuple[tuple[str, str], ...]  # (role, text)
    error: str = ""


# --- reading ---------------------------------------------------------------------------------------


def read_dialogues(stream: IO[bytes], name: str) -> Iterator[Dialogue]:
    """The dialogues of a JSONL or CSV stream; a malformed one is a Dialogue with an error, the rest go on. A row
    with `turns` is a whole dialogue; a row with `role` is one turn, and consecutive turns of the same chat_id
    make a dialogue (CSV, or JSON lines written one turn a line)."""
    turns: list[Row] = []
    for row in read_rows(stream, name):
        is_turn = not row.error and "role" in row.fields and "turns" not in row.fields
        if turns and (not is_turn or row.fields.get("chat_id") != turns[0].fields.get("chat_id")):
            yield from _flush(turns)
            turns = []
        if is_turn:
            turns.append(row)
            if len(turns) > MAX_TURNS:
                yield Dialogue(turns[0].number, str(row.fields.get("chat_id")), "", None, (),
                               f"row {turns[0].number}: chat with more than {MAX_TURNS} turns")
                turns = []
        else:
            yield _from_json(row)
    yield from _flush(turns)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _from_json(row: Row) -> Dialogue:
    if row.error:
        return Dialogue(row.number, "", "", None, (), row.error)
    fields = row.fields
    where = f"line {row.number}"
    chat_id, operator = _text(fields.get("chat_id")), _text(fields.get("operator"))
    if not chat_id or not chat_id.strip():
        return Dialogue(row.number, "", "", None, (), f"{where}: 'chat_id' should be a text or a number")
    if not operator or not operator.strip():
        return Dialogue(row.number, chat_id, "", None, (), f"{where}: 'operator' should be a name")
    started = fields.get("started_at")
    if started is not None and not isinstance(started, str):
        return Dialogue(row.number, chat_id, operator, None, (), f"{where}: 'started_at' should be a text")
    turns = fields.get("turns")
    if not isinstance(turns, list):
        return Dialogue(row.number, chat_id, operator, None, (), f"{where}: 'turns' should be a list")
    if len(turns) > MAX_TURNS:
        return Dialogue(row.number, chat_id, operator, None, (), f"{where}: more than {MAX_TURNS} turns")
    parsed: list[tuple[str, str]] = []
    for index, turn in enumerate(turns):
        role = turn.get("role") if isinstance(turn, dict) else None
        text = turn.get("text") if isinstance(turn, dict) else None
        if role not in ROLES or not isinstance(text, str):
            return Dialogue(row.number, chat_id, operator, None, (),
                            f"{where}: turn {index} should be {{\"role\": \"client\" or \"operator\", \"text\": ...}}")
        parsed.append((role, text))
    return Dialogue(row.number, chat_id.strip(), operator.strip(), started, tuple(parsed))


def _flush(rows: list[Row]) -> Iterator[Dialogue]:
    if not rows:
        return
    first = rows[0]
    chat_id, operator = _text(first.fields.get("chat_id")), _text(first.fields.get("operator"))
    if not chat_id or not chat_id.strip():
        yield Dialogue(first.number, "", "", None, (), f"row {first.number}: no chat_id")
        return
    if not operator or not operator.strip():
        yield Dialogue(first.number, chat_id, "", None, (), f"row {first.number}: no operator")
        return
    turns = []
    for row in rows:
        role, text = row.fields.get("role"), row.fields.get("text")
        role = role.strip().lower() if isinstance(role, str) else role
        if role not in ROLES:
            yield Dialogue(row.number, chat_id, operator, None, (),
                           f"row {row.number}: 'role' should be client or operator")
            return
        if text is not None and not isinstance(text, str):
            yield Dialogue(row.number, chat_id, operator, None, (), f"row {row.number}: 'text' should be text")
            return
        turns.append((str(role), text or ""))
    started = first.fields.get("started_at")
    started = started.strip() or None if isinstance(started, str) else None
    yield Dialogue(first.number, chat_id.strip(), operator.strip(), started, tuple(turns))


# --- auditing --------------------------------------------------------------------------------------


def audit_dialogue(dialogue: Dialogue, catalog: Catalog, lang: str | None = None) -> list[dict[str, Any]]:
    """One row for each client turn that is confidently a scripted objection and that the operator answered:
    the operator's next turn scored against it."""
    found_rows = []
    turns = dialogue.turns
    for index, (role, text) in enumerate(turns):
        if role != "client" or not text.strip():
            continue
        found = lookup(catalog, text, limit=1)
        if not found or not found[0].confident:
            continue
        reply = next((later for who, later in turns[index + 1:] if who == "operator"), None)
        if reply is None:
            continue  # the chat ended on the client's words: nothing of the operator's to score
        match = found[0]
        objection = catalog.get(match.objection_id)
        if objection is None:
            continue
        result = score_reply(reply, objection, catalog, lang)
        found_rows.append({"chat_id": dialogue.chat_id, "operator": dialogue.operator, "turn": index,
                           "objection_id": match.objection_id, "confidence": round(match.confidence, 3),
                           "client": text, "reply": reply, **result.to_dict(),
                           **({"started_at": dialogue.started_at} if dialogue.started_at else {})})
    return found_rows


def audit_batch(catalog: Catalog, dialogues: list[Dialogue], lang: str | None = None,
                ) -> list[tuple[Dialogue, list[dict[str, Any]]]]:
    """Each dialogue with the rows found in it (none for a dialogue that could not be read)."""
    return [(dialogue, [] if dialogue.error else audit_dialogue(dialogue, catalog, lang)) for dialogue in dialogues]


class OperatorSummary:
    """What an audit found for one operator: counts, the average, the steps missed most, the weakest replies."""

    __slots__ = ("dialogues", "found", "missed", "total", "verdicts", "weakest")

    def __init__(self) -> None:
        self.dialogues = 0
        self.found = 0
        self.total = 0
        self.missed: Counter[str] = Counter()
        self.verdicts: Counter[str] = Counter()
        self.weakest: list[tuple[int, int, dict[str, Any]]] = []  # a max-heap by -score of the lowest

    def add(self, row: dict[str, Any]) -> None:
        self.found += 1
        self.total += row["score"]
        self.verdicts[row["verdict"]] += 1
        self.missed.update(row["techniques"]["missed"])
        quoted = {key: row[key] for key in ("chat_id", "turn", "objection_id", "client", "reply", "score")}
        item = (-row["score"], -self.found, quoted)
        if len(self.weakest) < WEAKEST:
            heapq.heappush(self.weakest, item)
        elif item > self.weakest[0]:
            heapq.heapreplace(self.weakest, item)

    def to_dict(self, operator: str) -> dict[str, Any]:
        return {"operator": operator, "dialogues": self.dialogues, "objections": self.found,
                "average": round(self.total / self.found, 1) if self.found else None,
                "verdicts": dict(self.verdicts),
                "missed_most": [{"technique": name, "times": times} for name, times in self.missed.most_common(3)],
                "weakest": [quoted for _, _, quoted in sorted(self.weakest, reverse=True)]}


class Audit:
    """Audits dialogues one by one and keeps the per-operator summary; the found rows stream out."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.operators: dict[str, OperatorSummary] = {}
        self.dialogues = 0
        self.errors: list[str] = []
        self.error_count = 0

    def run(self, dialogues: Iterable[Dialogue], jobs: int = 1, extra: Sequence[Path] | None = None,
            large: bool = False) -> Iterator[dict[str, Any]]:
        """The rows found, dialogue by dialogue in input order (audited in `jobs` processes when many)."""

        from objcoach.parallel import ordered_map

        audited = ordered_map(audit_batch, self.catalog, dialogues, jobs, extra, large)
        for dialogue, rows in audited:
            if dialogue.error:
                self.error_count += 1
                if len(self.errors) < 20:
                    self.errors.append(dialogue.error)
                continue
            yield from self.take(dialogue, rows)

    def take(self, dialogue: Dialogue, rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Count a dialogue audited (here or in a worker) and pass its rows on."""
        self.dialogues += 1
        summary = self.operators.setdefault(dialogue.operator, OperatorSummary())
        summary.dialogues += 1
        for row in rows:
            summary.add(row)
            yield row

    def summary(self) -> dict[str, Any]:
        operators = [summary.to_dict(name) for name, summary in sorted(self.operators.items())]
        found = sum(item["objections"] for item in operators)
        return {"dialogues": self.dialogues, "objections": found, "errors": self.error_count,
                "error_examples": self.errors, "operators": operators}
