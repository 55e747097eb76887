"""Measure the objection lookup on client utterances, and fit its confidence model.

    python scripts/fit_lookup.py                    # measure every author's set with the shipped constants
    python scripts/fit_lookup.py --fit              # fit the confidence model on the training authors, print it

Utterances are JSON lines {"author", "lang", "text", "objection": id or null, "style"} in tests/data/lookup/,
one file an author, written by operators who never saw the catalog (null: the words are no objection).
The authors in HOLD_OUT are never fitted on: their figures say how the lookup does on people it hasn't met.
The confidence model is a logistic regression of "the top objection is the right one" on the features of
objcoach.catalog.lookup.confidence_features; --fit prints the constants to paste there.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from objcoach.catalog import lookup  # noqa: E402
from objcoach.catalog.load import bundled_catalog_path, load_files  # noqa: E402

DATA = ROOT / "tests" / "data" / "lookup"
HOLD_OUT = ("L2", "L4")


def rows_of(authors: list[str]) -> list[dict[str, object]]:
    rows = []
    for author in authors:
        with (DATA / f"{author}.jsonl").open(encoding="utf-8") as stream:
            rows += [json.loads(line) for line in stream if line.strip()]
    return rows


def measure(catalog: lookup.Catalog, rows: list[dict[str, object]]) -> dict[str, float]:
    """top-1 and top-3 on utterances that are an objection; the share of the rest left with no confident match;
    the share of confident matches that are right."""
    scripted = [row for row in rows if row["objection"]]
    other = [row for row in rows if not row["objection"]]
    top1 = top3 = sure = sure_right = rejected = 0
    for row in scripted:
        found = lookup.lookup(catalog, str(row["text"]), limit=3)
        ids = [item.objection_id for item in found]
        top1 += bool(ids) and ids[0] == row["objection"]
        top3 += row["objection"] in ids
        if found and found[0].confident:
            sure += 1
            sure_right += found[0].objection_id == row["objection"]
    for row in other:
        found = lookup.lookup(catalog, str(row["text"]), limit=1)
        rejected += not (found and found[0].confident)
    return {"utterances": len(scripted), "top1": top1 / len(scripted), "top3": top3 / len(scripted),
            "confident": sure / len(scripted), "confident_right": sure_right / max(sure, 1),
            "no_match": len(other), "no_match_rejected": rejected / max(len(other), 1)}


def fit(catalog: lookup.Catalog, rows: list[dict[str, object]], rounds: int = 4000) -> tuple[list[float], float]:
    """Logistic regression by gradient descent (a handful of features: no library needed), L2-regularised."""
    samples = []
    for row in rows:
        features = lookup.confidence_features(catalog, str(row["text"]))
        if features is None:
            continue
        top_id, values = features
        samples.append((values, 1.0 if row["objection"] and top_id == row["objection"] else 0.0))
    size = len(samples[0][0])
    weights, bias, rate, penalty = [0.0] * size, 0.0, 0.5, 1e-3
    for _ in range(rounds):
        grad, grad_bias = [0.0] * size, 0.0
        for values, label in samples:
            z = bias + sum(w * x for w, x in zip(weights, values, strict=True))
            error = 1 / (1 + math.exp(-z)) - label
            grad_bias += error
            for n, x in enumerate(values):
                grad[n] += error * x
        bias -= rate * grad_bias / len(samples)
        weights = [w - rate * (g / len(samples) + penalty * w) for w, g in zip(weights, grad, strict=True)]
    return weights, bias


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="fit the confidence model on the training authors")
    args = parser.parse_args()
    catalog = load_files([bundled_catalog_path()])
    authors = sorted(path.stem for path in DATA.glob("*.jsonl"))
    training = [author for author in authors if author not in HOLD_OUT]
    if args.fit:
        weights, bias = fit(catalog, rows_of(training))
        print(f"CONFIDENCE_WEIGHTS = ({', '.join(f'{w:.2f}' for w in weights)})")
        print(f"CONFIDENCE_BIAS = {bias:.2f}")
        lookup.CONFIDENCE_WEIGHTS, lookup.CONFIDENCE_BIAS = tuple(weights), bias
    print("| author | set | utterances | top-1 | top-3 | confident | right when confident | no-match | "
          "no-match rejected |")
    print("|---|---|---|---|---|---|---|---|---|")
    for author in [*authors, "training", "held out"]:
        group = training if author == "training" else list(HOLD_OUT) if author == "held out" else [author]
        role = "held out" if set(group) <= set(HOLD_OUT) else "training"
        m = measure(catalog, rows_of(group))
        print(f"| {author} | {role} | {m['utterances']:.0f} | {m['top1']:.3f} | {m['top3']:.3f} | "
              f"{m['confident']:.3f} | {m['confident_right']:.3f} | {m['no_match']:.0f} | "
              f"{m['no_match_rejected']:.3f} |")


if __name__ == "__main__":
    main()
