"""Files in and out: rows of JSONL or CSV read and written, one atomic write, one spreadsheet-safe CSV cell.

Every file objcoach writes whole (a report, graded rows, an export, a catalog edit, a cache) goes through
`atomic_write`: a temporary file in the same folder, flushed and fsynced, then renamed over the target, so
a crash or Ctrl-C leaves the old file exactly as it was. Rows are read and written as streams, so memory
stays flat on any number of them; every CSV cell written, the header's too, goes through `safe_cell`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NamedTuple

from objcoach.errors import InputError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WRITE_EVERY = 100  # rows joined into one write: stdout may be unbuffered (python -u, PYTHONUNBUFFERED)
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a reply may be longer than csv's default 128 KiB cell

Columns = Sequence[str] | Callable[[Mapping[str, Any]], Sequence[str]]


def safe_cell(value: Any) -> Any:
    """A spreadsheet shows a cell that starts with = + - @ or a tab as a formula: make it text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def default_mode() -> int:
    """The mode a new file gets under the process's umask (mkstemp alone would give 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_write(path: Path | None, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A handle to write `path` whole: renamed over it only when the block ends without an error, so the
    old file stays as it was otherwise. An existing file keeps its mode. With no path, stdout."""
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        (sys.stdout.buffer if binary else sys.stdout).flush()
        return
    folder = path.resolve().parent
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with (open(descriptor, "wb") if binary else
              open(descriptor, "w", encoding="utf-8", newline="")) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else default_mode())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# --- reading rows --------------------------------------------------------------------------------


class Row(NamedTuple):  # a tuple: a batch makes one a row
    number: int  # line number in the file (JSONL) or record number after the header (CSV)
    fields: dict[str, Any]
    error: str = ""


def open_input(path: str) -> tuple[IO[str], str]:
    """A text stream for `path` ("-" is stdin), decoded as UTF-8 (a BOM allowed), and its name."""
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


def detect_format(name: str, first_line: str) -> str:
    """"jsonl" or "csv": by the file's extension, else by whether the first line is a JSON object."""
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
        yield from csv_rows(rest, name)


def _chain(first: str, stream: IO[str]) -> Iterator[str]:
    yield first
    yield from stream


def jsonl_rows(lines: Iterable[str]) -> Iterator[Row]:
    """JSON objects, one a line, numbered from 1; a malformed line becomes a Row with an error."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, parse_constant=_no_constant, parse_float=_finite_float)
        except json.JSONDecodeError as error:
            yield Row(number, {}, f"line {number}: not valid JSON ({error.msg})")
            continue
        except ValueError as error:  # NaN, Infinity, or more digits than Python turns into a number
            reason = "a number with too many digits" if "digits" in str(error) else str(error)
            yield Row(number, {}, f"line {number}: not valid JSON ({reason})")
            continue
        except RecursionError:
            yield Row(number, {}, f"line {number}: not valid JSON (nested too deeply)")
            continue
        if not isinstance(value, dict):
            yield Row(number, {}, f"line {number}: should be a JSON object")
            continue
        # json.loads turns an escaped lone surrogate ("\ud800") into text no file or database can hold;
        # the escape is rare, so only lines that have one are checked
        if "\\ud" in line or "\\uD" in line:
            broken = _unpaired_surrogate(value)
            if broken:
                yield Row(number, {}, f"line {number}: {broken}: text with an unpaired surrogate (\\uD800–\\uDFFF) "
                                      "is not valid Unicode")
                continue
        yield Row(number, value)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    """1e999 would be read as infinity and written back as Infinity, which is not JSON."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text[:20]} is too large a number")
    return value


def _unpaired_surrogate(row: dict[str, Any]) -> str:
    """The first field whose value (at any depth, keys too) holds a lone surrogate, or ""."""
    for key, value in row.items():
        try:
            json.dumps({key: value}, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return key.encode("utf-8", "backslashreplace").decode("utf-8") or "a field with no name"
    return ""


def csv_rows(lines: Iterable[str], name: str) -> Iterator[Row]:
    """Records under a header row, numbered as a spreadsheet does (the first record is row 2)."""
    reader = csv.DictReader(lines)
    if not reader.fieldnames:
        raise InputError(f"{name}: the CSV file has no header row")
    for number, record in enumerate(reader, start=2):
        if None in record:
            yield Row(number, {}, f"row {number}: more cells than the header has")
            continue
        yield Row(number, {key: value for key, value in record.items() if key is not None})


# --- writing rows --------------------------------------------------------------------------------


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> Iterator[dict[str, Any]]:
    """Each row as one JSON line; the rows pass through, so the caller can count them or show progress."""
    encode: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps builds one a call
    if out.isatty():  # rows for a person to read: C1 and bidi controls as \uXXXX escapes (the same JSON)
        from objcoach.printable import json_printable

        dump = encode

        def encode(row: Any) -> str:
            return json_printable(dump(row))

    pending = io.StringIO()

    def line(row: dict[str, Any]) -> None:
        pending.write(encode(row))
        pending.write("\n")

    return _in_batches(rows, out, line, pending)


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str], columns: Columns) -> Iterator[dict[str, Any]]:
    """Rows as CSV with a header; the rows pass through. `columns` is a fixed list (its header is written
    even for no rows) or a function that chooses them from the first row. A list or dict in a cell is
    written as JSON; every cell goes through `safe_cell`."""
    pending = io.StringIO()
    writer = csv.writer(pending)
    chosen: list[str] = [] if callable(columns) else list(columns)
    if not callable(columns):
        writer.writerow([safe_cell(name) for name in chosen])

    def record(row: dict[str, Any]) -> None:
        if callable(columns) and not chosen:
            chosen.extend(columns(row))
            writer.writerow([safe_cell(name) for name in chosen])
        writer.writerow([safe_cell(_plain(row.get(name, ""))) for name in chosen])

    return _in_batches(rows, out, record, pending)


def _plain(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _in_batches(rows: Iterable[dict[str, Any]], out: IO[str], write: Callable[[dict[str, Any]], None],
                pending: io.StringIO) -> Iterator[dict[str, Any]]:
    """`write` each row into `pending`, and `pending` to `out` every WRITE_EVERY rows; what is pending is written
    when the rows stop for any reason (an error, Ctrl-C, the consumer closing the generator), so every
    row already produced is kept."""
    count = 0
    try:
        for row in rows:
            write(row)
            count += 1
            if count % WRITE_EVERY == 0:
                out.write(pending.getvalue())
                pending.seek(0)
                pending.truncate()
            yield row
    finally:
        if pending.tell():
            out.write(pending.getvalue())
