"""Read one reply against one objection: everything the grader judges by, before any verdict.

- closeness: how near the reply is to the nearest model answer, on stemmed content words;
- techniques: the objection's checklist, found by marker phrases (on stems, any order within a
  small window, not after a negation) or by general detectors (a question, a concrete figure);
- key points: what this objection's answer should mention; any alternative of a point counts;
- the guards (guards.py) and antipatterns: what fuzzy matching alone would reward wrongly (empty, too
  short, «не знаю», a wrong claim, a copy of the client's words, a jab, keyword stuffing, off-topic, the
  other language, too long).
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from rapidfuzz import fuzz

from objcoach.catalog.model import Catalog, Objection
from objcoach.scoring import guards
from objcoach.scoring.guards import Guard
from objcoach.scoring.index import Checklist, Phrase, Prepared, scoring_index
from objcoach.scoring.matcher import Matcher
from objcoach.scoring.result import Hit
from objcoach.scoring.text import STOPWORDS, Analysis, analyze


class Closeness(NamedTuple):
    answer: str  # the nearest model answer ("" when there is none)
    similarity: float  # 0–100
    shared: str  # the reply's words that answer also has


class Techniques(NamedTuple):
    hit: list[Hit]  # checklist techniques found, in checklist order
    missed: list[str]
    extra: list[Hit]  # techniques found that are not on the checklist
    covered: set[int]  # the reply's tokens that their markers matched


class KeyPoints(NamedTuple):
    hit: list[Hit]
    missed: list[str]
    covered: set[int]  # the reply's tokens that the points matched


class Measured(NamedTuple):
    """Everything the scorer finds in one reply before its verdict: what the features and the evidence are made of."""

    reply: str
    lang: str  # the language the reply was expected in
    text: Analysis
    closeness: Closeness
    checklist: Checklist
    techniques: Techniques
    points: KeyPoints
    n_points: int
    checks: list[Guard]
    conf: dict[str, float]
    topical: float  # share of the reply's content words that the objection's own texts use


def measure(reply: str, objection: Objection, catalog: Catalog, lang: str | None = None,
            *, exclude_answer: str | None = None) -> Measured:
    """Find in `reply` what the scorer judges by: closeness, techniques, key points and the guards' findings."""
    index = scoring_index(catalog)
    conf = index.settings
    reply, cut = guards.cut(reply)
    text = analyze(reply)
    expected = lang or (text.lang if text.lang in objection.langs else None) or (objection.langs or ("ru",))[0]
    prepared = index.prepared(objection, expected)
    markers = index.markers(expected)
    matcher = Matcher(text, markers.typos)

    closeness = _closeness(text, prepared, exclude_answer)
    checklist = index.checklist(objection)
    techniques = _techniques(matcher, checklist.order, catalog, markers.technique_index.candidates(matcher.loose_keys))
    points = _key_points(matcher, prepared)
    domain = partial(index.domain_vocabulary, objection.domain, expected)
    checks = [
        cut,
        *guards.antipatterns(matcher, markers.antipattern_index, catalog, conf),
        guards.empty_or_short(text, conf),
        guards.dont_know(matcher, conf),
        guards.wrong_claim(matcher, prepared, conf),
        guards.copy(text, prepared, conf),
        guards.jab(text, markers.long_technique_index, conf),
        guards.stuffing(text, len(techniques.covered | points.covered), conf),
        guards.off_topic(text, closeness.similarity, bool(points.hit), prepared.vocabulary, domain,
                         markers.form_stems, conf),
        guards.other_language(text, expected, conf),
        guards.too_long(text, cut.flag is not None, conf),
    ]
    content = text.content_stems
    topical = len(content & prepared.vocabulary) / len(content) if content else 0.0
    return Measured(reply, expected, text, closeness, checklist, techniques, points, len(prepared.key_points),
                    checks, conf, topical)


def _closeness(text: Analysis, prepared: Prepared, exclude: str | None) -> Closeness:
    """The nearest model answer, on content stems: half token-set, half token-sort similarity."""
    content = text.content
    key = " ".join(content)
    sorted_key = " ".join(sorted(content))  # stems hold no spaces: the same as sorting key.split()
    token_set_ratio, ratio = fuzz.token_set_ratio, fuzz.ratio
    best, best_similarity = "", -1.0
    best_stems: frozenset[str] = frozenset()
    for answer, answer_key, sorted_answer, stems in zip(prepared.answers, prepared.answer_keys, prepared.sorted_keys,
                                                        prepared.answer_stems, strict=True):
        if exclude is not None and answer == exclude:
            continue
        # token_sort_ratio is the ratio of the sorted words: the answers' are sorted once, in index.prepare
        similarity = 0.5 * token_set_ratio(key, answer_key) + 0.5 * ratio(sorted_key, sorted_answer)
        if similarity > best_similarity:
            best, best_stems, best_similarity = answer, stems, similarity
    if not best:
        return Closeness("", 0.0, "")
    shared = " ".join(dict.fromkeys([norm for norm, stem in zip(text.norms, text.stems, strict=True)
                                     if stem in best_stems and norm not in STOPWORDS]))
    return Closeness(best, best_similarity, shared)


def _techniques(matcher: Matcher, order: dict[str, int], catalog: Catalog, candidates: dict[str, list[Phrase]],
                ) -> Techniques:
    """The catalog's techniques the reply shows, by their markers (the `candidates` it may hold) or their
    detectors; `order` is each checklist technique's place in the list."""
    text = matcher.text
    hits: list[Hit] = []
    missed: list[str] = []
    extra: list[Hit] = []
    covered: set[int] = set()
    for tid, technique in catalog.techniques.items():
        phrases = candidates.get(tid)
        found = matcher.first(phrases) if phrases else None
        if found:
            covered.update(found.tokens)
            evidence = text.quote(found.first, found.last)
        elif "question" in technique.detect and text.questions:
            evidence = text.questions[0]
        elif "number" in technique.detect and text.numbers:
            evidence = text.numbers[0]
        else:
            evidence = ""
        if tid in order:
            if evidence:
                hits.append(Hit(tid, evidence))
            else:
                missed.append(tid)
        elif evidence:
            extra.append(Hit(tid, evidence))
    hits.sort(key=lambda hit: order[hit.id])
    missed.sort(key=order.__getitem__)
    return Techniques(hits, missed, extra, covered)


def _key_points(matcher: Matcher, prepared: Prepared) -> KeyPoints:
    """The objection's key points the reply makes: enough words of any one alternative of each."""
    hits: list[Hit] = []
    missed: list[str] = []
    covered: set[int] = set()
    keys = matcher.loose_keys
    for label, point_stems, alternatives in prepared.key_points:
        if keys.isdisjoint(point_stems):  # most points of most replies: no word in common, one check in C
            missed.append(label)
            continue
        evidence = ""
        for stems, need in alternatives:
            # counted in C first: most alternatives of most points are missing from a reply
            if sum(map(keys.__contains__, stems)) < need:
                continue
            matched = sorted({i for s in stems if s in keys for i in matcher.positions(s)})
            covered.update(matched)
            evidence = " ".join(dict.fromkeys([matcher.text.norms[i] for i in matched]))
            break
        if evidence:
            hits.append(Hit(label, evidence))
        else:
            missed.append(label)
    return KeyPoints(hits, missed, covered)
