"""A cache of the parsed, validated and pre-compiled catalog, so commands start fast.

Stored under OBJCOACH_HOME/cache, one file per set of catalog paths and kind (the whole catalog, or only
its phrase index for `suggest`). It is used only when every source file is unchanged: same size, same
modification time and same content hash. It is never trusted blindly: a cache that cannot be read, was
written by other code (another objcoach version, or any edit to a module of this package) or holds
anything unexpected is rebuilt from the YAML, and a cache that cannot be written (read-only home) is
simply skipped.

A file holds two pickles: a small header (format, code stamp, source fingerprints), checked before the
body is read, then the body. The catalog's derived data (compiled markers, each objection's stemmed
texts...) stays pickled entry by entry until first used: a `score` needs a few entries, not all of them,
and `list` needs none (nor the scoring modules their classes live in).
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from objcoach import __version__
from objcoach.collector import paused
from objcoach.models import Catalog

if TYPE_CHECKING:
    from objcoach.catalog import PhraseIndex

try:  # the C unpickler alone: `import pickle` costs more than reading the bundled catalog
    from _pickle import load, loads
except ImportError:  # pragma: no cover - Pythons without the C accelerator
    from pickle import load, loads

CACHE_FORMAT = 7  # bump whenever the layout of a cache file changes
_CHUNK = 1 << 20


def load_cached(paths: Sequence[Path]) -> Catalog:
    """The catalog of `paths`, from the cache when it is current, else parsed (and cached)."""
    fingerprints = [_fingerprint(path) for path in paths]
    body = _read(_cache_file(paths, "catalog"), fingerprints)
    if body is not None:
        catalog = _catalog_from(body)
        if catalog is not None:
            return catalog
    from objcoach.catalog import load_files
    from objcoach.scoring import warm

    with paused():  # parsing, warming and pickling build objects that all live on
        catalog = load_files(paths)
        warm(catalog)
        _write(_cache_file(paths, "catalog"), fingerprints, _catalog_body(catalog))
    index = catalog.memo.get("phrase_index")
    if index is not None:  # else load_phrase_index builds and writes it when `suggest` first needs it
        _write(_cache_file(paths, "phrases"), fingerprints, index)
    return catalog


def load_phrase_index(paths: Sequence[Path]) -> PhraseIndex:
    """Only the client phrases (for `suggest`): a much smaller file to read than the whole catalog."""
    from objcoach.catalog import PhraseIndex, phrase_index

    fingerprints = [_fingerprint(path) for path in paths]
    index = _read(_cache_file(paths, "phrases"), fingerprints)
    if isinstance(index, PhraseIndex):
        return index
    index = phrase_index(load_cached(paths))
    _write(_cache_file(paths, "phrases"), fingerprints, index)
    return index


class LazyMemo(dict[object, object]):
    """A catalog's memo read from the cache: each entry is unpickled the first time it is looked up. An entry
    that cannot be unpickled counts as absent, so the scorer computes it afresh instead of failing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[object, bytes] = {}

    @classmethod
    def of(cls, pending: dict[object, bytes]) -> LazyMemo:
        memo = cls()
        memo._pending = dict(pending)
        return memo

    def _take(self, key: object) -> bool:
        blob = self._pending.pop(key, None)
        if blob is None:
            return False
        try:
            value = loads(blob)
        except Exception:  # damaged, or a class that has changed since: compute it again
            return False
        dict.__setitem__(self, key, value)
        return True

    def _settle(self) -> None:
        for key in list(self._pending):
            self._take(key)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or self._take(key)

    def __missing__(self, key: object) -> object:
        if self._take(key):
            return dict.__getitem__(self, key)
        raise KeyError(key)

    def get(self, key: object, default: Any = None) -> Any:
        return dict.__getitem__(self, key) if key in self else default

    def __setitem__(self, key: object, value: object) -> None:
        self._pending.pop(key, None)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: object) -> None:
        self._take(key)
        dict.__delitem__(self, key)

    def setdefault(self, key: object, default: Any = None) -> Any:
        if key not in self:
            dict.__setitem__(self, key, default)
        return dict.__getitem__(self, key)

    def pop(self, key: object, *default: Any) -> Any:
        self._take(key)
        return dict.pop(self, key, *default)

    # whole-memo views see every entry
    def __iter__(self) -> Iterator[object]:
        self._settle()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._settle()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._settle()
        return dict.keys(self)

    def values(self) -> Any:
        self._settle()
        return dict.values(self)

    def items(self) -> Any:
        self._settle()
        return dict.items(self)

    def copy(self) -> dict[object, object]:
        return dict(self.items())

    def __reduce__(self) -> tuple[Any, ...]:  # pickled, copied or deep-copied as the plain dict it stands for
        return (dict, (dict(self.items()),))

    def __repr__(self) -> str:
        return repr(self.copy())


def _catalog_body(catalog: Catalog) -> tuple[Any, ...]:
    from pickle import HIGHEST_PROTOCOL, dumps

    memo = {key: dumps(value, protocol=HIGHEST_PROTOCOL) for key, value in catalog.memo.items()}
    return (catalog.techniques, catalog.antipatterns, catalog.objections, catalog.settings, memo)


def _catalog_from(body: Any) -> Catalog | None:
    try:
        techniques, antipatterns, objections, settings, memo = body
        if not all(isinstance(part, dict) for part in (techniques, antipatterns, settings, memo)):
            return None
        return Catalog(techniques=techniques, antipatterns=antipatterns, objections=objections, settings=settings,
                       memo=LazyMemo.of(memo))
    except (TypeError, ValueError):
        return None


def _cache_file(paths: Sequence[Path], kind: str) -> Path:
    from objcoach.paths import home

    return home() / "cache" / f"{kind}-{_key(paths)}.pickle"


def _key(paths: Sequence[Path]) -> str:
    joined = "\n".join(os.path.realpath(path) for path in paths).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(joined):08x}{zlib.adler32(joined):08x}"


def _fingerprint(path: Path) -> tuple[str, int, int, int] | None:
    """(real path, size, mtime in ns, CRC-32 of the content), or None when the file can't be read
    (then the parser reports it). CRC-32 detects edits; nobody forges a catalog against their own cache,
    and zlib loads far faster than hashlib."""
    try:
        with open(path, "rb", buffering=0) as stream:
            stat = os.fstat(stream.fileno())
            if stat.st_size <= _CHUNK:
                crc = zlib.crc32(stream.read())
            else:  # a big team catalog: one buffer, refilled
                crc = 0
                buffer = bytearray(_CHUNK)
                view = memoryview(buffer)
                while count := stream.readinto(buffer):
                    crc = zlib.crc32(view[:count], crc)
    except OSError:
        return None
    return os.path.realpath(path), stat.st_size, stat.st_mtime_ns, crc


@cache
def _stamp() -> tuple[Any, ...]:
    """What the cached data depends on besides the catalog files: the code that parsed and derived it. Any
    change to a module of this package retires every cache (one directory listing, well under a millisecond)."""
    code = []
    with os.scandir(os.path.dirname(os.path.abspath(__file__))) as entries:
        for entry in entries:
            if entry.name.endswith(".py"):
                stat = entry.stat()
                code.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return (CACHE_FORMAT, __version__, sys.version_info[:2], sys.byteorder, tuple(sorted(code)))


def _read(cache: Path, fingerprints: list[Any]) -> Any:
    """The body of a current cache file, or None."""
    if any(print_ is None for print_ in fingerprints):
        return None
    try:
        with paused(), open(cache, "rb") as stream:  # unpickling builds many objects that all live on
            header = load(stream)
            if header != {"stamp": _stamp(), "files": fingerprints}:
                return None
            return load(stream)
    except Exception:  # missing, truncated, damaged, or from an incompatible Python: rebuild
        return None


def _write(cache: Path, fingerprints: list[Any], body: object) -> None:
    if any(print_ is None for print_ in fingerprints):
        return
    import pickle
    import tempfile

    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=cache.parent, prefix=".catalog.", suffix=".tmp")
        try:
            with open(descriptor, "wb") as stream:
                pickle.dump({"stamp": _stamp(), "files": fingerprints}, stream, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(body, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(name, cache)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError):
        pass  # a read-only home or a full disk: the next run parses again, nothing is lost
