"""The catalog's data: techniques, antipatterns and objections. No I/O here.

Entries are named tuples rather than dataclasses: a dataclass costs about six times as much to define, and
every `objcoach` command defines these at start. A catalog is a plain class, compared by identity: the
scorer keeps what it derives per catalog object."""

from __future__ import annotations

from collections.abc import Iterable
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


class Objection(NamedTuple):
    id: str
    client: Texts
    answers: TextLists
    variants: TextLists = {}  # noqa: RUF012  (never changed: a named tuple's fields are read only)
    context: Texts = {}  # noqa: RUF012
    domain: str = ""
    tags: tuple[str, ...] = ()
    difficulty: int = 1
    checklist: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    key_points: TextLists = {}  # noqa: RUF012
    tips: Texts = {}  # noqa: RUF012
    source: str = ""
    origin: str = ""  # "file:line" where the entry starts
    wrong: TextLists = {}  # noqa: RUF012  (claims a wrong answer makes; alternatives split by " | ")

    @property
    def langs(self) -> tuple[str, ...]:
        """The languages this entry can be drilled in: it has the client's words and answers."""
        return tuple(lang for lang in LANGS if self.client.get(lang) and self.answers.get(lang))


ENDS = ("resolved", "escalated", "lost")  # how a call can end
MOODS = ("calm", "irritated", "angry")


class Branch(NamedTuple):
    """Where a call goes after a reply. Every condition given must hold; none given: always (the fallback).
    A node's branches are tried in order and the first that holds is taken."""

    to: str  # a node id of the same scenario
    verdicts: tuple[str, ...] = ()  # the reply's verdict is one of these
    shown: tuple[str, ...] = ()  # every one of these techniques was used
    missing: tuple[str, ...] = ()  # at least one of these techniques was not used
    raised: tuple[str, ...] = ()  # at least one of these flags (antipattern, guard or "tone") was raised; "any": any
    where: str = ""  # file:line:col of the branch

    @property
    def always(self) -> bool:
        return not (self.verdicts or self.shown or self.missing or self.raised)


class Turn(NamedTuple):
    """One node of a scenario: the client's line and what the operator's reply should do there (an
    objection, either the catalog's own, named by `ref`, or one written inline for this node), or, at an end
    node, how the call ended and why."""

    id: str
    client: TextLists  # the client's line in each language: variants, the first is the main one
    mood: str = "calm"
    objection: Objection | None = None  # None at an end node
    ref: str = ""  # the catalog objection the node refers to ("" when written inline)
    next: tuple[Branch, ...] = ()
    end: str = ""  # one of ENDS at an end node
    why: Texts = {}  # noqa: RUF012  why the call ended this way
    where: str = ""  # file:line:col of the node


class Transcript(NamedTuple):
    """A scripted call that `validate` plays: the replies in order and the end it must reach."""

    lang: str
    replies: tuple[str, ...]
    end: str
    where: str = ""


class Scenario(NamedTuple):
    id: str
    title: Texts
    situation: Texts
    start: str
    nodes: dict[str, Turn]
    domain: str = ""
    tags: tuple[str, ...] = ()
    difficulty: int = 1
    tests: tuple[Transcript, ...] = ()
    source: str = ""
    origin: str = ""  # "file:line" where the scenario starts

    @property
    def langs(self) -> tuple[str, ...]:
        """The languages the whole call can be played in: every node has the client's words (and answers)."""
        return tuple(lang for lang in LANGS if self.title.get(lang) and all(
            turn.client.get(lang) and (turn.end or (turn.objection and lang in turn.objection.langs))
            for turn in self.nodes.values()))


def scenario_key(scenario_id: str) -> str:
    """The key of a scenario's card and assignment, where an objection's id goes ("scenario:<id>": an
    objection id can't hold ":", so the two never collide)."""
    return "scenario:" + scenario_id


def is_scenario_key(key: str) -> bool:
    return key.startswith("scenario:")


class Catalog:
    """One or more catalog files merged. `fingerprint` names the exact source files and code it was built
    from (empty for a catalog built in memory): what derived data is cached under. Compared by identity: the
    scorer keeps what it derives per catalog object."""

    __slots__ = ("_by_id", "added_answers", "antipatterns", "domains", "fingerprint", "model", "objections", "routine",
                 "scenarios", "settings", "tags", "techniques")

    def __init__(self, techniques: dict[str, Technique], antipatterns: dict[str, Antipattern],
                 objections: Iterable[Objection], settings: dict[str, float] | None = None,
                 fingerprint: str = "", model: str = "", routine: TextLists | None = None,
                 domains: dict[str, Texts] | None = None, tags: dict[str, Texts] | None = None,
                 added_answers: tuple[tuple[str, str, str, str], ...] = (),
                 scenarios: Iterable[Scenario] = ()) -> None:
        self.techniques = techniques
        self.antipatterns = antipatterns
        self.objections = tuple(objections)
        self.settings: dict[str, float] = settings or {}  # scoring constants a catalog overrides
        self.fingerprint = fingerprint
        self.model = model  # the grader model file the catalog names under `scoring:`, as an absolute path
        # what clients ask that is no objection (opening hours, a new address): the lookup weighs a query against
        # these too, so a routine request is not taken for the objection that shares a word with it
        self.routine: TextLists = routine or {}
        self.domains: dict[str, Texts] = domains or {}  # a domain's title in each language
        self.tags: dict[str, Texts] = tags or {}
        # answers a file's `answers:` section added to an objection defined elsewhere: (objection id, lang, answer,
        # file:line:col of the id there), so `validate FILE` self-tests what FILE added
        self.added_answers = added_answers
        self.scenarios = tuple(scenarios)  # whole calls (roleplay)
        self._by_id = {objection.id: objection for objection in self.objections}

    def __repr__(self) -> str:
        return (f"Catalog({len(self.objections)} objections, {len(self.scenarios)} scenarios, "
                f"{len(self.techniques)} techniques)")

    def get(self, objection_id: str) -> Objection | None:
        return self._by_id.get(objection_id)

    def answered(self, objection_id: str, scenario_id: str | None = None, node_id: str | None = None,
                 ) -> Objection | None:
        """The objection a stored reply answered: a roleplay turn's node's (by scenario and node), any other's
        by its id (a turn's too when its scenario is gone but the catalog objection it named is not); None
        when the catalog no longer has it."""
        if scenario_id and node_id:
            scenario = self.scenario(scenario_id)
            turn = scenario.nodes.get(node_id) if scenario else None
            if turn is not None:
                return turn.objection
        return self.get(objection_id)

    def node_objections(self) -> list[Objection]:
        """The objections scenarios write inline at their nodes (a node naming a catalog objection adds none)."""
        return [turn.objection for scenario in self.scenarios for turn in scenario.nodes.values()
                if turn.objection is not None and not turn.ref]

    def scenario(self, scenario_id: str) -> Scenario | None:
        return next((scenario for scenario in self.scenarios if scenario.id == scenario_id), None)
