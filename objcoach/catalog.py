"""Load, validate and merge objection catalogs; find an objection by id or by the client's words."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

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
RESOLVE_MIN_SCORE_ONE_WORD = 80.0  # a single word (or a mistyped id) must fit a phrase this well
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
    # one word fits part of many phrases ("nosuch" ~ "...enough!"): it must fit much better to count
    needed = RESOLVE_MIN_SCORE_ONE_WORD if len(wanted.split()) == 1 else RESOLVE_MIN_SCORE
    if top_score < needed:
        raise ObjectionNotFoundError(f"no objection matches {query!r}; nearest: {nearest}")
    if len(ranked) > 1 and top_score < 99 and top_score - ranked[1][2] < RESOLVE_MARGIN:
        raise ObjectionNotFoundError(f"{query!r} is ambiguous: it fits {nearest}; give an id")
    return top, top_lang


PREFILTER_ABOVE = 2_000  # phrases; larger catalogs are ranked in two stages
PREFILTER_KEEP = 300
_SEP = "\x1f"  # joins many texts into one string: one object to store and load instead of thousands
_WIDE = "utf-16-le"  # every phrase is read: this decodes ten times faster than UTF-8 for Cyrillic


class PhraseIndex:
    """Every client phrase (words and variants), normalised, with what a cheat sheet shows: enough for
    `suggest` without loading the whole catalog. Kept as a few large byte strings, so the cached copy of
    a catalog of thousands of objections loads in a millisecond: unpickling bytes is a copy, while text
    would be decoded whole, though a query reads one language's phrases and shows three answers."""

    __slots__ = ("ids", "langs", "owners", "shown", "shown_starts", "texts")

    def __init__(self, ids: str, langs: tuple[str, ...], texts: dict[str, bytes], owners: dict[str, bytes],
                 shown: dict[str, bytes], shown_starts: dict[str, bytes]) -> None:
        self.ids = ids  # objection ids, _SEP-joined, by objection number
        self.langs = langs
        self.texts = texts  # lang -> the normalised phrases, _SEP-joined, in _WIDE
        self.owners = owners  # lang -> the objection number of each phrase (native unsigned ints)
        self.shown = shown  # lang -> each objection's client words then first answer, all run together, UTF-8
        self.shown_starts = shown_starts  # lang -> where each of those starts in `shown`, and the end

    def phrases(self, lang: str) -> list[str]:
        blob = self.texts.get(lang, b"")
        return blob.decode(_WIDE, "surrogatepass").split(_SEP) if blob else []

    def owner_numbers(self, lang: str) -> Sequence[int]:
        return memoryview(self.owners[lang]).cast("I")

    def item(self, kind: str, lang: str, number: int) -> str:
        """The client's words ("clients") or first answer ("answers") of objection `number`."""
        starts = memoryview(self.shown_starts[lang]).cast("I")
        at = 2 * number + (kind == "answers")
        return self.shown[lang][starts[at] : starts[at + 1]].decode("utf-8", "surrogatepass")


class Suggestion(NamedTuple):
    objection_id: str
    lang: str
    similarity: float
    client: str
    answer: str


def _uints(values: Iterable[int]) -> bytes:
    """Native unsigned ints, as memoryview.cast("I") reads them back."""
    from array import array

    return array("I", values).tobytes()


def phrase_index(catalog: Catalog) -> PhraseIndex:
    """The catalog's phrase index, built once per catalog (and cached with it)."""
    from objcoach.text import normalize

    found = catalog.memo.get("phrase_index")
    if isinstance(found, PhraseIndex):
        return found
    texts: dict[str, list[str]] = {lang: [] for lang in LANGS}
    owners: dict[str, list[int]] = {lang: [] for lang in LANGS}
    shown: dict[str, list[bytes]] = {lang: [] for lang in LANGS}
    for number, objection in enumerate(catalog.objections):
        for lang in LANGS:
            client = objection.client.get(lang)
            for phrase in (client, *objection.variants.get(lang, ())) if client else objection.variants.get(lang, ()):
                texts[lang].append(normalize(phrase).replace(_SEP, " "))
                owners[lang].append(number)
            answer = (objection.answers.get(lang) or ("",))[0]
            shown[lang] += [(client or "").encode("utf-8", "surrogatepass"), answer.encode("utf-8", "surrogatepass")]
    starts = {lang: _uints(accumulate(map(len, shown[lang]), initial=0)) for lang in LANGS}
    found = catalog.memo["phrase_index"] = PhraseIndex(
        ids=_SEP.join(objection.id.replace(_SEP, " ") for objection in catalog.objections), langs=LANGS,
        texts={lang: _SEP.join(texts[lang]).encode(_WIDE, "surrogatepass") for lang in LANGS},
        owners={lang: _uints(owners[lang]) for lang in LANGS},
        shown={lang: b"".join(shown[lang]) for lang in LANGS}, shown_starts=starts,
    )
    return found


def rank_phrases(index: PhraseIndex, words: str, limit: int = 5, lang: str | None = None) -> list[Suggestion]:
    """The objections whose client phrases are closest to `words`, best first, one row per objection."""
    from rapidfuzz import fuzz, process

    from objcoach.text import normalize

    query = normalize(words)
    best: dict[int, tuple[float, str]] = {}  # objection number -> (similarity, language)
    for phrase_lang in (lang,) if lang else index.langs:
        phrases = index.phrases(phrase_lang or "")
        if not phrases:
            continue
        owners = index.owner_numbers(phrase_lang or "")
        positions: Sequence[int] = range(len(phrases))
        if len(phrases) > PREFILTER_ABOVE:  # a cheap scorer picks the candidates, WRatio ranks them
            positions = [position for _, _, position in process.extract(
                query, phrases, scorer=fuzz.token_set_ratio, processor=None, limit=PREFILTER_KEEP)]
        candidates = {position: phrases[position] for position in positions}
        for _, similarity, position in process.extract(query, candidates, scorer=fuzz.WRatio, processor=None,
                                                       limit=max(limit * 6, 12)):
            owner = owners[position]
            if owner not in best or similarity > best[owner][0]:
                best[owner] = (float(similarity), phrase_lang or "")
    if not best:
        return []
    ids = index.ids.split(_SEP)
    top = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [Suggestion(ids[owner], found_lang, similarity, index.item("clients", found_lang, owner),
                       index.item("answers", found_lang, owner))
            for owner, (similarity, found_lang) in top]


def rank_objections(catalog: Catalog, words: str, limit: int = 5,
                    lang: str | None = None) -> list[tuple[Objection, str, float]]:
    """Objections whose client phrases are closest to `words`: (objection, language, similarity 0–100)."""
    by_id = {objection.id: objection for objection in catalog.objections}
    return [(by_id[found.objection_id], found.lang, found.similarity)
            for found in rank_phrases(phrase_index(catalog), words, limit, lang)]


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
