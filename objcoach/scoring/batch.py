"""Rows of replies in and out: JSONL or CSV, streamed so memory stays flat on any number of rows."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any, NamedTuple

from objcoach.catalog.model import LANGS, Catalog, Objection
from objcoach.catalog.search import resolve_objection
from objcoach.errors import InputError, ObjcoachError
from objcoach.scoring.score import score_reply

OBJECTION_FIELDS = ("objection", "objection_id", "id", "client", "client_words", "objection_text")
REPLY_FIELDS = ("reply", "answer", "text", "response", "operator_reply")
CSV_OUTPUT_FIELDS = ("objection_id", "lang", "score", "verdict", "components", "techniques", "key_points",
                     "flags", "closest_answer", "error")
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class Row(NamedTuple):  # a tuple: a batch makes one a row
    number: int  # line number in the file (JSONL) or record number after the header (CSV)
    fields: dict[str, Any]
    error: str = ""


def detect_format(name: str, first_line: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    return "jsonl" if first_line.lstrip().startswith("{") else "csv"


def read_rows(stream: IO[str], name: str) -> Iterator[Row]:
    """Rows of a JSONL or CSV stream; a malformed row becomes a Row with an error, the rest go on."""
    first = stream.readline()
    while first and not first.strip():
        first = stream.readline()
    if not first:
        return
    rest = _chain(first, stream)
    if detect_format(name, first) == "jsonl":
        yield from jsonl_rows(rest)
    else:
        yield from _csv_rows(rest, name)


def _chain(first: str, stream: IO[str]) -> Iterator[str]:
    yield first
    yield from stream


def jsonl_rows(lines: Iterable[str]) -> Iterator[Row]:
    """JSON objects, one a line, numbered from 1; a malformed line becomes a Row with an error."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Row(number, {}, f"line {number}: not valid JSON ({error.msg})")
            continue
        if not isinstance(value, dict):
            yield Row(number, {}, f"line {number}: should be a JSON object")
            continue
        yield Row(number, value)


def _csv_rows(lines: Iterable[str], name: str) -> Iterator[Row]:
    reader = csv.DictReader(lines)
    if not reader.fieldnames:
        raise InputError(f"{name}: the CSV file has no header row")
    for number, record in enumerate(reader, start=2):
        if None in record:
            yield Row(number, {}, f"row {number}: more cells than the header has")
            continue
        yield Row(number, {key: value for key, value in record.items() if key is not None})


def pick(fields: dict[str, Any], names: tuple[str, ...], allow_empty: bool = False) -> str | None:
    """The first of `names` that the row has with a value (an empty text counts when allowed)."""
    for name in names:
        value = fields.get(name)
        if value is not None and (allow_empty or str(value).strip() != ""):
            return str(value)
    return None


class Resolver:
    """Resolves objection ids or words once per distinct value (grading files repeat them a lot)."""

    def __init__(self, catalog: Catalog, limit: int = 10_000) -> None:
        self.catalog = catalog
        self.cache: dict[str, tuple[Objection, str | None] | ObjcoachError] = {}
        self.limit = limit

    def __call__(self, query: str) -> tuple[Objection, str | None]:
        found = self.cache.get(query)
        if found is None:
            try:
                found = resolve_objection(self.catalog, query)
            except ObjcoachError as error:
                found = error
            if len(self.cache) >= self.limit:
                self.cache.clear()
            self.cache[query] = found
        if isinstance(found, ObjcoachError):
            raise found
        return found


def row_lang(fields: dict[str, Any], matched: str | None, forced: str | None) -> str | None:
    lang = forced or str(fields.get("lang") or "").strip().lower() or matched
    return lang if lang in LANGS else None


def grade_rows(rows: Iterable[Row], catalog: Catalog, lang: str | None = None) -> Iterator[dict[str, Any]]:
    """One output row per input row, in order: the input's fields plus the score's, or an error."""
    resolve = Resolver(catalog)
    for row in rows:
        out = dict(row.fields)
        if row.error:
            out["error"] = row.error
            yield out
            continue
        query = pick(row.fields, OBJECTION_FIELDS)
        reply = pick(row.fields, REPLY_FIELDS, allow_empty=True)
        if query is None or reply is None:
            missing = "objection" if query is None else "reply"
            out["error"] = f"row {row.number}: no {missing} field"
            yield out
            continue
        try:
            objection, matched = resolve(query)
        except ObjcoachError as error:
            out["error"] = f"row {row.number}: {error}"
            yield out
            continue
        result = score_reply(reply, objection, catalog, row_lang(row.fields, matched, lang))
        out.update(result.to_dict())
        yield out


WRITE_EVERY = 100  # rows joined into one write: stdout may be unbuffered (python -u, PYTHONUNBUFFERED)


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> Iterator[dict[str, Any]]:
    """Each row as one JSON line, written in groups; what is pending is written when the rows stop for any
    reason (an error, Ctrl-C, the consumer closing the generator), so every row graded is kept."""
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps builds one a call
    pending: list[str] = []
    try:
        for row in rows:
            pending.append(encode(row))
            if len(pending) >= WRITE_EVERY:
                out.write("\n".join(pending) + "\n")
                pending.clear()
            yield row
    finally:
        if pending:
            out.write("\n".join(pending) + "\n")


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> Iterator[dict[str, Any]]:
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        if writer is None:
            inputs = [key for key in row if key not in CSV_OUTPUT_FIELDS]
            writer = csv.DictWriter(out, fieldnames=[*inputs, *CSV_OUTPUT_FIELDS], extrasaction="ignore")
            writer.writeheader()
        writer.writerow({key: _cell(value) for key, value in row.items()})
        yield row


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def open_input(path: str) -> tuple[IO[str], str]:
    """A text stream for `path` ("-" is stdin), decoded as UTF-8 (a BOM allowed)."""
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace"), "<stdin>"
    try:
        return open(path, encoding="utf-8-sig", errors="replace", newline=""), path
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
