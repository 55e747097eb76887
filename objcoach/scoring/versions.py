"""Which grader scored a reply, and against which catalog entry: two short versions stored with each attempt.

A stored score can then be checked by scoring the reply again (mentor/verify.py): under the same versions
the score must come out the same, so a different one was written by hand; under other versions it was
honestly given by an older grader or entry. Each version is a digest of everything that decides a score:
- the grader's: objcoach's version, the scoring code, the grader model's file, the catalog's techniques,
  antipatterns and scoring settings, the fuzzy matcher's version and the stemmer's stems of a few words;
- an entry's: the objection as parsed (not where it sits in its file) and the other objections of its
  domain, whose words count as on topic.
Both are worked out once per catalog and entry in a process, so a drill's reply costs nothing more.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from objcoach.catalog.model import Catalog, Objection

STEM_PROBES = (("russian", ["понимаю", "выбрали", "условиями", "бесплатное", "подскажите", "ошибаетесь"]),
               ("english", ["understanding", "chosen", "conditions", "cashback", "personally", "happiness"]))


def _digest(*parts: object) -> str:
    data = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_plain).encode("utf-8", "surrogateescape")
    return hashlib.sha256(data).hexdigest()[:16]


def _plain(value: Any) -> Any:
    """What json cannot write itself: sets and frozensets as sorted lists, named tuples as dicts."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "_asdict"):
        return value._asdict()
    raise TypeError(type(value).__name__)


@lru_cache(maxsize=1)
def _code() -> str:
    """The scoring code and its libraries as this process runs them."""
    import rapidfuzz
    import Stemmer

    from objcoach.version import __version__

    folder = Path(__file__).parent  # the bundled model, grader.json, lies beside the code (model.BUNDLED)
    sources = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.glob("*.py"))}
    # PyStemmer has no version to ask cheaply: its stems of a few words stand for it
    stems = [Stemmer.Stemmer(language).stemWords(words) for language, words in STEM_PROBES]
    return _digest(__version__, sources, hashlib.sha256((folder / "grader.json").read_bytes()).hexdigest(),
                   getattr(rapidfuzz, "__version__", ""), stems)


@lru_cache(maxsize=8)  # a Catalog hashes by identity, as scoring_index's cache does
def grader_version(catalog: Catalog) -> str:
    model = Path(catalog.model) if catalog.model else None
    try:
        model_text = hashlib.sha256(model.read_bytes()).hexdigest() if model else ""
    except OSError:
        model_text = "unreadable"  # scoring with it fails anyway
    return _digest(_code(), model_text, catalog.settings, {k: v._asdict() for k, v in catalog.techniques.items()},
                   {k: v._asdict() for k, v in catalog.antipatterns.items()})


def entry_version(catalog: Catalog, objection: Objection) -> str:
    return _entry_versions(catalog).get(objection.id) or _digest(_entry(objection))


@lru_cache(maxsize=8)
def _entry_versions(catalog: Catalog) -> dict[str, str]:
    """Every entry's version: its own fields and those of its domain's other entries."""
    by_domain: dict[str, list[Objection]] = {}
    for objection in catalog.objections:
        by_domain.setdefault(objection.domain, []).append(objection)
    domains = {domain: _digest([_entry(o) for o in sorted(members, key=lambda o: o.id)])
               for domain, members in by_domain.items() if domain}
    return {o.id: _digest(_entry(o), domains.get(o.domain, "")) for o in catalog.objections}


def _entry(objection: Objection) -> dict[str, Any]:
    """An entry's fields that can change a score: not where it sits in its file, its source or its tips."""
    return objection._replace(origin="", source="", tips={})._asdict()
