"""Score an operator's reply to an objection: 0–100, a verdict, and where every point came from.

Pure and deterministic. `measure` reads the reply (closeness, techniques, key points, guards); the tone
and wording models read its words; the learned model (model.py) combines them into a grade, shown as the
points each component gave; a few flags (a wrong fact, no answer, the other language) cap the score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from objcoach.catalog.model import Catalog, Objection
from objcoach.scoring.features import features
from objcoach.scoring.index import scoring_index
from objcoach.scoring.matcher import Matcher
from objcoach.scoring.measure import Measured, measure
from objcoach.scoring.model import GRADE_POINTS, GraderModel, combine, plan
from objcoach.scoring.result import Hit, Score
from objcoach.scoring.settings import MAX_REPLY_CHARS, verdict_for
from objcoach.scoring.text import analyze
from objcoach.scoring.tone import Wording, read_wording, reading_features, tone_evidence

__all__ = ["MAX_REPLY_CHARS", "component_maxima", "measure", "score_reply", "self_test", "technique_evidence",
           "verdict_for"]

LEARNED = "wording"  # no fixed maximum: an n-gram regression; shown against the best model answer


def score_reply(reply: str, objection: Objection, catalog: Catalog, lang: str | None = None,
                *, exclude_answer: str | None = None) -> Score:
    """Score `reply` to `objection`. `lang` is the language the reply is expected in; without it,
    the reply's own language (when the objection has it). `exclude_answer` leaves one model answer
    out of the references (the catalog's self-test)."""
    found = measure(reply, objection, catalog, lang, exclude_answer=exclude_answer)
    model = scoring_index(catalog).model
    values, wording = reply_features(found, model)
    flags = [guard.flag for guard in found.checks if guard.flag is not None]
    if wording.tone > model.tone_threshold:
        flags.append(Hit("tone", tone_evidence(found.text, wording.per_word)))
    score, components = points(values, guard_caps(found), model)
    techniques, points_found = found.techniques, found.points
    return Score(
        objection_id=objection.id,
        lang=found.lang,
        score=score,
        verdict=verdict_for(score, found.conf),
        components=components,
        techniques_hit=tuple(techniques.hit + techniques.extra),
        techniques_missed=tuple(techniques.missed),
        key_points_hit=tuple(points_found.hit),
        key_points_missed=tuple(points_found.missed),
        flags=tuple(flags),
        closest_answer=found.closeness.answer,
        shared_words=found.closeness.shared,
        reply=found.reply,
    )


def reply_features(found: Measured, model: GraderModel) -> tuple[dict[str, float], Wording]:
    """The features the model combines: what `measure` found, and the tone and wording models' readings."""
    wording = read_wording(found.text, model.grams, model.tone_bias, model.wording_bias)
    return {**features(found), **reading_features(wording)}, wording


def guard_caps(found: Measured) -> tuple[tuple[str, float], ...]:
    """Each flag raised with the cap its guard would put on the score (the model decides which apply)."""
    return tuple((guard.flag.id, guard.cap) for guard in found.checks
                 if guard.flag is not None and guard.cap is not None)


def points(values: dict[str, float], caps: Sequence[tuple[str, float]], model: GraderModel,
           ) -> tuple[int, dict[str, float]]:
    """The score (0–100) and the points of each component: the model's grade on the 0–100 scale, held
    within the scale and under the cap of each flag raised that the model caps on."""
    grade, components = combine(values, model)
    raw = grade * GRADE_POINTS
    within = min(max(raw, 0.0), 100.0)
    final = min([within, *(cap for flag, cap in caps if flag in model.caps)])
    if within != raw:
        components["scale"] = within - raw
    if final != within:
        components["cap"] = final - within
    return math.floor(final + 0.5), components


def component_maxima(objection: Objection, catalog: Catalog, lang: str) -> dict[str, tuple[float, bool]]:
    """The most each earning component of the score can give on this objection: component -> (points, whether
    it is a model answer's rather than a fixed maximum). Every feature the model reads lies in [0, 1], so a
    component's maximum is the sum of its positive weights over the features this objection can raise; the
    wording regression has no such bound, so the best of this objection's model answers stands for it."""
    model = scoring_index(catalog).model
    checklist = set(objection.checklist)
    possible = {"closeness", "topical", "extra_techniques", "question", "words"}
    if checklist:
        possible |= {"checklist"} | {f"technique:{tid}" for tid in checklist}
    else:
        possible.add("knowledge")
    if objection.key_points.get(lang):
        possible |= {"key_points", "any_key_point"}
    extra = sorted((weight for name, weight in model.weights.items() if name.startswith("technique:")
                    and name.removeprefix("technique:") not in checklist and weight > 0), reverse=True)
    found: dict[str, float] = {}
    for name, (group, worth) in plan(model).items():
        if name in possible and worth > 0:
            found[group] = found.get(group, 0.0) + worth
    if extra:  # techniques beyond the checklist count too, three at most (as extra_techniques does)
        found["techniques"] = found.get("techniques", 0.0) + sum(extra[:3]) * GRADE_POINTS
    maxima = {group: (points, False) for group, points in found.items()}
    weight = model.weights.get(LEARNED, 0.0)
    answers = objection.answers.get(lang, ())
    if weight > 0 and answers:
        best = max(read_wording(analyze(answer), model.grams, model.tone_bias, model.wording_bias).wording
                   for answer in answers)
        maxima[LEARNED] = (max(best, 0.0) * weight * GRADE_POINTS, True)
    return maxima


def technique_evidence(text: str, technique_id: str, catalog: Catalog, lang: str) -> str:
    """The words of `text` that show the technique (its markers only), or ""."""
    return Matcher(analyze(text)).evidence(scoring_index(catalog).markers(lang).techniques.get(technique_id, ()))


def self_test(catalog: Catalog, only: Iterable[str] | None = None,
              answers_only: Iterable[str] | None = None) -> list[tuple[Objection, str, str, Score]]:
    """Score each model answer against its objection with that answer left out of the references.

    Scenarios' inline objections are tested as the catalog's are.
    Returns (objection, lang, answer, score) for every answer that does not reach `good`; `only`
    limits the test to some objection ids, `answers_only` to some answer texts.
    """
    failures = []
    good = scoring_index(catalog).settings["good"]
    wanted = set(only) if only is not None else None
    texts = set(answers_only) if answers_only is not None else None
    for objection in (*catalog.objections, *catalog.node_objections()):
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
