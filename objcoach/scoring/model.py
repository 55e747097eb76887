"""The grader's learned weights: how the features of a reply combine into a grade, read from a JSON file.

The bundled model (scoring/grader.json) is made by scripts/train.py from the mentors' graded replies; a team
may fit its own combination with `objcoach calibrate FILE --fit --output team-model.json` and point its
catalog at it (`scoring: {model: team-model.json}`). A team model holds only the combination; the n-gram
weights of the tone and wording models come from the bundled one. Nothing is trained at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from objcoach.errors import ObjcoachError
from objcoach.scoring.tone import Grams

FORMAT = "objcoach-grader"
BUNDLED = Path(__file__).with_name("grader.json")  # package data, installed beside this module
GRADE_POINTS = 100.0 / 3.0  # a grade of the 0–3 scale in points of the 0–100 score
# the components of the breakdown, and the features whose points each one gathers (by name or prefix)
GROUPS = (("closeness", ("closeness", "topical")), ("techniques", ("checklist", "required_missed", "extra_techniques",
                                                          "technique:")),
          ("key_points", ("key_points", "any_key_point", "no_substance")), ("wording", ("wording",)),
          ("tone", ("tone", "tone_harm", "tone_peak")),
          ("form", ("words", "question", "knowledge")))


class GraderModel(NamedTuple):
    bias: float  # the grade of a reply with every feature at zero
    weights: dict[str, float]  # feature -> grade per unit
    caps: frozenset[str]  # flags that hold the score down to the harmful cap, whatever else the reply has
    grams: Grams  # the n-gram weights of the tone and wording models
    tone_bias: float
    tone_threshold: float  # a tone logit above this raises the tone flag
    wording_bias: float
    about: dict[str, Any]  # what it was fitted on, and how well it did

    def to_json(self, with_grams: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT, "version": 1, "about": self.about, "bias": round(self.bias, 6),
            "weights": {name: round(weight, 6) for name, weight in sorted(self.weights.items())},
            "caps": sorted(self.caps),
        }
        if with_grams:
            tone, wording = self.grams.as_dicts()
            data["tone"] = {"bias": round(self.tone_bias, 6), "threshold": round(self.tone_threshold, 6),
                            "weights": {gram: round(w, 5) for gram, w in sorted(tone.items())}}
            data["wording"] = {"bias": round(self.wording_bias, 6),
                               "weights": {gram: round(w, 5) for gram, w in sorted(wording.items())}}
        return data


def combine(values: Mapping[str, float], model: GraderModel) -> tuple[float, dict[str, float]]:
    """The grade (0–3 scale, unclamped) and the points each component of the breakdown gave."""
    planned = plan(model)
    points = {"base": model.bias * GRADE_POINTS}
    for name, value in values.items():
        step = planned.get(name)
        if step is not None and value:
            group, weight = step
            points[group] = points.get(group, 0.0) + weight * value
    return sum(points.values()) / GRADE_POINTS, points


_PLANS: dict[int, tuple[GraderModel, dict[str, tuple[str, float]]]] = {}


def plan(model: GraderModel) -> dict[str, tuple[str, float]]:
    """Each weighted feature's component and its points per unit, worked out once per model."""
    found = _PLANS.get(id(model))
    if found is None or found[0] is not model:
        steps = {name: (_group(name), weight * GRADE_POINTS) for name, weight in model.weights.items() if weight}
        found = _PLANS[id(model)] = (model, steps)
    return found[1]


def _group(feature: str) -> str:
    for group, names in GROUPS:
        if any(feature == name or (name.endswith(":") and feature.startswith(name)) for name in names):
            return group
    return feature  # a flag or antipattern: its own line ("antipattern:rude")


def save_model(model: GraderModel, path: Path, with_grams: bool = False) -> None:
    import json

    from objcoach.io import atomic_write

    text = json.dumps(model.to_json(with_grams), ensure_ascii=False, indent=None if with_grams else 1)
    with atomic_write(path) as stream:
        stream.write(text + "\n")


def load_model(path: str | Path | None = None) -> GraderModel:
    """The model in `path` (a team's combination over the bundled n-gram weights), or the bundled one."""
    if not path:
        return bundled_model()
    return _load_team(str(Path(path).resolve()))


@lru_cache(maxsize=1)
def bundled_model() -> GraderModel:
    """The bundled model, read from the cache when the file has not changed: parsing its 21,000 n-gram
    weights from JSON takes several times longer than unpickling them, and every `score` needs them."""
    from objcoach.catalog import cache

    path = BUNDLED
    try:
        stat = path.stat()
        # the file and the code that reads it: a new version of objcoach never unpickles an old cache
        stamp = f"{stat.st_size}-{stat.st_mtime_ns}-{path}-{cache.code_stamp()}"
    except OSError:
        stamp = ""
    fingerprint = "grader." + cache.digest(stamp) if stamp else ""
    if fingerprint:
        found = cache.read("grader", fingerprint)
        if isinstance(found, GraderModel):
            return found
    import json  # only when the cache is rebuilt: start-up stays lean

    model = _parse(json.loads(path.read_text(encoding="utf-8")), "grader.json", None)
    if fingerprint:
        cache.write("grader", fingerprint, model)
    return model


@lru_cache(maxsize=8)
def _load_team(path: str) -> GraderModel:
    import json

    from objcoach.catalog.cache import MAX_FILE_BYTES, read_regular

    try:  # named by a catalog: bounded, and never a device or FIFO
        data = json.loads(read_regular(Path(path), MAX_FILE_BYTES).decode("utf-8"))
    except OSError as error:
        raise ObjcoachError(f"{path}: cannot read the grader model ({error.strerror or error})") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ObjcoachError(f"{path}: not a grader model (not JSON: {error})") from None
    return _parse(data, path, bundled_model())


def _floats(mapping: Any) -> dict[str, float]:
    return {str(key): float(value) for key, value in mapping.items()}


def _parse(data: Any, name: str, base: GraderModel | None) -> GraderModel:
    """A model from its JSON; a model without n-gram weights takes them from `base`."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ObjcoachError(f"{name}: not a grader model (no \"format\": \"{FORMAT}\")")
    try:
        weights = {str(key): float(value) for key, value in data["weights"].items()}
        bias = float(data["bias"])
        caps = frozenset(str(cap) for cap in data.get("caps", ()))
        if "weights" in data.get("tone", {}):
            grams = Grams(_floats(data["tone"]["weights"]), _floats(data["wording"]["weights"]))
            tone_bias, threshold = float(data["tone"]["bias"]), float(data["tone"]["threshold"])
            wording_bias = float(data["wording"]["bias"])
        elif base is not None:
            grams, tone_bias, threshold, wording_bias = base.grams, base.tone_bias, base.tone_threshold, \
                base.wording_bias
        else:
            raise KeyError("tone.weights")
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise ObjcoachError(f"{name}: the grader model is damaged or incomplete ({type(error).__name__}: "
                            f"{error})") from None
    about: dict[str, Any] = data["about"] if isinstance(data.get("about"), dict) else {}
    return GraderModel(bias, weights, caps, grams, tone_bias, threshold, wording_bias, about)
