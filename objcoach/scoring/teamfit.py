"""A team's own grader: the combination of the features refitted from its mentors' graded replies.

`objcoach calibrate FILE --fit --output team-model.json` reads the graded rows (and the replies graded in
review: accepted ones as grade 3, others with the mentor's grade), measures each reply once, and refits the
combination over the catalog's current model (fit.py). The figures before are the current model's on those
replies; the figures after are cross-validated
by objection, so the fit is never judged on the replies it learned from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from objcoach.catalog.model import Catalog, Objection
from objcoach.errors import InputError, ObjcoachError
from objcoach.io import Row
from objcoach.scoring.batch import OBJECTION_FIELDS, REPLY_FIELDS, Resolver, pick, row_lang
from objcoach.scoring.calibration import grade_scale, graded_input
from objcoach.scoring.fit import Example, agreement, cross_validated, refit, score_of, summary
from objcoach.scoring.index import scoring_index
from objcoach.scoring.model import GraderModel, save_model
from objcoach.scoring.score import guard_caps, measure, reply_features

MIN_EXAMPLES = 30  # fewer than this, and the weights of forty features follow the noise of a few replies
TOP_GRADE = 3.0  # a reply accepted in review counts as a model answer


def examples_from_rows(rows: Iterable[Row], catalog: Catalog, lang: str | None = None,
                       ) -> tuple[list[Example], list[str]]:
    """The graded rows as examples (grades of 0–100 brought to 0–3), and why the other rows were left out."""
    kept, grades, errors = graded_input(rows)
    to_three = 1.0 if grade_scale(grades) <= 3 else 3.0 / 100.0
    resolve = Resolver(catalog)
    examples = []
    for row, grade in zip(kept, grades, strict=True):
        query = str(pick(row.fields, OBJECTION_FIELDS))
        reply = str(pick(row.fields, REPLY_FIELDS, allow_empty=True))
        try:
            objection, matched = resolve(query)
        except ObjcoachError as error:
            errors.append(f"row {row.number}: {error}")
            continue
        examples.append(_example(objection, row_lang(row.fields, matched, lang), reply, grade * to_three, catalog))
    return examples, errors


def examples_from_reviews(reviewed: Iterable[Mapping[str, Any]], catalog: Catalog) -> list[Example]:
    """Replies graded in review as examples: an accepted one as grade 3, one whose score the mentor found too
    low or too high with the mentor's grade (a roleplay turn's against its node; those whose objection left the
    catalog are skipped)."""
    examples = []
    for item in reviewed:
        objection = catalog.answered(str(item["objection_id"]), item.get("scenario_id"), item.get("node_id"))
        if objection is None or item.get("grade") is None:
            continue
        reply, lang = str(item["reply"]), str(item["lang"])
        exclude = None
        if item.get("decision", "accepted") == "accepted":
            # accepting made the reply one of the objection's model answers: measured against itself it would
            # look perfectly close, so it is left out of the references (as the catalog's self-test does)
            others = [answer for answer in objection.answers.get(lang, ()) if answer != reply]
            exclude = reply if others else None
        examples.append(_example(objection, lang, reply, min(float(item["grade"]), TOP_GRADE), catalog,
                                 exclude_answer=exclude))
    return examples


def _example(objection: Objection, lang: str | None, reply: str, grade: float, catalog: Catalog,
             exclude_answer: str | None = None) -> Example:
    found = measure(reply, objection, catalog, lang, exclude_answer=exclude_answer)
    values, _ = reply_features(found, scoring_index(catalog).model)
    return Example(objection.id, found.lang, reply, values, guard_caps(found), grade)


def check_enough(examples: Sequence[Example]) -> None:
    """Refuse a fit the examples cannot support (too few, one grade only, one objection only)."""
    if len(examples) < MIN_EXAMPLES:
        raise InputError(f"{len(examples)} graded replies: fitting needs at least {MIN_EXAMPLES} "
                         f"(grade more replies, 0–3, across several objections)")
    if len({example.grade for example in examples}) < 2:
        raise InputError("every reply has the same grade: fitting needs replies graded differently "
                         "(weak ones as well as strong ones)")
    if len({example.objection_id for example in examples}) < 2:
        raise InputError("every reply answers the same objection: fitting needs grades for at least two "
                         "objections (the fit is checked on objections it did not learn from)")


def fit_team(examples: Sequence[Example], catalog: Catalog, about: Mapping[str, Any] | None = None,
             ) -> tuple[GraderModel, dict[str, float], dict[str, float]]:
    """The refitted model, the current model's agreement with the examples, and the refitted combination's
    cross-validated agreement (folds by objection)."""
    check_enough(examples)
    current = scoring_index(catalog).model
    before = summary(agreement(examples, [score_of(example, current) for example in examples]))
    after = summary(agreement(examples, cross_validated(examples, current)))
    details = {**(about or {}), "examples": len(examples), "before": before, "cross_validated": after}
    return refit(examples, current, about=details), before, after


def write_team_model(model: GraderModel, path: Path) -> None:
    """Save the combination (the n-gram weights stay the bundled model's); a path that cannot be written
    is the user's to fix, not a traceback."""
    try:
        save_model(model, path)
    except OSError as error:
        raise InputError(f"{path}: cannot write the model ({error.strerror or error})") from None
