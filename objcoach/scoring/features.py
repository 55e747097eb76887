"""What the learned grader reads in a measured reply: named numbers, each one a thing a mentor looks at.

The names are the model file's keys (scoring/grader.json, or a team's model from `calibrate --fit`):
a feature the file has no weight for counts nothing, so a model fitted on an older list still loads.
"""

from __future__ import annotations

import math

from objcoach.scoring.measure import Measured
from objcoach.scoring.settings import GUARD_FLAGS

# the technique ids of the bundled catalog that get a feature of their own; others count in the shares only
TECHNIQUES = ("acknowledge", "respect_choice", "clarify", "benefit", "reframe", "next_step", "empathy_apology",
              "take_ownership", "explain_cause", "offer_alternative", "proactive_purpose")
_TECHNIQUE_FEATURES = {tid: f"technique:{tid}" for tid in TECHNIQUES}  # a feature is there when it is not 0
SUBSTANCE_CLOSENESS = 35.0  # similarity (0–100) to the nearest model answer below which a reply shares little


def features(found: Measured) -> dict[str, float]:
    """The reply's features: closeness, the checklist and the key points covered, each technique shown, the
    guards and antipatterns raised, the reply's shape."""
    techniques, checklist = found.techniques, found.checklist
    weights, total = checklist.weights, checklist.total
    got = sum(weights[hit.id] for hit in techniques.hit)
    required = [tid for tid, weight in weights.items() if weight > 1.0]
    shown = {hit.id for hit in techniques.hit} | {hit.id for hit in techniques.extra}
    text = found.text
    values: dict[str, float] = {
        "closeness": found.closeness.similarity / 100.0,
        "topical": found.topical,
        "checklist": got / total if total else 0.0,
        "required_missed": (sum(tid not in shown for tid in required) / len(required)) if required else 0.0,
        "extra_techniques": min(len(techniques.extra), 3) / 3.0,
        "key_points": len(found.points.hit) / found.n_points if found.n_points else 0.0,
        "any_key_point": 1.0 if found.points.hit else 0.0,
        # the rubric's "with substance": no key point made and nothing near a model answer
        "no_substance": 1.0 if not found.points.hit and found.closeness.similarity < SUBSTANCE_CLOSENESS else 0.0,
        "knowledge": 0.0 if total else 1.0,
        "words": min(math.log1p(text.words) / math.log1p(120), 1.0),
        "question": 1.0 if text.questions else 0.0,
    }
    for tid in shown:
        name = _TECHNIQUE_FEATURES.get(tid)
        if name:
            values[name] = 1.0
    for guard in found.checks:
        if guard.flag is not None:
            name = guard.flag.id
            values[f"flag:{name}" if name in GUARD_FLAGS else f"antipattern:{name}"] = 1.0
    return values
