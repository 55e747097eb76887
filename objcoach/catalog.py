"""Load, validate and merge objection catalogs; find an objection by id or by the client's words."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from objcoach.errors import CatalogError, ObjectionNotFoundError
from objcoach.models import LANGS, Catalog, Objection

CATALOG_ENV = "OBJCOACH_CATALOG"


def bundled_catalog_path() -> Path:
    # a plain path beside this module: the wheel installs package data as files, and this avoids
    # importlib.resources, which costs more at start-up than everything else a score needs
    return Path(__file__).resolve().parent / "data" / "objections.yaml"


def catalog_paths(extra: Sequence[Path] | None = None) -> list[Path]:
    """The bundled catalog, then OBJCOACH_CATALOG (os.pathsep-separated), then --catalog paths."""
    paths = [bundled_catalog_path()]
    env = os.environ.get(CATALOG_ENV, "")
    paths += [Path(part) for part in env.split(os.pathsep) if part.strip()]
    paths += list(extra or [])
    unique: list[Path] = []
    seen: set[str] = set()
    for path in paths:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def load_catalog(extra: Sequence[Path] | None = None) -> Catalog:
    """Load the bundled catalog with the user's (from the cache when no file changed); raise
    CatalogError listing every problem."""
    from objcoach.catalog_cache import load_cached

    return load_cached(catalog_paths(extra))


def load_files(paths: Sequence[Path]) -> Catalog:
    """Parse and validate catalog files afresh (no cache); raise CatalogError listing every problem."""
    from objcoach.catalog_parse import parse_files

    catalog, problems = parse_files(paths)
    if problems:
        raise CatalogError(problems)
    return catalog


def validate_files(paths: Sequence[Path]) -> tuple[Catalog | None, list[str]]:
    """Like load_files, but return the problems instead of raising."""
    try:
        return load_files(paths), []
    except CatalogError as error:
        return None, error.problems


# --- finding an objection -------------------------------------------------------------------

RESOLVE_MIN_SCORE = 60.0  # below this the words match no objection
RESOLVE_MARGIN = 4.0  # two objections closer than this to each other: ambiguous


def resolve_objection(catalog: Catalog, query: str) -> tuple[Objection, str | None]:
    """Find an objection by its id or by the client's words (either language, any variant).

    Returns the objection and the language of the phrase that matched (None for an id).
    """
    wanted = query.strip()
    found = catalog.get(wanted)
    if found:
        return found, None
    ranked = rank_objections(catalog, wanted, limit=3)
    if not ranked:
        raise ObjectionNotFoundError("the catalog has no objections")
    top, top_lang, top_score = ranked[0]
    nearest = ", ".join(objection.id for objection, _, _ in ranked)
    if top_score < RESOLVE_MIN_SCORE:
        raise ObjectionNotFoundError(f"no objection matches {query!r}; nearest: {nearest}")
    if len(ranked) > 1 and top_score < 99 and top_score - ranked[1][2] < RESOLVE_MARGIN:
        raise ObjectionNotFoundError(f"{query!r} is ambiguous: it fits {nearest}; give an id")
    return top, top_lang


@dataclass(frozen=True)
class PhraseIndex:
    """Every client phrase (words and variants), normalised, with what a cheat sheet shows: enough for
    `suggest` without loading the whole catalog."""

    ids: tuple[str, ...]
    langs: tuple[str, ...]
    texts: tuple[str, ...]  # normalised phrase, aligned with ids and langs
    clients: dict[tuple[str, str], str]  # (id, lang) -> the client's words
    answers: dict[tuple[str, str], str]  # (id, lang) -> the first model answer


@dataclass(frozen=True)
class Suggestion:
    objection_id: str
    lang: str
    similarity: float
    client: str
    answer: str


def phrase_index(catalog: Catalog) -> PhraseIndex:
    """The catalog's phrase index, built once per catalog (and cached with it)."""
    from objcoach.text import normalize

    found = catalog.memo.get("phrase_index")
    if not isinstance(found, PhraseIndex):
        rows = [(objection.id, lang, normalize(phrase)) for objection, lang, phrase in _phrases(catalog)]
        found = catalog.memo["phrase_index"] = PhraseIndex(
            ids=tuple(row[0] for row in rows), langs=tuple(row[1] for row in rows),
            texts=tuple(row[2] for row in rows),
            clients={(o.id, lang): text for o in catalog.objections for lang, text in o.client.items()},
            answers={(o.id, lang): answers[0] for o in catalog.objections for lang, answers in o.answers.items()
                     if answers},
        )
    return found


def rank_phrases(index: PhraseIndex, words: str, limit: int = 5, lang: str | None = None) -> list[Suggestion]:
    """The objections whose client phrases are closest to `words`, best first, one row per objection."""
    from rapidfuzz import fuzz, process

    from objcoach.text import normalize

    choices = {i: text for i, text in enumerate(index.texts) if lang is None or index.langs[i] == lang}
    if not choices:
        return []
    matches = process.extract(normalize(words), choices, scorer=fuzz.WRatio, limit=max(limit * 6, 12))
    best: dict[str, Suggestion] = {}
    for _, similarity, position in matches:
        key, phrase_lang = index.ids[position], index.langs[position]
        if key not in best or similarity > best[key].similarity:
            best[key] = Suggestion(key, phrase_lang, float(similarity), index.clients.get((key, phrase_lang), ""),
                                   index.answers.get((key, phrase_lang), ""))
    return sorted(best.values(), key=lambda item: -item.similarity)[:limit]


def rank_objections(catalog: Catalog, words: str, limit: int = 5,
                    lang: str | None = None) -> list[tuple[Objection, str, float]]:
    """Objections whose client phrases are closest to `words`: (objection, language, similarity 0–100)."""
    by_id = {objection.id: objection for objection in catalog.objections}
    return [(by_id[found.objection_id], found.lang, found.similarity)
            for found in rank_phrases(phrase_index(catalog), words, limit, lang)]


def _phrases(catalog: Catalog) -> Iterable[tuple[Objection, str, str]]:
    for objection in catalog.objections:
        for lang in LANGS:
            if objection.client.get(lang):
                yield objection, lang, objection.client[lang]
            for variant in objection.variants.get(lang, ()):
                yield objection, lang, variant


def filter_objections(catalog: Catalog, *, domain: str | None = None, tag: str | None = None,
                      difficulty: int | None = None, lang: str | None = None) -> list[Objection]:
    return [
        objection
        for objection in catalog.objections
        if (domain is None or objection.domain == domain)
        and (tag is None or tag in objection.tags)
        and (difficulty is None or objection.difficulty == difficulty)
        and (lang is None or lang in objection.langs)
    ]
