"""Move attempts between machines as JSONL: a trainee exports, a mentor imports.

Every attempt keeps its id, so importing the same file twice adds nothing the second time. A
malformed line is reported with its number and the rest is imported; attempts for objections this
catalog doesn't know are kept (the catalog may arrive later) and listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from objcoach import io
from objcoach.catalog.model import Catalog
from objcoach.io import jsonl_rows
from objcoach.store.history import Store, StoreError

FORMAT_VERSION = 1
REQUIRED = ("id", "operator", "objection_id", "lang", "mode", "created_at", "try_no", "reply")
CSV_COLUMNS = ("id", "created_at", "operator", "objection_id", "lang", "mode", "try_no", "reply", "score", "verdict",
               "duration", "late", "outcome", "disputed", "dispute_note", "session_id")


def export_rows(store: Store, operator: str | None, since: str | None) -> Iterator[dict[str, Any]]:
    for row in store.export_rows(operator, since):
        row["breakdown"] = json.loads(row["breakdown"] or "{}")
        row["missed"] = json.loads(row["missed"] or "[]")
        row["late"] = bool(row["late"])
        row["disputed"] = bool(row["disputed"])
        yield {"format": FORMAT_VERSION, **row}


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

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "skipped": self.skipped, "errors": self.errors, "unknown_objections": self.unknown}


def import_lines(store: Store, stream: IO[bytes], catalog: Catalog | None) -> ImportResult:
    result = ImportResult()
    for parsed in jsonl_rows(stream):
        number, row = parsed.number, parsed.fields
        problem = parsed.error or _problem(row)
        if problem:
            result.errors.append(problem if parsed.error else f"line {number}: {problem}")
            continue
        try:
            added = store.import_row(row)
        except StoreError as error:
            result.errors.append(f"line {number}: {error}")
            continue
        if added:
            result.added += 1
            if catalog is not None and catalog.get(row["objection_id"]) is None:
                result.unknown[row["objection_id"]] = result.unknown.get(row["objection_id"], 0) + 1
        else:
            result.skipped += 1
    return result


def _problem(row: Any) -> str:
    if not isinstance(row, dict):
        return "should be a JSON object"
    missing = [name for name in REQUIRED if row.get(name) in (None, "") and name != "reply"]
    if "reply" not in row:
        missing.append("reply")
    if missing:
        return f"missing {', '.join(missing)}"
    if row.get("format", FORMAT_VERSION) > FORMAT_VERSION:
        return f"written by a newer objcoach (format {row['format']})"
    if not isinstance(row.get("try_no"), int):
        return "try_no should be a whole number"
    if row.get("score") is not None and not isinstance(row["score"], int):
        return "score should be a whole number or null"
    return ""
