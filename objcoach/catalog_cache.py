"""A cache of the parsed, validated and pre-compiled catalog, so commands start fast.

Stored under OBJCOACH_HOME/cache, one file per set of catalog paths. It is used only when every source
file is unchanged: same size, same modification time and same content hash. It is never trusted
blindly: a cache that cannot be read, is of another objcoach version or holds anything unexpected is
rebuilt from the YAML, and a cache that cannot be written (read-only home) is simply skipped.
"""

from __future__ import annotations

import os
import pickle
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from objcoach import __version__
from objcoach.models import Catalog

if TYPE_CHECKING:
    from objcoach.catalog import PhraseIndex

T = TypeVar("T")

CACHE_FORMAT = 6  # bump whenever a cached structure (Catalog, PhraseIndex, scoring data) changes
_CHUNK = 1 << 20


def load_cached(paths: Sequence[Path]) -> Catalog:
    """The catalog of `paths`, from the cache when it is current, else parsed (and cached)."""
    fingerprints = [_fingerprint(path) for path in paths]
    catalog = _read(_cache_file(paths, "catalog"), fingerprints, Catalog)
    if catalog is not None:
        return catalog
    from objcoach.catalog import load_files, phrase_index
    from objcoach.scoring import warm

    catalog = load_files(paths)
    warm(catalog)
    _write(_cache_file(paths, "catalog"), fingerprints, catalog)
    _write(_cache_file(paths, "phrases"), fingerprints, phrase_index(catalog))
    return catalog


def load_phrase_index(paths: Sequence[Path]) -> PhraseIndex:
    """Only the client phrases (for `suggest`): a much smaller file to read than the whole catalog."""
    from objcoach.catalog import PhraseIndex, phrase_index

    index = _read(_cache_file(paths, "phrases"), [_fingerprint(path) for path in paths], PhraseIndex)
    return index if index is not None else phrase_index(load_cached(paths))


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
        stat = path.stat()
        crc = 0
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                crc = zlib.crc32(chunk, crc)
    except OSError:
        return None
    return os.path.realpath(path), stat.st_size, stat.st_mtime_ns, crc


def _read(cache: Path, fingerprints: list[Any], kind: type[T]) -> T | None:
    if any(print_ is None for print_ in fingerprints):
        return None
    import gc

    collecting = gc.isenabled()
    gc.disable()  # unpickling builds many objects at once; collecting in between only slows it down
    try:
        with cache.open("rb") as stream:
            data = pickle.load(stream)
    except Exception:  # missing, truncated, damaged, or from an incompatible Python: rebuild
        return None
    finally:
        if collecting:
            gc.enable()
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or data.get("version") != __version__:
        return None
    if data.get("files") != fingerprints or not isinstance(data.get("content"), kind):
        return None
    content: T = data["content"]
    return content


def _write(cache: Path, fingerprints: list[Any], content: object) -> None:
    if any(print_ is None for print_ in fingerprints):
        return
    data = {"format": CACHE_FORMAT, "version": __version__, "files": fingerprints, "content": content}
    import tempfile

    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=cache.parent, prefix=".catalog.", suffix=".tmp")
        try:
            with open(descriptor, "wb") as stream:
                pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(name, cache)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError):
        pass  # a read-only home or a full disk: the next run parses again, nothing is lost
