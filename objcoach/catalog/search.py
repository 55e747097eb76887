"""Find an objection by its id or by the client's words (either language, any variant)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from objcoach.catalog.model import Catalog, Objection
from objcoach.errors import ObjectionNotFoundError

if TYPE_CHECKING:  # the lookup (and SQLite) is imported only when words are looked up, not for an id
    from objcoach.catalog.lookup import Found

_ID_SHAPE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)+")  # how ids look; client speech never does


def resolve_objection(catalog: Catalog, query: str) -> tuple[Objection, str | None]:
    """The objection `query` names: its id, or the client's words (confidently recognised). Returns the
    objection and the language of the words (None for an id); raises ObjectionNotFoundError naming the
    nearest ids when the words fit no objection well enough, or when an id is misspelt."""
    wanted = query.strip()
    found = catalog.get(wanted)
    if found:
        return found, None
    if not catalog.objections:
        raise ObjectionNotFoundError(said="no_objections")
    if _ID_SHAPE.fullmatch(wanted):  # a misspelt id: name the ids it is closest to, never guess
        from rapidfuzz import process

        ids = [objection.id for objection in catalog.objections]
        nearest = ", ".join(match for match, _, _ in process.extract(wanted, ids, limit=3))
        raise ObjectionNotFoundError(said="no_id", query=query, nearest=nearest)
    from objcoach.catalog.lookup import lookup

    ranked = lookup(catalog, wanted, limit=3)
    if ranked and ranked[0].confident:
        found = catalog.get(ranked[0].objection_id)
        if found:
            return found, ranked[0].lang
    nearest = ", ".join(item.objection_id for item in ranked)
    raise ObjectionNotFoundError(said="no_match", query=query, nearest=nearest or ("search.none", {}))


def rank_objections(catalog: Catalog, words: str, limit: int = 5, lang: str | None = None) -> list[Found]:
    """The objections the client's words may be, best first (see objcoach.catalog.lookup)."""
    from objcoach.catalog.lookup import lookup

    return lookup(catalog, words, limit=limit, lang=lang)


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
