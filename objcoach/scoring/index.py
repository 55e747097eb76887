"""What the scorer derives from a catalog, kept in one ScoringIndex per catalog.

Marker phrases compiled and filed in inverted indexes, each objection's texts stemmed once, the words of
each domain, the effective settings and checklist weights. The catalog never carries any of it: the scorer
asks `scoring_index(catalog)`, which builds the index on first use and remembers it for that catalog object.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple

from objcoach.catalog.model import Catalog, Objection
from objcoach.scoring.model import GraderModel, load_model
from objcoach.scoring.settings import KEY_POINT_SHARE, TYPO_MIN, settings_for
from objcoach.scoring.text import NEGATIONS, STOPWORDS, Analysis, analyze, stems_of


class Phrase(NamedTuple):
    """A marker phrase, stemmed."""

    text: str
    stems: tuple[str, ...]
    negated: bool  # the phrase holds a negation itself ("вы не правы"): no negation guard
    words: tuple[str, ...] = ()  # the normalised words behind the stems


def phrase(text: str) -> Phrase:
    words = analyze(text)
    return Phrase(text, tuple(words.stems), any(norm in NEGATIONS for norm in words.norms), tuple(words.norms))


class KeyPoint(NamedTuple):
    label: str  # the point's first alternative, as the catalog writes it
    stems: frozenset[str]  # every stem of every alternative: a reply sharing none of them misses the point
    alternatives: tuple[tuple[tuple[str, ...], int], ...]  # (an alternative's stems, how many must appear)


class Prepared(NamedTuple):
    """An objection's texts in one language, stemmed once."""

    answers: tuple[str, ...]
    answer_keys: tuple[str, ...]  # content stems of each answer, as one string for rapidfuzz
    sorted_keys: tuple[str, ...]  # the same stems sorted: token_sort_ratio without sorting each time
    answer_stems: tuple[frozenset[str], ...]  # the same stems as a set, for the words a reply shares with it
    key_points: tuple[KeyPoint, ...]
    client_stems: frozenset[str]
    client_keys: tuple[str, ...]  # each client phrase as its stems, for sequence similarity
    vocabulary: frozenset[str]  # content stems of every text of the objection: what is on topic
    # what a wrong answer says (the catalog's `wrong:`): each claim's alternatives, found as markers are
    wrong: tuple[tuple[Phrase, ...], ...] = ()


def prepare(objection: Objection, lang: str) -> Prepared:
    read = _reader()
    answers = objection.answers.get(lang, ())
    answer_keys = tuple(" ".join(read(answer).content) for answer in answers)
    sorted_keys = tuple(" ".join(sorted(key.split())) for key in answer_keys)
    answer_stems = tuple(frozenset(key.split()) for key in answer_keys)
    key_points = []
    for point in objection.key_points.get(lang, ()):
        alternatives = tuple(read(alt).content or tuple(read(alt).stems) for alt in point.split("|") if alt.strip())
        needs = tuple((stems, math.ceil(KEY_POINT_SHARE * len(stems)) or 1) for stems in alternatives)
        key_points.append(KeyPoint(point.split("|")[0].strip(), frozenset().union(*alternatives), needs))
    clients = [objection.client.get(lang, ""), *objection.variants.get(lang, ())]
    client_stems = frozenset(s for phrase in clients for s in read(phrase).content_stems)
    texts = [*clients, *answers, objection.context.get(lang, ""), objection.tips.get(lang, ""),
             *objection.key_points.get(lang, ())]
    vocabulary = frozenset(s for text in texts for s in read(text.replace("|", " ")).content_stems)
    client_keys = tuple(" ".join(read(phrase).stems) for phrase in clients if phrase)
    return Prepared(answers, answer_keys, sorted_keys, answer_stems, tuple(key_points), client_stems, client_keys,
                    vocabulary, tuple(_claim(claim) for claim in objection.wrong.get(lang, ())))


def _reader() -> Callable[[str], Analysis]:
    """analyze, each text read once: an objection's answers and client phrases serve several of its parts."""
    return lru_cache(maxsize=None)(analyze)


def _claim(text: str) -> tuple[Phrase, ...]:
    return tuple(phrase(part.strip()) for part in text.split("|") if part.strip())


class MarkerIndex(NamedTuple):
    """Marker phrases with an inverted index, so a reply is checked only against the phrases whose every
    stem it holds."""

    entries: tuple[tuple[str, Phrase], ...]  # (technique or antipattern id, phrase), in priority order
    postings: dict[str, tuple[int, ...]]  # rarest stem -> phrases
    anchors: frozenset[str]  # the stems phrases are filed under, as a set: intersected with a reply's in C
    needed: tuple[tuple[str, ...], ...]  # the distinct stems each phrase needs besides the one it is filed under

    @classmethod
    def build(cls, groups: dict[str, tuple[Phrase, ...]]) -> MarkerIndex:
        entries = tuple((key, phrase) for key, phrases in groups.items() for phrase in phrases)
        frequency: dict[str, int] = {}
        for _, phrase in entries:
            for stem in set(phrase.stems):
                frequency[stem] = frequency.get(stem, 0) + 1
        # each phrase is filed under its rarest stem only: a reply's common words ("вы", "you") then
        # wake few phrases, and the rest of each phrase is a set lookup
        postings: dict[str, list[int]] = {}
        needed: list[tuple[str, ...]] = []
        for index, (_, phrase) in enumerate(entries):
            anchor = min(set(phrase.stems), key=lambda stem: (frequency[stem], stem)) if phrase.stems else ""
            if anchor:
                postings.setdefault(anchor, []).append(index)
            needed.append(tuple(sorted(set(phrase.stems) - {anchor})))
        return cls(entries, {stem: tuple(found) for stem, found in postings.items()}, frozenset(postings),
                   tuple(needed))

    def candidates(self, keys: set[str] | frozenset[str]) -> dict[str, list[Phrase]]:
        """Per id, the phrases (in priority order) whose every stem is among `keys`."""
        postings, needed = self.postings, self.needed
        # the anchors present come from one set intersection in C; a one-word phrase needs nothing more
        hits = [index for key in keys & self.anchors for index in postings[key]
                if not needed[index] or keys.issuperset(needed[index])]
        if not hits:
            return {}
        found: dict[str, list[Phrase]] = {}
        for index in sorted(hits):
            key, phrase = self.entries[index]
            found.setdefault(key, []).append(phrase)
        return found


class Markers(NamedTuple):
    """One language's technique and antipattern markers, compiled and indexed."""

    techniques: dict[str, tuple[Phrase, ...]]  # longest phrase first: the evidence quoted is the fullest
    technique_index: MarkerIndex
    antipattern_index: MarkerIndex
    long_technique_index: MarkerIndex  # the technique markers of more than one word
    form_stems: frozenset[str]  # words that show form, not topic: relevance ignores them
    typos: Typos  # technique marker stems by their one-letter deletions, to find them misspelt


class Typos(NamedTuple):
    """Technique marker stems (of TYPO_MIN letters or more) filed under themselves and each of their one-letter
    deletions: a misspelt reply stem shares one of these keys with the stem it misspells (a letter dropped,
    added, changed or two swapped). Two marker words written together («потомучто») are found by `fused`."""

    deletions: dict[str, tuple[str, ...]]
    stems: frozenset[str]  # every technique marker stem: a reply stem among them needs no correction
    words: frozenset[str]  # every technique marker word as written (normalised), for fused pairs
    memo: dict[str, tuple[str, ...]]  # corrections found so far, by reply word

    @classmethod
    def build(cls, phrases: Iterable[Phrase]) -> Typos:
        phrases = list(phrases)
        stems = {stem for p in phrases for stem in p.stems}
        deletions: dict[str, set[str]] = {}
        for stem in stems:
            if len(stem) >= TYPO_MIN:
                for key in _deletions(stem):
                    deletions.setdefault(key, set()).add(stem)
        return cls({key: tuple(sorted(found)) for key, found in deletions.items()}, frozenset(stems),
                   frozenset(word for p in phrases for word in p.words), {})


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def compile_markers(catalog: Catalog, lang: str) -> Markers:
    # a marker of one function word («но», "but", «конечно») proves nothing alone: it earns nothing
    techniques = {key: tuple(sorted((p for p in map(phrase, t.markers.get(lang, ())) if not _bare(p)),
                                    key=lambda p: -len(p.stems)))
                  for key, t in catalog.techniques.items()}
    antipatterns = {key: tuple(phrase(m) for m in a.markers.get(lang, ())) for key, a in catalog.antipatterns.items()}
    long_ones = {key: tuple(p for p in phrases if len(p.stems) > 1) for key, phrases in techniques.items()}
    # a word of a technique marker is topical after all when some key point of the catalog uses it
    # (cashback, refund...)
    form = {s for phrases in techniques.values() for p in phrases for s in p.stems}
    topical = {s for o in catalog.objections for point in o.key_points.get(lang, ())
               for s in stems_of(point.replace("|", " "))}
    return Markers(techniques, MarkerIndex.build(techniques), MarkerIndex.build(antipatterns),
                   MarkerIndex.build(long_ones), frozenset(form - topical),
                   Typos.build(p for phrases in techniques.values() for p in phrases))


def _bare(marker: Phrase) -> bool:
    return len(marker.words) == 1 and marker.words[0] in STOPWORDS


class Checklist(NamedTuple):
    weights: dict[str, float]  # a required technique weighs `required_weight`, the others 1
    total: float
    order: dict[str, int]  # each technique's place in the list


class ScoringIndex:
    """Everything the scorer derives from one catalog. Each part is built the first time a reply needs it
    (a single `objcoach score` needs one language and one objection) and kept for the next reply."""

    __slots__ = ("_catalog", "_checklists", "_markers", "_model", "_prepared", "_vocabularies", "settings")

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self.settings = settings_for(catalog)
        self._markers: dict[str, Markers] = {}
        self._prepared: dict[tuple[str, str], Prepared] = {}  # by objection id and language
        self._vocabularies: dict[tuple[str, str], frozenset[str]] = {}
        self._checklists: dict[str, Checklist] = {}  # by objection id
        self._model: GraderModel | None = None

    @property
    def model(self) -> GraderModel:
        """The grader model this catalog names (`scoring: {model: FILE}`), or the bundled one."""
        if self._model is None:
            self._model = load_model(self._catalog.model or None)
        return self._model

    def markers(self, lang: str) -> Markers:
        found = self._markers.get(lang)
        if found is None:
            found = self._markers[lang] = _cached_markers(self._catalog, lang)
        return found

    def prepared(self, objection: Objection, lang: str) -> Prepared:
        found = self._prepared.get((objection.id, lang))
        if found is None:
            found = self._prepared[objection.id, lang] = prepare(objection, lang)
        return found

    def domain_vocabulary(self, domain: str, lang: str) -> frozenset[str]:
        """Content words of every objection in a domain: an argument from a neighbouring script is on topic."""
        found = self._vocabularies.get((domain, lang))
        if found is None:
            found = self._vocabularies[domain, lang] = frozenset().union(
                *(self.prepared(o, lang).vocabulary for o in self._catalog.objections if o.domain == domain)
            ) if domain else frozenset()
        return found

    def checklist(self, objection: Objection) -> Checklist:
        found = self._checklists.get(objection.id)
        if found is None:
            weights = {tid: self.settings["required_weight"] if tid in objection.required else 1.0
                       for tid in objection.checklist}
            found = self._checklists[objection.id] = Checklist(
                weights, sum(weights.values()), {tid: place for place, tid in enumerate(objection.checklist)})
        return found


def _cached_markers(catalog: Catalog, lang: str) -> Markers:
    """One language's markers of a catalog read from files, from the cache beside the catalog's: compiling
    them stems some 450 phrases, several times the work of a whole `objcoach score`, and unpickling them
    is a tenth of that. A catalog built in memory (no fingerprint) compiles its own."""
    if not catalog.fingerprint:
        return compile_markers(catalog, lang)
    from objcoach.catalog import cache

    found = cache.read(f"markers-{lang}", catalog.fingerprint)
    if isinstance(found, Markers):
        return found
    made = compile_markers(catalog, lang)
    cache.write(f"markers-{lang}", catalog.fingerprint, made)
    return made


@lru_cache(maxsize=8)  # a Catalog hashes by identity: one index per catalog object, a few kept alive
def scoring_index(catalog: Catalog) -> ScoringIndex:
    """The scoring index of this catalog, built once per catalog object."""
    return ScoringIndex(catalog)
