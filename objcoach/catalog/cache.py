"""A cache of what is built from catalog files, so commands start fast.

One pickle per kind of value (the catalog, and the scorer's markers per language) and set of source files, under
OBJCOACH_HOME/cache. Its header is the fingerprint of the sources and of the code that built it: every
file's real path, size, modification time and CRC-32, and the package's own modules. A cache whose
fingerprint differs, that cannot be read, or that was written by other code is rebuilt; one that cannot
be written (a read-only home) is skipped.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import zlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from objcoach.version import __version__

try:  # the C unpickler alone: `import pickle` costs as much as reading the catalog it would read
    from _pickle import load
except ImportError:  # pragma: no cover - a Python without the accelerator
    from pickle import load

CACHE_FORMAT = 10  # bump whenever the layout of a cache file changes
MAX_FILE_BYTES = 20 * 1024 * 1024  # of a catalog file


def fingerprint(paths: Sequence[Path]) -> str | None:
    """`<which files>.<their state and the code's>`, or None when a file can't be read (the parser then
    reports it)."""
    states = []
    for path in paths:
        try:  # bounded, and never a device or FIFO: /dev/zero would be read for ever
            data = read_regular(Path(path), MAX_FILE_BYTES)
            status = os.stat(path)
        except OSError:
            return None
        states.append((os.path.realpath(path), status.st_size, status.st_mtime_ns, zlib.crc32(data)))
    which = digest("\n".join(state[0] for state in states))
    return f"{which}.{digest(repr((code_stamp(), states)))}"


class NotRegularFileError(OSError):
    """A path to read whole is a device, FIFO or socket: /dev/zero never ends, a FIFO waits for a writer."""

    def __init__(self) -> None:
        super().__init__(errno.EINVAL, "not a regular file: a device, FIFO or socket can't be read as one")


class TooBigError(OSError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than {limit // (1024 * 1024)} MB")
        self.size = size  # 0 when the file grew past the limit while it was read


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; never more than `limit` + 1 are read, whatever
    its size said (a file may grow while it is read)."""
    # O_NONBLOCK: opening a FIFO doesn't wait for a writer, so it can be refused at once
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(str(path))
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFileError()
        if status.st_size > limit:
            raise TooBigError(status.st_size, limit)
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooBigError(0, limit)
    return data


def read(kind: str, fingerprint: str) -> Any:
    """The value cached for `kind` under this fingerprint, or None."""
    try:
        with open(_file(kind, fingerprint), "rb") as stream:
            if load(stream) != fingerprint:
                return None
            return load(stream)
    except Exception:  # missing, truncated, damaged, or from an incompatible Python: rebuild
        return None


def write(kind: str, fingerprint: str, value: object) -> None:
    """Keep `value` for `kind` under this fingerprint (replacing what the same files had before)."""
    import pickle

    from objcoach.errors import ObjcoachError
    from objcoach.io import atomic_write  # only when a cache is rebuilt: start-up stays lean

    target = _file(kind, fingerprint)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(target, binary=True) as stream:
            pickle.dump(fingerprint, stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
    except (OSError, ObjcoachError, pickle.PicklingError):  # atomic_write says OutputError
        pass  # a read-only home or a full disk: the next run builds it again, nothing is lost


def _file(kind: str, fingerprint: str) -> Path:
    from objcoach.paths import home

    return home() / "cache" / f"{kind}-{fingerprint.split('.')[0]}.pickle"


def digest(text: str) -> str:
    data = text.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


@cache  # once a process: the catalog's fingerprint and the grader model's both ask
def code_stamp() -> tuple[Any, ...]:
    """What cached values depend on besides the files: the code that built them, which lives in the catalog
    and scoring packages. Any change to one of their modules retires every cache."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = []
    for folder in ("catalog", "scoring"):
        with os.scandir(os.path.join(package, folder)) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    stat = entry.stat()
                    code.append((folder, entry.name, stat.st_size, stat.st_mtime_ns))
    return (CACHE_FORMAT, __version__, sys.version_info[:2], tuple(sorted(code)))
