"""Frozen data of the domain: catalog entries, scores and attempts. No I/O here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar, overload

LANGS = ("ru", "en")
VERDICTS = ("excellent", "good", "partial", "weak", "fail")
DONE_SCORE = 70  # an assignment is done once the operator scores this much on it

# A text in each language the entry carries: {"ru": "...", "en": "..."}.
Texts = dict[str, str]
TextLists = dict[str, tuple[str, ...]]


class Record:
    """A small value class: its fields are slots, set once in __init__; equal by value, shown by
    field, pickled as the tuple of its values. Written out by hand rather than with dataclasses, whose
    generated code costs about a millisecond a class at import, and `objcoach score` has a budget of a
    few milliseconds for all of its own start-up."""

    _fields: tuple[str, ...] = ()  # in the order of __init__'s parameters
    __slots__ = ()

    def values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def replace(self: R, **changes: Any) -> R:
        """A copy with some fields changed."""
        return type(self)(**{**dict(zip(self._fields, self.values(), strict=True)), **changes})

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.values() == other.values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # fields hold dicts: not hashable, like the data they hold

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), self.values()


R = TypeVar("R", bound=Record)


class Technique(Record):
    _fields = ("id", "title", "why", "markers", "examples", "detect")
    __slots__ = _fields

    def __init__(self, id: str, title: Texts, why: Texts, markers: TextLists, examples: TextLists,
                 detect: tuple[str, ...] = ()) -> None:
        self.id = id
        self.title = title
        self.why = why
        self.markers = markers
        self.examples = examples
        # General detectors besides markers: "question" (an interrogative sentence),
        # "number" (a concrete figure in the reply).
        self.detect = detect


class Antipattern(Record):
    _fields = ("id", "title", "markers", "severity", "advice")
    __slots__ = _fields

    def __init__(self, id: str, title: Texts, markers: TextLists, severity: str,
                 advice: Texts | None = None) -> None:
        self.id = id
        self.title = title
        self.markers = markers
        self.severity = severity  # "block": the reply fails; "warn": points are taken off
        self.advice: Texts = advice if advice is not None else {}


class Objection(Record):
    _fields = ("id", "client", "answers", "variants", "context", "domain", "tags", "difficulty", "checklist",
                 "required", "key_points", "tips", "source", "origin")
    __slots__ = _fields
    # compared by identity: scoring caches per objection
    __eq__ = object.__eq__  # type: ignore[assignment]
    __hash__ = object.__hash__  # type: ignore[assignment]

    def __init__(self, id: str, client: Texts, answers: TextLists, variants: TextLists | None = None,
                 context: Texts | None = None, domain: str = "", tags: tuple[str, ...] = (), difficulty: int = 1,
                 checklist: tuple[str, ...] = (), required: tuple[str, ...] = (),
                 key_points: TextLists | None = None, tips: Texts | None = None, source: str = "",
                 origin: str = "") -> None:
        self.id = id
        self.client = client
        self.answers = answers
        self.variants: TextLists = variants if variants is not None else {}
        self.context: Texts = context if context is not None else {}
        self.domain = domain
        self.tags = tags
        self.difficulty = difficulty
        self.checklist = checklist
        self.required = required
        self.key_points: TextLists = key_points if key_points is not None else {}
        self.tips: Texts = tips if tips is not None else {}
        self.source = source
        self.origin = origin  # "file:line" where the entry starts

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
        encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps would build one an objection
        texts = tuple(self._texts) if self._texts is not None else \
            tuple(encode(_as_json(objection)) for objection in self)
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
    data = dict(zip(Objection._fields, objection.values(), strict=True))
    return {name: ({k: list(v) for k, v in value.items()} if name in _LIST_FIELDS else
                   list(value) if name in _TUPLE_FIELDS else value) for name, value in data.items()}


def _from_json(data: dict[str, Any]) -> Objection:
    for name in _LIST_FIELDS:
        data[name] = {lang: tuple(items) for lang, items in data[name].items()}
    for name in _TUPLE_FIELDS:
        data[name] = tuple(data[name])
    return Objection(**data)


class Catalog(Record):
    _fields = ("techniques", "antipatterns", "objections", "settings", "memo")
    __slots__ = _fields
    __eq__ = object.__eq__  # type: ignore[assignment]
    __hash__ = object.__hash__  # type: ignore[assignment]

    def __init__(self, techniques: dict[str, Technique], antipatterns: dict[str, Antipattern],
                 objections: Sequence[Objection], settings: dict[str, float] | None = None,
                 memo: dict[object, object] | None = None) -> None:
        self.techniques = techniques
        self.antipatterns = antipatterns
        self.objections = objections
        # Scoring constants a catalog overrides (see scoring.DEFAULT_SETTINGS).
        self.settings: dict[str, float] = settings if settings is not None else {}
        # Derived data the scorer computes once per catalog (compiled markers...); kept in the cache file.
        self.memo: dict[object, object] = memo if memo is not None else {}

    def __repr__(self) -> str:  # the memo is large and says nothing to a reader
        return f"Catalog({len(self.objections)} objections, {len(self.techniques)} techniques)"

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


class Score(Record):
    _fields = ("objection_id", "lang", "score", "verdict", "components", "techniques_hit", "techniques_missed",
                 "key_points_hit", "key_points_missed", "flags", "closest_answer", "shared_words", "reply")
    __slots__ = _fields

    def __init__(self, objection_id: str, lang: str, score: int, verdict: str, components: dict[str, float],
                 techniques_hit: tuple[Hit, ...], techniques_missed: tuple[str, ...],
                 key_points_hit: tuple[Hit, ...], key_points_missed: tuple[str, ...], flags: tuple[Hit, ...],
                 closest_answer: str, shared_words: str = "", reply: str = "") -> None:
        self.objection_id = objection_id
        self.lang = lang
        self.score = score
        self.verdict = verdict
        self.components = components
        self.techniques_hit = techniques_hit
        self.techniques_missed = techniques_missed
        self.key_points_hit = key_points_hit
        self.key_points_missed = key_points_missed
        self.flags = flags
        self.closest_answer = closest_answer
        self.shared_words = shared_words  # the reply's words that the closest answer also has
        self.reply = reply

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
