"""Move attempts between machines as JSONL: a trainee exports, a mentor imports; the mentor's reviews go back
the same way, each carried by the attempt it is about.

Every attempt keeps its id, so importing the same file twice adds nothing the second time (a review is added
to an attempt already here, once; a later decision replaces an earlier one). Every field
of a line is checked (types, ranges, ids, ISO 8601 times, JSON, lengths) before anything is stored; a
line that fails is reported with its number and field and the rest is imported. Attempts for objections
this catalog doesn't know are kept (the catalog may arrive later) and listed. Export writes only what
import would accept, leaving out (with a warning) a row stored oddly before these checks.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from objcoach import io
from objcoach.catalog.model import ENDS, LANGS, Catalog
from objcoach.errors import HistoryWarning
from objcoach.io import jsonl_rows
from objcoach.mentor.review import DECISIONS
from objcoach.scoring.settings import VERDICTS
from objcoach.store.history import RowRefused, Store, StoreError, now_iso

FORMAT_VERSION = 1
REQUIRED = ("id", "operator", "objection_id", "lang", "mode", "created_at", "try_no", "reply")
CSV_COLUMNS = ("id", "created_at", "operator", "objection_id", "lang", "mode", "try_no", "reply", "score", "verdict",
               "duration", "late", "outcome", "disputed", "dispute_note", "session_id", "review", "review_grade",
               "review_comment", "reviewer", "reviewed_at", "scenario_id", "node_id", "session_outcome")


SHOWN_LEFT_OUT = 10  # attempts named in warnings; the rest are counted


def export_rows(store: Store, operator: str | None, since: str | None) -> Iterator[dict[str, Any]]:
    """The attempts as `import` reads them. One that `import` would refuse (a time that is not a time,
    a breakdown that is not JSON: stored by an older objcoach or by hand) is left out with a warning,
    so one odd row never stops the export."""
    left_out = 0
    for row in store.export_rows(operator, since):
        row = {"format": FORMAT_VERSION, **row, "breakdown": row["breakdown"] or "{}", "missed": row["missed"] or "[]"}
        try:
            checked = checked_attempt(row)
        except AttemptProblem as problem:
            left_out += 1
            if left_out <= SHOWN_LEFT_OUT:
                warnings.warn(f"attempt {_shown(row.get('id'))} left out of the export: {problem}", HistoryWarning,
                              stacklevel=2)
            continue
        yield {**row, "breakdown": checked["breakdown"], "missed": checked["missed"], "late": bool(row["late"]),
               "disputed": bool(row["disputed"])}
    if left_out > SHOWN_LEFT_OUT:
        warnings.warn(f"{left_out - SHOWN_LEFT_OUT} more attempt(s) left out of the export", HistoryWarning,
                      stacklevel=2)


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Exported attempts, one JSON line each (the form `import` reads). Returns how many."""
    return sum(1 for _ in io.write_jsonl(rows, out))


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Exported attempts as a spreadsheet: the columns a person reads, a header even for none."""
    return sum(1 for _ in io.write_csv(rows, out, CSV_COLUMNS))


@dataclass
class ImportResult:
    added: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    unknown: dict[str, int] = field(default_factory=dict)  # objection id -> attempts kept
    reviews: int = 0  # mentors' reviews added to attempts (new ones, or later decisions on ones already here)
    stopped: str = ""  # why the import stopped before the end (the database could not be written)

    def to_dict(self) -> dict[str, Any]:
        out = {"added": self.added, "skipped": self.skipped, "reviews": self.reviews, "errors": self.errors,
               "unknown_objections": self.unknown}
        return {**out, "stopped": self.stopped} if self.stopped else out


def import_lines(store: Store, stream: IO[bytes], catalog: Catalog | None) -> ImportResult:
    """Each line checked, then stored in its own transaction. A line that is wrong is reported by its number
    and the rest go on; a database that cannot be written (a full disk, an I/O error, no permission) stops
    the import at that line, keeping the attempts already committed."""
    result = ImportResult()
    identity = store.identity()
    for parsed in jsonl_rows(stream):
        number = parsed.number
        if parsed.error:
            result.errors.append(parsed.error)
            continue
        try:
            row = checked_attempt(parsed.fields)
            added = store.import_row(row)
        except AttemptProblem as problem:
            result.errors.append(f"line {number}: {problem}")
            continue
        except RowRefused as error:
            result.errors.append(f"line {number}: {error}")
            continue
        except StoreError as error:
            result.stopped = f"line {number}: {error}"
            break
        if row.get("review"):  # the mentor's feedback joins the attempt, whether it was here already or not
            if identity is not None and row["reviewer"] != identity:
                # a team's database keeps a review under the mentor who connects to make it (row-level security)
                result.errors.append(f"line {number}: review: made by {row['reviewer']}; on PostgreSQL a review "
                                     f"is stored by the mentor who makes it")
            else:
                try:
                    result.reviews += store.import_review(row)
                except RowRefused as error:
                    result.errors.append(f"line {number}: review: {error}")
                except StoreError as error:
                    result.stopped = f"line {number}: {error}"
                    break
        if added:
            result.added += 1
            if catalog is not None and catalog.get(row["objection_id"]) is None:
                result.unknown[row["objection_id"]] = result.unknown.get(row["objection_id"], 0) + 1
        else:
            result.skipped += 1
    return result


# --- what an attempt may hold ----------------------------------------------------------------------
# Every field is checked before anything is stored: a value that slipped through once would be read by
# every later stats, report and export.

MAX_ID = 64
MAX_NAME = 200
MAX_REPLY = 100_000  # 20 times what is scored; a drill stores what was typed
MAX_NOTE = 10_000
MAX_JSON = 200_000  # the breakdown as JSON text
MAX_TRY = 1_000
MAX_SECONDS = 366 * 86_400
MODES = ("drill", "exam", "roleplay")
REVIEW_DECISIONS = tuple(DECISIONS.values())
REVIEW_FIELDS = ("reviewer", "reviewed_at")  # what a review needs besides its decision
OUTCOMES = ("scored", "skipped", "answer")
_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.:-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class AttemptProblem(ValueError):
    """One field of an imported attempt cannot be stored: `field: why`."""


def _shown(value: Any) -> str:
    """A value in a message: text quoted and cut short, anything else by its kind."""
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:40] + "…")
    return {bool: "true/false", type(None): "null", list: "a list", dict: "an object"}.get(type(value), "a number")


def _text(limit: int, name_like: bool = False) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"should be text, not {_shown(value)}")
        if len(value) > limit:
            raise ValueError(f"is {len(value):,} characters long; at most {limit:,}")
        if name_like and (not value.strip() or _CONTROL.search(value)):
            raise ValueError(f"{_shown(value)} should be a name on one line")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("holds text that is not valid Unicode (an unpaired surrogate)") from None
        return value
    return check


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_ID or not _ID.fullmatch(value):
        raise ValueError(f"{_shown(value)} should be an id: up to {MAX_ID} letters, digits, '-', '_', '.', ':'")
    return value


def _choice(options: tuple[str, ...]) -> Any:
    def check(value: Any) -> str:
        if value not in options or not isinstance(value, str):
            raise ValueError(f"{_shown(value)} should be one of {', '.join(options)}")
        return value
    return check


def _whole(low: int, high: int) -> Any:
    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"should be a whole number from {low} to {high}, not {_shown(value)}")
        if not low <= value <= high:
            raise ValueError(f"should be from {low} to {high}")
        return value
    return check


def _number(low: float, high: float) -> Any:
    def check(value: Any) -> float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValueError(f"should be a number from {low:g} to {high:g}, not {_shown(value)}")
        if not low <= value <= high:  # NaN fails this too
            raise ValueError(f"should be from {low:g} to {high:g}")
        return float(value)
    return check


def _flag(value: Any) -> int:
    if value not in (True, False) or not isinstance(value, (bool, int)):  # 0 and 1 too, as older files had
        raise ValueError(f"should be true or false, not {_shown(value)}")
    return int(value)


def _time(value: Any) -> str:
    """An ISO 8601 time with its offset, stored as objcoach stores times (UTC, microseconds), so that
    text order stays time order."""
    example = "like 2026-11-01T10:00:00+00:00"
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError(f"should be an ISO 8601 time {example}, not {_shown(value)}")
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{_shown(value)} is not an ISO 8601 time {example}") from None
    if when.tzinfo is None:
        raise ValueError(f"{_shown(value)} has no time zone; write it {example}")
    try:
        return now_iso(when)
    except OverflowError:  # year 1 or 9999 moved to UTC
        raise ValueError(f"{_shown(value)} is out of range") from None


def _json_field(kind: type, item: Any = None) -> Any:
    """A JSON object (breakdown) or a list of step ids (missed), as exported or as JSON text."""
    def check(value: Any) -> Any:
        if isinstance(value, str):
            if len(value) > MAX_JSON:
                raise ValueError(f"is {len(value):,} characters long; at most {MAX_JSON:,}")
            try:
                value = json.loads(value, parse_constant=_no_constant)
            except (ValueError, RecursionError):
                raise ValueError("is text that is not valid JSON") from None
        if not isinstance(value, kind):
            raise ValueError(f"should be {'a JSON object' if kind is dict else 'a list'}, not {_shown(value)}")
        try:
            size = len(json.dumps(value, ensure_ascii=False, allow_nan=False))
        except (ValueError, RecursionError):
            raise ValueError("holds a number JSON cannot write (NaN, Infinity) or is nested too deeply") from None
        if size > MAX_JSON:
            raise ValueError(f"is {size:,} characters long as JSON; at most {MAX_JSON:,}")
        if item is not None and isinstance(value, list):
            for entry in value:
                item(entry)
        return value
    return check


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _optional(check: Any) -> Any:
    return lambda value: None if value is None else check(value)


_name = _text(MAX_NAME, name_like=True)
# field -> check (which returns the value to store); the required ones come first
FIELDS: dict[str, Any] = {
    "id": _identifier,
    "operator": _name,
    "objection_id": _name,
    "lang": _choice(LANGS),
    "mode": _choice(MODES),
    "created_at": _time,
    "try_no": _whole(1, MAX_TRY),
    "reply": _text(MAX_REPLY),
    "session_id": _optional(_identifier),
    "score": _optional(_whole(0, 100)),
    "verdict": _optional(_choice(VERDICTS)),
    "breakdown": _optional(_json_field(dict)),
    "missed": _optional(_json_field(list, _name)),
    "duration": _optional(_number(0, MAX_SECONDS)),
    "late": _optional(_flag),
    "outcome": _optional(_choice(OUTCOMES)),
    "disputed": _optional(_flag),
    "dispute_note": _optional(_text(MAX_NOTE)),
    "session_mode": _optional(_choice(MODES)),
    "session_lang": _optional(_choice(LANGS)),
    "session_started_at": _optional(_time),
    "session_ended_at": _optional(_time),
    "session_planned": _optional(_whole(0, MAX_TRY)),
    "session_average": _optional(_number(0, 100)),
    "session_passed": _optional(_flag),
    "session_pass_mark": _optional(_whole(0, 100)),
    # a roleplay call: the scenario and how the call ended; the turn's scenario and node
    "session_scenario_id": _optional(_identifier),
    "session_outcome": _optional(_choice(ENDS)),
    "scenario_id": _optional(_identifier),
    "node_id": _optional(_identifier),
    # the mentor's review of the attempt, when there is one
    "review": _optional(_choice(REVIEW_DECISIONS)),
    "review_grade": _optional(_whole(0, 3)),
    "review_comment": _optional(_text(MAX_NOTE)),
    "reviewer": _optional(_name),
    "reviewed_at": _optional(_time),
}


def checked_attempt(row: dict[str, Any]) -> dict[str, Any]:
    """The row with every known field checked and brought to the form stored; the first problem raises
    AttemptProblem naming the field. Fields this objcoach doesn't know pass as they are."""
    version = row.get("format", FORMAT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise AttemptProblem(f"format: should be a whole number (this objcoach writes {FORMAT_VERSION}), "
                             f"not {_shown(version)}")
    if version > FORMAT_VERSION:
        raise AttemptProblem(f"written by a newer objcoach (format {version})")
    missing = [name for name in REQUIRED if row.get(name) in (None, "") and name != "reply"]
    if row.get("reply") is None:
        missing.append("reply")
    if missing:
        raise AttemptProblem(f"missing {', '.join(missing)}")
    out = dict(row)
    for name, check in FIELDS.items():
        try:
            out[name] = check(row.get(name))
        except ValueError as error:
            raise AttemptProblem(f"{name}: {error}") from None
    _check_review(out)
    _check_call(out)
    return out


def _check_call(row: dict[str, Any]) -> None:
    """A roleplay turn names its scenario and node; a call's scenario and outcome belong to a roleplay session."""
    if row["mode"] == "roleplay" and (row["scenario_id"] is None or row["node_id"] is None):
        raise AttemptProblem(f"{'scenario_id' if row['scenario_id'] is None else 'node_id'}: a roleplay turn "
                             f"names its scenario and node")
    if row["mode"] != "roleplay" and (row["scenario_id"] is not None or row["node_id"] is not None):
        raise AttemptProblem(f"{'scenario_id' if row['scenario_id'] is not None else 'node_id'}: only a roleplay "
                             f"turn (mode roleplay) has a scenario and node")
    session_mode = row["session_mode"] or row["mode"]
    for name in ("session_scenario_id", "session_outcome"):
        if row[name] is not None and session_mode != "roleplay":
            raise AttemptProblem(f"{name}: only a roleplay call (session_mode roleplay) has one")


def _check_review(row: dict[str, Any]) -> None:
    """A review's fields go together: a decision with who made it and when, a grade with "graded" only."""
    if row["review"] is None:
        stray = [name for name in ("review_grade", "review_comment", *REVIEW_FIELDS) if row[name] is not None]
        if stray:
            raise AttemptProblem(f"{stray[0]}: given without a review decision (review)")
        return
    missing = [name for name in REVIEW_FIELDS if row[name] is None]
    if missing:
        raise AttemptProblem(f"review: missing {', '.join(missing)}")
    if (row["review"] == "graded") != (row["review_grade"] is not None):
        raise AttemptProblem("review_grade: a grade (0-3) goes with the decision graded, and only with it")
