"""Files in and out: rows of JSONL or CSV read and written, one atomic write, one spreadsheet-safe CSV cell.

Every file objcoach writes whole (a report, graded rows, an export, a catalog edit, a cache) goes through
`atomic_write`: a temporary file beside the target, flushed and fsynced, then renamed over it, so a crash,
Ctrl-C or a full disk leaves the old file exactly as it was (a symlink's target is replaced and the link
kept; a device or FIFO, having nothing to rename over, is written in place). Rows are read and written as
streams, so memory stays flat on any number of them: each line is read with a bound and decoded on its own,
so a line too long or not UTF-8 is an error row naming its number. Every CSV cell written, the header's too,
goes through `safe_cell`.
"""

from __future__ import annotations

import csv
import errno
import functools
import io
import itertools
import json
import math
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

from objcoach.errors import InputError, OutputError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# what a spreadsheet may skip before a formula: any Unicode space or line break, and the invisible
# characters that don't count as spaces (zero-width space and joiners, word joiner, BOM)
_SKIPPED = ("\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
            "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"  # every character str.isspace() accepts
            "\u200b\u200c\u200d\u2060\ufeff")
WRITE_EVERY = 100  # rows joined into one write: stdout may be unbuffered (python -u, PYTHONUNBUFFERED)

Columns = Sequence[str] | Callable[[Mapping[str, Any]], Sequence[str]]


def safe_cell(value: Any) -> Any:
    """A spreadsheet shows a cell that starts with = + - @ or a tab as a formula, even after spaces or a line
    break: make it text. Every CSV cell objcoach writes, headers too, goes through here (see write_csv)."""
    if isinstance(value, str) and (value.startswith(_FORMULA_START)
                                   or value.lstrip(_SKIPPED).startswith(_FORMULA_START)):
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
    old file stays as it was otherwise. An existing file keeps its mode; a symlink is followed and its
    target replaced. A device or FIFO (/dev/null, /dev/stdout) is written in place: it has nothing to
    rename over. With no path, stdout. A failed write is an OutputError naming the target."""
    if path is None:
        stdout = sys.stdout.buffer if binary else sys.stdout
        checked = _Checked(stdout, "stdout", _silence_stdout)
        yield cast(IO[Any], checked)
        checked.flush()
        return
    status = _status(path)
    if status is not None and not stat.S_ISREG(status.st_mode):
        with _in_place(path, binary) as handle:
            yield handle
        return
    target = Path(os.path.realpath(path))  # the temp file goes beside the real file: one file system
    if not target.parent.is_dir():
        raise OutputError(said="no_folder", path=path, folder=target.parent)
    try:
        descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise _not_written(path, error) from None
    temp = Path(name)
    try:
        handle = _opened(descriptor, binary)
        try:
            yield cast(IO[Any], _Checked(handle, str(path)))
        except BaseException:
            with suppress(OSError):
                handle.close()
            raise
        try:  # a full disk may only show at flush, fsync or close; the rename can fail too
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.chmod(temp, status.st_mode & 0o777 if status is not None else default_mode())
            os.replace(temp, target)
        except OSError as error:
            with suppress(OSError):
                handle.close()
            raise _not_written(path, error) from None
    except BaseException:
        with suppress(OSError):
            temp.unlink()
        raise


def _status(path: Path) -> os.stat_result | None:
    """What `path` names (a symlink followed), None when nothing; a folder or a loop is an OutputError."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _not_written(path, error) from None
    if stat.S_ISDIR(status.st_mode):
        raise OutputError(said="output_folder", path=path)
    if not (stat.S_ISREG(status.st_mode) or stat.S_ISCHR(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
        raise OutputError(said="output_odd", path=path)
    return status


@contextmanager
def _in_place(path: Path, binary: bool) -> Iterator[IO[Any]]:
    """Write to a character device or FIFO as it is (never replaced): nothing to fsync or rename."""
    try:
        # O_NONBLOCK: a FIFO nobody reads is an error now (ENXIO), not a wait for ever
        descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as error:
        reason = "no program is reading it" if error.errno == errno.ENXIO else error.strerror
        raise OutputError(said="not_written", path=path, reason=reason) from None
    os.set_blocking(descriptor, True)
    handle = _opened(descriptor, binary)
    checked = _Checked(handle, str(path))
    try:
        yield cast(IO[Any], checked)
        checked.flush()
    finally:
        with suppress(OSError):
            handle.close()


def _opened(descriptor: int, binary: bool) -> IO[Any]:
    return open(descriptor, "wb") if binary else open(descriptor, "w", encoding="utf-8", newline="")


def _not_written(path: Path | str, error: OSError) -> OutputError:
    return OutputError(said="not_written", path=path, reason=error.strerror or error)


class _Checked:
    """A handle whose failed write or flush (a full disk, /dev/full) is one OutputError naming where, not a
    traceback. A closed pipe stays a BrokenPipeError: the command then ends quietly (`... | head`)."""

    def __init__(self, handle: IO[Any], name: str, on_failure: Callable[[], None] | None = None) -> None:
        self._handle = handle
        self._name = name
        self._on_failure = on_failure

    def write(self, data: Any) -> int:
        try:
            return self._handle.write(data)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._failed(error) from None

    def flush(self) -> None:
        try:
            self._handle.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._failed(error) from None

    def _failed(self, error: OSError) -> OutputError:
        if self._on_failure is not None:
            self._on_failure()
        return _not_written(self._name, error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def _silence_stdout() -> None:
    """After stdout failed, point it at /dev/null: Python flushes it again on exit, and that would print
    "Exception ignored" and exit 120 after our one clear line."""
    with suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


# --- reading rows --------------------------------------------------------------------------------


class Row(NamedTuple):  # a tuple: a batch makes one a row
    number: int  # line number in the file (JSONL) or record number after the header (CSV)
    fields: dict[str, Any]
    error: str = ""


MAX_ROW_BYTES = 1024 * 1024  # a longer line is an error row, so one huge line can't take all the memory
_BOM = b"\xef\xbb\xbf"
csv.field_size_limit(MAX_ROW_BYTES)  # a quoted cell never closed stops there, not at the end of memory


def open_input(path: str) -> tuple[IO[bytes], str]:
    """The bytes of `path` ("-" is stdin) and its name; rows are decoded line by line, so a line that is not
    UTF-8 is named by its number."""
    if path == "-":
        return sys.stdin.buffer, "<stdin>"
    try:
        return open(path, "rb"), path
    except FileNotFoundError:
        raise InputError(said="no_file", path=path) from None
    except IsADirectoryError:
        raise InputError(said="input_folder", path=path) from None
    except OSError as error:
        raise InputError(said="not_read", path=path, reason=error.strerror) from None


def detect_format(name: str, first_line: str) -> str:
    """"jsonl" or "csv": by the file's extension, else by whether the first line is a JSON object."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    return "jsonl" if first_line.lstrip().startswith("{") else "csv"


def read_rows(stream: IO[bytes] | io.TextIOWrapper, name: str) -> Iterator[Row]:
    """Rows of a JSONL or CSV stream; a malformed row becomes a Row with an error, the rest go on."""
    binary = cast(IO[bytes], stream.buffer) if isinstance(stream, io.TextIOWrapper) else stream  # opened as text
    read, first, number = _start(binary)
    if not first:
        return
    lines = itertools.chain((first,), iter(read, b""))
    if detect_format(name, first.decode(errors="replace")) == "jsonl":
        yield from _jsonl(lines, read, number)
    else:
        yield from _csv(lines, read, number, name)


def jsonl_rows(stream: IO[bytes]) -> Iterator[Row]:
    """JSON objects, one a line, numbered by line; a malformed line becomes a Row with an error."""
    read, first, number = _start(stream)
    if first:
        yield from _jsonl(itertools.chain((first,), iter(read, b"")), read, number)


def _start(stream: IO[bytes]) -> tuple[Callable[[], bytes], bytes, int]:
    """A bounded readline of the stream, its first line that is not blank (without a BOM), that line's number."""
    read = functools.partial(stream.readline, MAX_ROW_BYTES + 1)
    first, number = read().removeprefix(_BOM), 1
    while first and not first.strip():
        first, number = read(), number + 1
    return read, first, number


def _too_long(line: bytes) -> bool:
    return len(line) > MAX_ROW_BYTES and not line.endswith(b"\n")


def _line_values(number: int) -> dict[str, object]:
    return {"line": number, "mb": MAX_ROW_BYTES // (1024 * 1024)}


def _line_problem(said: str, number: int) -> str:
    """A line that is too long or not UTF-8, as an error row says it (rows are data: always in English)."""
    from objcoach.i18n import t

    return t("en", f"error.{said}", **_line_values(number))


def _skip_rest(read: Callable[[], bytes]) -> None:
    """Drop the rest of a line too long to keep, a bounded piece at a time."""
    piece = read()
    while piece and not piece.endswith(b"\n"):
        piece = read()


def _jsonl(lines: Iterator[bytes], read: Callable[[], bytes], start: int) -> Iterator[Row]:
    # one decoder for every line: json.loads builds a decoder (and its scanner) a call when given parse_* hooks
    decode = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float).decode
    for number, line in enumerate(lines, start=start):
        if _too_long(line):
            _skip_rest(read)
            yield Row(number, {}, _line_problem("line_too_long", number))
            continue
        try:
            text = line.decode()
        except UnicodeDecodeError:
            yield Row(number, {}, _line_problem("line_not_utf8", number))
            continue
        if not text.strip():
            continue
        try:
            if text.startswith("\ufeff"):  # what json.loads says of it (a decoder itself would not see it)
                raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
            value = decode(text)
        except json.JSONDecodeError as error:
            yield Row(number, {}, f"line {number}: not valid JSON ({error.msg})")
            continue
        except ValueError as error:  # NaN, Infinity, 1e999, or more digits than Python turns into a number
            reason = "a number with too many digits" if "digits" in str(error) else str(error)
            yield Row(number, {}, f"line {number}: not valid JSON ({reason})")
            continue
        except RecursionError:
            yield Row(number, {}, f"line {number}: not valid JSON (nested too deeply)")
            continue
        if not isinstance(value, dict):
            yield Row(number, {}, f"line {number}: should be a JSON object")
            continue
        # "\ud800" alone decodes to a lone surrogate, which no UTF-8 output can hold: refused here, where the
        # line is known, not when a batch of rows is written
        if b"\\" in line and _lone_surrogate(line, value):
            yield Row(number, {}, f"line {number}: has a \\u escape that is half of a character (a lone surrogate)")
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


def _lone_surrogate(line: bytes, value: dict[str, Any]) -> bool:
    if b"\\ud" not in line and b"\\uD" not in line:
        return False
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _BadLine(Exception):
    """A line that can't be part of a row: too long, or not UTF-8. `said` is its i18n key (under "error."),
    `number` its line; str() is the English an error row holds."""

    def __init__(self, said: str, number: int) -> None:
        self.said, self.number = said, number
        super().__init__(_line_problem(said, number))

    def message(self) -> tuple[str, dict[str, object]]:
        """The problem as an error's value (key, values): shown in the reader's language."""
        return f"error.{self.said}", _line_values(self.number)


class _CsvLines:
    """Decoded lines for csv.reader. A bad line raises _BadLine through the reader, which starts a new record
    on its next call: the bad one becomes an error row and the rest go on."""

    def __init__(self, lines: Iterator[bytes], read: Callable[[], bytes], number: int) -> None:
        self.lines, self.read, self.number, self.ended = lines, read, number - 1, False

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        line = next(self.lines, b"")
        if not line:
            self.ended = True
            raise StopIteration
        self.number += 1
        if _too_long(line):
            _skip_rest(self.read)
            raise _BadLine("line_too_long", self.number)
        try:
            return line.decode()
        except UnicodeDecodeError:
            raise _BadLine("line_not_utf8", self.number) from None


def _csv(lines: Iterator[bytes], read: Callable[[], bytes], number: int, name: str) -> Iterator[Row]:
    """Records under a header row, numbered as a spreadsheet does (the first record is row 2). A record that
    can't be read is an error row naming its line and keeping the header's columns, so the output keeps them."""
    source = _CsvLines(lines, read, number)
    reader = csv.reader(source, strict=True)
    try:
        header = next(reader)
    except _BadLine as bad:
        raise InputError(said="csv_header_line", name=name, problem=bad.message()) from None
    except csv.Error as error:
        raise InputError(said="csv_header_bad", name=name, line=number, reason=error) from None
    _check_header(header, name, number)
    record = 1
    while True:
        start = source.number + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except _BadLine as bad:
            record += 1
            yield Row(record, dict.fromkeys(header), str(bad))
            continue
        except csv.Error as error:
            record += 1
            problem = ("a quoted cell starts on this line and is never closed" if source.ended
                       else f"not valid CSV ({error})")
            yield Row(record, dict.fromkeys(header), f"line {start}: {problem}")
            continue
        if not cells:  # a blank line
            continue
        record += 1
        fields: dict[str, Any] = dict.fromkeys(header)  # a short record's missing cells are None, as csv does
        fields.update(zip(header, cells, strict=False))
        if len(cells) > len(header):
            yield Row(record, fields, f"row {record} (line {start}): more cells than the header has")
            continue
        yield Row(record, fields)


def _check_header(header: list[str], name: str, line: int) -> None:
    """Two columns of the same name would leave one of them unread: refused, naming both."""
    seen: dict[str, int] = {}
    for column, title in enumerate(header, start=1):
        if title in seen:
            what = ("error.csv_column_named", {"title": title}) if title else ("error.csv_column_unnamed", {})
            raise InputError(said="csv_columns_twice", name=name, line=line, first=seen[title], second=column,
                             what=what)
        seen[title] = column


# --- writing rows --------------------------------------------------------------------------------

# one encoder for every row written (json.dumps builds one a call); rows are trees of fresh dicts and lists,
# with no cycle to look for
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def write_jsonl(rows: Iterable[dict[str, Any] | Encoded], out: IO[str]) -> Iterator[dict[str, Any] | Encoded]:
    """Each row as one JSON line (a row a worker wrote as JSON already goes as it is); the rows pass through,
    so the caller can count them or show progress. On a terminal, C1 and bidi controls become \\uXXXX escapes
    (the same JSON), as the rows are for a person to read."""
    from objcoach.printable import json_printable

    terminal = out.isatty()
    pending = io.StringIO()

    def line(row: dict[str, Any] | Encoded) -> None:
        text = row.line if isinstance(row, Encoded) else _encode(row)
        pending.write(json_printable(text) if terminal else text)
        pending.write("\n")

    return _in_batches(rows, out, line, pending)  # type: ignore[arg-type]


class Encoded(NamedTuple):
    """A row already written as one JSON line (by a worker, where it was scored): the line, and whether the
    row is an error row (the caller counts those)."""

    line: str
    error: bool


def encoded(rows: Iterable[dict[str, Any]]) -> list[Encoded]:
    """Rows as JSON lines the way write_jsonl writes them (so a worker can spare the writing process)."""
    return [Encoded(_encode(row), "error" in row) for row in rows]


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str], columns: Columns) -> Iterator[dict[str, Any]]:
    """Rows as CSV with a header; the rows pass through. `columns` is a fixed list (its header is written
    even for no rows) or a function that chooses them from the first row that has a field besides "error"
    (a row that could not be read has none of the input's: the rows before it wait, at most WRITE_EVERY of
    them). A list or dict in a cell is written as JSON; every cell goes through `safe_cell`."""
    pending = io.StringIO()
    writer = csv.writer(pending)
    chosen: list[str] = []

    def header(names: Iterable[str]) -> None:
        chosen.extend(names)
        writer.writerow([safe_cell(name) for name in chosen])

    def line(row: dict[str, Any]) -> None:
        writer.writerow([safe_cell(_plain(row.get(name, ""))) for name in chosen])

    if not callable(columns):
        header(columns)
        return _in_batches(rows, out, line, pending)
    pick = columns
    waiting: list[dict[str, Any]] = []

    def choose() -> None:
        """The header from the last row waiting, then the rows that waited for it."""
        header(pick(waiting[-1]))
        for held in waiting:
            line(held)
        waiting.clear()

    def record(row: dict[str, Any]) -> None:
        if chosen:
            line(row)
            return
        waiting.append(row)
        if len(row) > ("error" in row) or len(waiting) >= WRITE_EVERY:
            choose()

    def finish() -> None:
        if waiting:
            choose()

    return _in_batches(rows, out, record, pending, finish)


def _plain(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _in_batches(rows: Iterable[dict[str, Any]], out: IO[str], write: Callable[[dict[str, Any]], None],
                pending: io.StringIO, finish: Callable[[], None] | None = None) -> Iterator[dict[str, Any]]:
    """`write` each row into `pending`, and `pending` to `out` every WRITE_EVERY rows; what is pending is written
    when the rows stop for any reason (an error, Ctrl-C, the consumer closing the generator), after `finish`
    has written what `write` held back, so every row already produced is kept."""
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
        if finish is not None:
            finish()
        if pending.tell():
            out.write(pending.getvalue())
