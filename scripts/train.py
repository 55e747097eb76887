"""Train the bundled grader model (objcoach/scoring/grader.json) from the mentors' graded replies.

Usage: pip install '.[train]'; python scripts/train.py [--hold-out a5 a6] [--output FILE]

Deterministic: the same files give the same weights. Three models, fitted in order:
1. the tone model: logistic regression over the replies' n-grams (stems, stem pairs, letter 3- and 4-grams
   seen in at least MIN_DF replies), harmful replies (grade 0 of a kind that harms) against all others;
2. the wording model: ridge regression of the grade over the same n-grams;
3. the combination: ridge regression of the grade over the scorer's features plus the two models' readings.
   Those readings come from models fitted without the reply's own author (out of fold), so the combination
   learns how far to trust them on a mentor they never saw.
The held-out authors are left out of all three and measured at the end.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression, Ridge

from objcoach import load_catalog
from objcoach.scoring.batch import Resolver
from objcoach.scoring.features import features
from objcoach.scoring.fit import Example, agreement, signed_ridge, summary
from objcoach.scoring.measure import measure
from objcoach.scoring.model import GraderModel, save_model
from objcoach.scoring.score import guard_caps, points
from objcoach.scoring.text import Analysis
from objcoach.scoring.tone import Grams, length_scale, ngrams, read_wording, reading_features

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
OUTPUT = ROOT / "objcoach" / "scoring" / "grader.json"
# weights for what no graded reply showed, so the model cannot learn it: a reply longer than can be said on
# a call loses a third of a grade (the hand-set scorer's ten points)
PRIORS = {"flag:too_long": -0.3}
MIN_DF = 3  # an n-gram in fewer replies than this is noise (a typo, a name)
MAX_GRAMS = int(os.environ.get("OBJCOACH_MAX_GRAMS", "8000"))  # the n-grams shipped
TONE_C = 1.0
WORDING_ALPHA = 3.0
HARM_KINDS = frozenset({"condescension", "false_urgency", "guilt_scare", "polite_blame", "dismissal",
                        "intimidation", "false_guarantee", "unsafe_request", "soft_jab", "sarcasm", "rude", "argue",
                        "blame", "dismiss", "pressure", "insult_appended"})
# flags that hold the score down whatever else the reply has: no answer, the wrong language, and the flags the
# mentors graded 0 in nine cases of ten or more (an insult, a closing jab, a wrong fact). The other antipatterns
# and guards are features whose weight is learned: capping on them failed more innocent replies than it caught
# harmful ones (`--cv --caps ...` compares, leaving each author out in turn)
CAPS = ("empty", "jab", "other_language", "rude", "wrong_fact")


def read(paths: list[Path]) -> list[dict]:
    catalog = load_catalog()
    resolve = Resolver(catalog)
    rows = []
    for path in paths:
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            objection, matched = resolve(row["objection"])
            found = measure(row["reply"], objection, catalog, row.get("lang") or matched)
            rows.append({"source": path.stem, "objection": objection.id, "lang": found.lang, "reply": row["reply"],
                         "grade": float(row["grade"]), "kind": row.get("kind", ""), "values": features(found),
                         "grams": scaled(found.text), "text": found.text,
                         "caps": guard_caps(found)})
    return rows


def scaled(text: Analysis) -> dict[str, float]:
    """The reply's n-gram counts, scaled by its length as the scorer scales them (tone.length_scale)."""
    scale = length_scale(len(text.stems))
    return {gram: count * scale for gram, count in Counter(ngrams(text)).items()}


def fit_ngrams(rows: list[dict], vocabulary: set[str], keep: int | None = MAX_GRAMS) -> tuple[float, float, Grams]:
    """The tone and wording models on `rows` (n-gram counts): their biases and weights. With `keep`, fitted
    again on the `keep` n-grams that weighed most, so the shipped file stays small and quick to load."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([{g: n for g, n in row["grams"].items() if g in vocabulary} for row in rows])
    harmful = [1 if row["grade"] == 0 and row["kind"] in HARM_KINDS else 0 for row in rows]
    tone = LogisticRegression(C=TONE_C, max_iter=5000, class_weight="balanced").fit(matrix, harmful)
    wording = Ridge(alpha=WORDING_ALPHA).fit(matrix, [row["grade"] for row in rows])
    names = [str(name) for name in vectorizer.get_feature_names_out()]
    if keep is not None and len(names) > keep:
        tone_scale, wording_scale = np.abs(tone.coef_[0]).mean(), np.abs(wording.coef_).mean()
        weight = np.maximum(np.abs(tone.coef_[0]) / tone_scale, np.abs(wording.coef_) / wording_scale)
        kept = {names[i] for i in np.argsort(-weight, kind="stable")[:keep]}
        return fit_ngrams(rows, kept, None)
    return (float(tone.intercept_[0]), float(wording.intercept_),
            Grams(dict(zip(names, map(float, tone.coef_[0]), strict=True)),
                  dict(zip(names, map(float, wording.coef_), strict=True))))


def with_readings(row: dict, tone_bias: float, wording_bias: float, grams: Grams) -> dict:
    return {**row["values"], **reading_features(read_wording(row["text"], grams, tone_bias, wording_bias))}


def train(rows: list[dict], caps: tuple[str, ...], about: dict) -> GraderModel:
    """The three models fitted on `rows` (see the module's docstring)."""
    counts: dict[str, int] = {}
    for row in rows:
        for gram in row["grams"]:  # in how many replies
            counts[gram] = counts.get(gram, 0) + 1
    vocabulary = {gram for gram, count in counts.items() if count >= MIN_DF}
    # out-of-fold readings: each source's rows read by n-gram models fitted on the other sources
    values: list[dict] = [{}] * len(rows)
    for source in sorted({row["source"] for row in rows}):
        tone_bias, wording_bias, grams = fit_ngrams([r for r in rows if r["source"] != source], vocabulary)
        for index, row in enumerate(rows):
            if row["source"] == source:
                values[index] = with_readings(row, tone_bias, wording_bias, grams)
    bias, weights = signed_ridge(values, [row["grade"] for row in rows])
    seen = {name for row in values for name, value in row.items() if value}
    weights.update({name: weight for name, weight in PRIORS.items() if name not in seen})
    tone_bias, wording_bias, grams = fit_ngrams(rows, vocabulary)
    return GraderModel(bias, weights, frozenset(caps), grams, tone_bias, 0.0, wording_bias,
                       {**about, "rows": len(rows), "n_grams": len(grams)})


def evaluate(model: GraderModel, rows: list[dict]) -> dict:
    examples = [Example(r["objection"], r["lang"], r["reply"],
                        with_readings(r, model.tone_bias, model.wording_bias, model.grams), r["caps"], r["grade"])
                for r in rows]
    return summary(agreement(examples, [points(e.values, e.caps, model)[0] for e in examples]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hold-out", nargs="*", default=["a5", "a6"], help="authors left out (default a5 a6)")
    parser.add_argument("--cv", action="store_true", help="first, leave each training author out in turn")
    parser.add_argument("--caps", nargs="*", default=list(CAPS), help=f"flags that cap (default {' '.join(CAPS)})")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    files = sorted((DATA / "mentors").glob("a*.jsonl")) + sorted(DATA.glob("graded*.jsonl"))
    train_files = [path for path in files if path.stem not in args.hold_out]
    held_files = [path for path in files if path.stem in args.hold_out]
    rows = read(train_files)
    caps = tuple(args.caps)
    if args.cv:
        results = []
        for author in sorted({r["source"] for r in rows if r["source"].startswith("a")}):
            model = train([r for r in rows if r["source"] != author], caps, {})
            results.append(evaluate(model, [r for r in rows if r["source"] == author]))
            print(f"left out {author}: {results[-1]}")
        print(f"mean ρ {sum(r['spearman'] for r in results) / len(results):.4f}, "
              f"harmful high {sum(r['harmful_high'] for r in results)}")
    about = {"trained_on": [path.name for path in train_files], "held_out": [path.name for path in held_files],
             "script": "scripts/train.py"}
    model = train(rows, caps, about)
    print(f"trained on {len(rows)} rows of {', '.join(p.stem for p in train_files)}; {len(model.grams)} n-grams")
    for path in held_files:
        result = evaluate(model, read([path]))
        model.about.setdefault("held_out_agreement", {})[path.stem] = result
        print(f"held out {path.stem}: {result}")
    save_model(model, args.output, with_grams=True)
    print(f"wrote {args.output} ({args.output.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
