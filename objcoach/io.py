"""Files in and out: one atomic write, one spreadsheet-safe CSV cell.

Every file objcoach writes whole (a report, graded rows, an export, a catalog edit, a cache) goes through
`atomic_write`: a temporary file in the same folder, flushed and fsynced, then renamed over the target, so
a crash or Ctrl-C leaves the old file exactly as it was. Every CSV cell goes through `safe_cell`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from objcoach.errors import InputError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
