"""Frozen data of the domain: catalog entries, scores and attempts. No I/O here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, overload

LANGS = ("ru", "en")
VERDICTS = ("excellent", "good", "partial", "weak", "fail")

# A text in each language the entry carries: {"ru": "...", "en": "..."}.
Texts = dict[str, str]
TextLists = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Technique:
    id: str
    title: Texts
    why: Texts
    markers: TextLists
    examples: TextLists
    # General detectors besides markers: "question" (an interrogative sentence),
    # "number" (a concrete figure in the reply).
    detect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Antipattern:
    id: str
    title: Texts
    markers: TextLists
    severity: str  # "block": the reply fails; "warn": points are taken off
    advice: Texts = field(default_factory=dict)


@dataclass(frozen=True, eq=False)  # compared by identity: scoring caches per objection
class Objection:
    id: str
    client: Texts
    answers: TextLists
    variants: TextLists = field(default_factory=dict)
    context: Texts = field(default_factory=dict)
    domain: str = ""
    tags: tuple[str, ...] = ()
    difficulty: int = 1
    checklist: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    key_points: TextLists = field(default_factory=dict)
    tips: Texts = field(default_factory=dict)
    source: str = ""
    origin: str = ""  # "file:line" where the entry starts

    @property
    def langs(self) -> tuple[str, ...]:
        """The languages this entry can be drilled in: it has the client's words and answers."""
        return tuple(lang for lang in LANGS if self.client.get(lang) and self.answers.get(lang))


_TUPLE_FIELDS = ("tags", "checklist", "required")
_LIST_FIELDS = ("answers", "variants", "key_points")


class ObjectionList(Sequence[Objection]):
    """A catalog's objections. In the cache file each one is a single JSON text, built into an Objection
    the first time it is used: a catalog of thousands loads in milliseconds, and a command that needs one
    objection builds one."""

    def __init__(self, objections: Iterable[Objection] = ()) -> None:
        built = list(objections)
        self._built: list[Objection | None] = list(built)
        self._texts: list[str] | None = None
        self.ids: list[str] = [objection.id for objection in built]

    @classmethod
    def _from_texts(cls, ids: str, texts: tuple[str, ...]) -> ObjectionList:
        found = cls()
        found.ids = ids.split("\n") if ids else []
        found._texts = list(texts)
        found._built = [None] * len(texts)
        return found

    def __reduce__(self) -> tuple[Any, ...]:
        texts = tuple(self._texts) if self._texts is not None else \
            tuple(json.dumps(_as_json(objection), ensure_ascii=False) for objection in self)
        return (ObjectionList._from_texts, ("\n".join(self.ids), texts))

    def __len__(self) -> int:
        return len(self._built)

    @overload
    def __getitem__(self, index: int) -> Objection: ...

    @overload
    def __getitem__(self, index: slice) -> list[Objection]: ...

    def __getitem__(self, index: int | slice) -> Objection | list[Objection]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        found = self._built[index]
        if found is None:
            assert self._texts is not None
            found = self._built[index] = _from_json(json.loads(self._texts[index]))
        return found

    def __iter__(self) -> Iterator[Objection]:
        for n in range(len(self)):
            yield self[n]


def _as_json(objection: Objection) -> dict[str, Any]:
    data = {name: getattr(objection, name) for name in objection.__dataclass_fields__}
    return {name: ({k: list(v) for k, v in value.items()} if name in _LIST_FIELDS else
                   list(value) if name in _TUPLE_FIELDS else value) for name, value in data.items()}


def _from_json(data: dict[str, Any]) -> Objection:
    for name in _LIST_FIELDS:
        data[name] = {lang: tuple(items) for lang, items in data[name].items()}
    for name in _TUPLE_FIELDS:
        data[name] = tuple(data[name])
    return Objection(**data)


@dataclass(frozen=True, eq=False)
class Catalog:
    techniques: dict[str, Technique]
    antipatterns: dict[str, Antipattern]
    objections: Sequence[Objection]
    # Scoring constants a catalog overrides (see scoring.DEFAULT_SETTINGS).
    settings: dict[str, float] = field(default_factory=dict)
    # Derived data the scorer computes once per catalog (compiled markers...); kept in the cache file.
    memo: dict[object, object] = field(default_factory=dict, repr=False)

    def get(self, objection_id: str) -> Objection | None:
        positions = self.memo.get("positions")
        if not isinstance(positions, dict):
            ids = self.objections.ids if isinstance(self.objections, ObjectionList) else \
                [objection.id for objection in self.objections]
            positions = self.memo["positions"] = {key: n for n, key in enumerate(ids)}
        position = positions.get(objection_id)
        return self.objections[position] if position is not None else None


class Hit(NamedTuple):  # a tuple: cheap to create, a batch makes millions
    """Something found in a reply, with the reply's own words as evidence."""

    id: str
    evidence: str = ""


@dataclass(frozen=True)
class Score:
    objection_id: str
    lang: str
    score: int
    verdict: str
    components: dict[str, float]
    techniques_hit: tuple[Hit, ...]
    techniques_missed: tuple[str, ...]
    key_points_hit: tuple[Hit, ...]
    key_points_missed: tuple[str, ...]
    flags: tuple[Hit, ...]
    closest_answer: str
    shared_words: str = ""  # the reply's words that the closest answer also has
    reply: str = ""

    @property
    def flag_ids(self) -> tuple[str, ...]:
        return tuple(flag.id for flag in self.flags)

    def to_dict(self) -> dict[str, object]:
        return {
            "objection_id": self.objection_id,
            "lang": self.lang,
            "score": self.score,
            "verdict": self.verdict,
            "components": {name: round(points, 1) for name, points in self.components.items()},
            "techniques": {
                "hit": [{"id": hit.id, "evidence": hit.evidence} for hit in self.techniques_hit],
                "missed": list(self.techniques_missed),
            },
            "key_points": {
                "hit": [{"id": hit.id, "evidence": hit.evidence} for hit in self.key_points_hit],
                "missed": list(self.key_points_missed),
            },
            "flags": [{"id": flag.id, "evidence": flag.evidence} for flag in self.flags],
            "closest_answer": self.closest_answer,
            "shared_words": self.shared_words,
        }
