"""Find an objection by its id or by the client's words (either language, any variant)."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from objcoach.catalog.model import LANGS, Catalog, Objection
from objcoach.errors import ObjectionNotFoundError

RESOLVE_MIN_SCORE = 60.0  # below this the words match no objection
RESOLVE_MIN_SCORE_ONE_WORD = 80.0  # a single word (or a mistyped id) must fit a phrase this well
RESOLVE_MARGIN = 4.0  # two objections closer than this to each other: ambiguous


class Suggestion(NamedTuple):
    objection: Objection
    lang: str
    similarity: float  # 0–100

    @property
    def objection_id(self) -> str:
        return self.objection.id

    @property
    def client(self) -> str:
        return self.objection.client.get(self.lang, "")

    @property
    def answer(self) -> str:
        return (self.objection.answers.get(self.lang) or ("",))[0]


def resolve_objection(catalog: Catalog, query: str) -> tuple[Objection, str | None]:
    """The objection `query` names: its id, or the client's words. Returns the objection and the
    language of the phrase that matched (None for an id); raises ObjectionNotFoundError naming the
    nearest ids when nothing fits well or two objections fit alike."""
    wanted = query.strip()
    found = catalog.get(wanted)
    if found:
        return found, None
    ranked = rank_objections(catalog, wanted, limit=3)
    if not ranked:
        raise ObjectionNotFoundError("the catalog has no objections")
    top = ranked[0]
    nearest = ", ".join(found.objection_id for found in ranked)
    # one word fits part of many phrases ("nosuch" ~ "...enough!"): it must fit much better to count
    needed = RESOLVE_MIN_SCORE_ONE_WORD if len(wanted.split()) == 1 else RESOLVE_MIN_SCORE
    if top.similarity < needed:
        raise ObjectionNotFoundError(f"no objection matches {query!r}; nearest: {nearest}")
    if len(ranked) > 1 and top.similarity < 99 and top.similarity - ranked[1].similarity < RESOLVE_MARGIN:
        raise ObjectionNotFoundError(f"{query!r} is ambiguous: it fits {nearest}; give an id")
    return top.objection, top.lang


@lru_cache(maxsize=16)  # a Catalog hashes by identity: normalised once per catalog object and language
def client_phrases(catalog: Catalog, lang: str) -> tuple[tuple[str, ...], tuple[Objection, ...]]:
    """Every client phrase of one language (the words and the variants), normalised, and its objection."""
    from objcoach.scoring.text import normalize

    pairs = [(normalize(phrase), objection) for objection in catalog.objections
             for phrase in (objection.client.get(lang, ""), *objection.variants.get(lang, ())) if phrase]
    return tuple(text for text, _ in pairs), tuple(objection for _, objection in pairs)


def rank_objections(catalog: Catalog, words: str, limit: int = 5, lang: str | None = None) -> list[Suggestion]:
    """The objections whose client phrases are closest to `words`, best first, one row per objection."""
    from rapidfuzz import fuzz, process

    from objcoach.scoring.text import normalize

    query = normalize(words)
    best: dict[str, Suggestion] = {}
    order = {objection.id: n for n, objection in enumerate(catalog.objections)}
    for phrase_lang in (lang,) if lang else LANGS:
        texts, owners = client_phrases(catalog, phrase_lang)
        for _, similarity, position in process.extract(query, texts, scorer=fuzz.WRatio, processor=None,
                                                       limit=max(limit * 6, 12)):
            objection = owners[position]
            if objection.id not in best or similarity > best[objection.id].similarity:
                best[objection.id] = Suggestion(objection, phrase_lang, float(similarity))
    top = sorted(best.values(), key=lambda found: (-found.similarity, order[found.objection_id]))
    return top[:limit]


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
