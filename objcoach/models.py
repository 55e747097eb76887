"""Frozen data of the domain: catalog entries, scores and attempts. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

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


@dataclass(frozen=True, eq=False)
class Catalog:
    techniques: dict[str, Technique]
    antipatterns: dict[str, Antipattern]
    objections: tuple[Objection, ...]
    sources: tuple[str, ...] = ()
    # Scoring constants a catalog overrides (see scoring.DEFAULT_SETTINGS).
    settings: dict[str, float] = field(default_factory=dict)
    # Derived data the scorer computes once per catalog (compiled markers...); kept in the cache file.
    memo: dict[object, object] = field(default_factory=dict, repr=False)

    def get(self, objection_id: str) -> Objection | None:
        for objection in self.objections:
            if objection.id == objection_id:
                return objection
        return None


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
