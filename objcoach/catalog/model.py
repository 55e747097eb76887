"""The catalog's data: techniques, antipatterns and objections. No I/O here.

Objections and catalogs are frozen dataclasses compared by identity (the scorer keeps what it derives per
objection and per catalog object). Techniques and antipatterns are named tuples: a dataclass costs about
six times as much to define, and `objcoach score` defines these on every start."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

LANGS = ("ru", "en")

# A text in each language the entry carries: {"ru": "...", "en": "..."}.
Texts = dict[str, str]
TextLists = dict[str, tuple[str, ...]]


class Technique(NamedTuple):
    id: str
    title: Texts
    why: Texts
    markers: TextLists
    examples: TextLists
    # General detectors besides markers: "question" (an interrogative sentence), "number" (a concrete figure).
    detect: tuple[str, ...] = ()


class Antipattern(NamedTuple):
    id: str
    title: Texts
    markers: TextLists
    severity: str  # "block": the reply fails; "warn": points are taken off
    advice: Texts  # what to do instead


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: an entry is one place in one catalog
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


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    """One or more catalog files merged. `fingerprint` names the exact source files and code it was built
    from (empty for a catalog built in memory): what derived data is cached under. What the scorer derives
    from it lives in scoring.index, not here."""

    techniques: dict[str, Technique]
    antipatterns: dict[str, Antipattern]
    objections: tuple[Objection, ...]
    settings: dict[str, float] = field(default_factory=dict)  # scoring constants a catalog overrides
    fingerprint: str = ""
    _by_id: dict[str, Objection] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "objections", tuple(self.objections))
        object.__setattr__(self, "_by_id", {objection.id: objection for objection in self.objections})

    def get(self, objection_id: str) -> Objection | None:
        return self._by_id.get(objection_id)
