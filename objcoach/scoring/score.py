"""Score an operator's reply to an objection: 0–100, a verdict, and where every point came from.

Pure and deterministic. Components:
- closeness: how near the reply is to the nearest model answer, on stemmed content words;
- techniques: the objection's checklist, found by marker phrases (on stems, any order within a
  small window, not after a negation) or by general detectors (a question, a concrete figure);
- key points: what this objection's answer should mention; any alternative of a point counts;
- penalties and caps: antipatterns, and the guards (guards.py) against what fuzzy matching alone rewards
  wrongly (empty, too short, «не знаю», a copy of the client's words, a jab, keyword stuffing, off-topic,
  the other language, too long).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import partial
from typing import NamedTuple

from rapidfuzz import fuzz

from objcoach.catalog.model import Catalog, Objection
from objcoach.scoring import guards
from objcoach.scoring.guards import Guard
from objcoach.scoring.index import Checklist, Phrase, Prepared, scoring_index
from objcoach.scoring.matcher import Matcher
from objcoach.scoring.result import Hit, Score
from objcoach.scoring.settings import HARMLESS_FLAGS, MAX_REPLY_CHARS, verdict_for
from objcoach.scoring.text import STOPWORDS, Analysis, analyze

__all__ = ["MAX_REPLY_CHARS", "score_reply", "self_test", "technique_evidence", "verdict_for"]


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


def score_reply(reply: str, objection: Objection, catalog: Catalog, lang: str | None = None,
                *, exclude_answer: str | None = None) -> Score:
    """Score `reply` to `objection`. `lang` is the language the reply is expected in; without it,
    the reply's own language (when the objection has it). `exclude_answer` leaves one model answer
    out of the references (the catalog's self-test)."""
    index = scoring_index(catalog)
    conf = index.settings
    reply, cut = guards.cut(reply)
    text = analyze(reply)
    expected = lang or (text.lang if text.lang in objection.langs else None) or (objection.langs or ("ru",))[0]
    prepared = index.prepared(objection, expected)
    markers = index.markers(expected)
    matcher = Matcher(text)

    closeness = _closeness(text, prepared, exclude_answer)
    checklist = index.checklist(objection)
    techniques = _techniques(matcher, checklist.order, catalog, markers.technique_index.candidates(matcher.loose_keys))
    points = _key_points(matcher, prepared)
    components = _components(closeness.similarity, checklist, techniques, len(points.hit), len(prepared.key_points),
                             conf)

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
    score, flags = _combine(components, checks, conf)
    return Score(
        objection_id=objection.id,
        lang=expected,
        score=score,
        verdict=verdict_for(score, conf),
        components=components,
        techniques_hit=tuple(techniques.hit + techniques.extra),
        techniques_missed=tuple(techniques.missed),
        key_points_hit=tuple(points.hit),
        key_points_missed=tuple(points.missed),
        flags=flags,
        closest_answer=closeness.answer,
        shared_words=closeness.shared,
        reply=reply,
    )


def _components(similarity: float, checklist: Checklist, techniques: Techniques, points_hit: int, n_points: int,
                conf: dict[str, float]) -> dict[str, float]:
    """Points for closeness, techniques and key points. A good reply need not use every step, and a step of
    another checklist (a question where the script has an apology) still shows skill: partial credit, full
    marks before the whole list. A knowledge question (no checklist) gives the techniques' weight to
    closeness and key points; an objection with no key points gives theirs to closeness."""
    span = max(conf["closeness_full"] - conf["closeness_floor"], 1.0)
    closeness = conf["weight_closeness"] * _clamp((similarity - conf["closeness_floor"]) / span)
    weights, total = checklist.weights, checklist.total
    got = sum(weights[hit.id] for hit in techniques.hit) + conf["extra_technique_credit"] * len(techniques.extra)
    technique_share = _clamp(got / (conf["technique_saturation"] * total)) if total else 0.0
    point_share = _clamp(points_hit / (conf["key_point_saturation"] * n_points)) if n_points else 0.0

    w_close, w_tech, w_keys = conf["weight_closeness"], conf["weight_techniques"], conf["weight_key_points"]
    if not total:
        w_keys += w_tech / 2
        w_close += w_tech / 2
        w_tech = 0.0
    if not n_points:
        w_close += w_keys
        w_keys = 0.0
    return {
        "closeness": closeness * w_close / max(conf["weight_closeness"], 1e-9),
        "techniques": w_tech * technique_share,
        "key_points": w_keys * point_share,
    }


def _combine(components: dict[str, float], checks: Sequence[Guard], conf: dict[str, float],
             ) -> tuple[int, tuple[Hit, ...]]:
    """The score and the flags, once the guards have spoken: the form points when no harmful flag was
    raised, every penalty, then the lowest cap. Adds the form, penalties and cap to `components`."""
    flags = tuple(guard.flag for guard in checks if guard.flag is not None)
    caps = [guard.cap for guard in checks if guard.cap is not None]
    harmful = any(flag.id not in HARMLESS_FLAGS for flag in flags)
    components["form"] = 0.0 if harmful else conf["weight_form"]
    for guard in checks:
        if guard.penalty is not None:
            name, points = guard.penalty
            components[name] = -points
    raw = _clamp(sum(components.values()) / 100.0) * 100.0
    final = min([raw, *caps])
    if final < raw:
        components["cap"] = final - raw
    return math.floor(final + 0.5), flags


def technique_evidence(text: str, technique_id: str, catalog: Catalog, lang: str) -> str:
    """The words of `text` that show the technique (its markers only), or ""."""
    return Matcher(analyze(text)).evidence(scoring_index(catalog).markers(lang).techniques.get(technique_id, ()))


def _clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


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


def self_test(catalog: Catalog, only: Iterable[str] | None = None,
              answers_only: Iterable[str] | None = None) -> list[tuple[Objection, str, str, Score]]:
    """Score each model answer against its objection with that answer left out of the references.

    Returns (objection, lang, answer, score) for every answer that does not reach `good`; `only`
    limits the test to some objection ids, `answers_only` to some answer texts.
    """
    failures = []
    good = scoring_index(catalog).settings["good"]
    wanted = set(only) if only is not None else None
    texts = set(answers_only) if answers_only is not None else None
    for objection in catalog.objections:
        if wanted is not None and objection.id not in wanted:
            continue
        for lang in objection.langs:
            answers = objection.answers.get(lang, ())
            for answer in answers:
                if texts is not None and answer not in texts:
                    continue
                result = score_reply(answer, objection, catalog, lang,
                                     exclude_answer=answer if len(answers) > 1 else None)
                if result.score < good:
                    failures.append((objection, lang, answer, result))
    return failures
