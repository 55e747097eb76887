"""Turn a Score into feedback by the seeds' method (seed 001, cases 6 and 9).

Praise first, quoting the reply; then at most two things to add, each with an example phrase;
a partial reply gets a retry prompt about the missing part only; a weak reply or «не знаю» gets
the question rephrased and a hint. Words describe the reply, never judge the person.
"""

from __future__ import annotations

from typing import NamedTuple

from objcoach.catalog.model import Catalog, Objection
from objcoach.i18n import REPHRASE_GOALS, t
from objcoach.scoring.result import Score
from objcoach.scoring.text import analyze

MAX_IMPROVEMENTS = 2  # seed 001, case 9: don't overload the person
MAX_PRAISE = 3
MIN_EXAMPLE_WORDS = 5


class Improvement(NamedTuple):
    what: str  # as «Что добавить» lists it: "упомяните: сравнить условия"
    example: str
    name: str  # the thing itself, as the retry prompt names it after its own verb: "сравнить условия"
    step: str = ""  # the technique's id; "" for a key point


class Part(NamedTuple):
    """One component of the score in words: its points and the most it can give on this objection."""

    label: str
    points: float
    maximum: float | None = None  # None: a penalty, the model's base or a limit of the scale
    reference: bool = False  # the maximum is a model answer's (a learned component has no fixed one)


class Feedback(NamedTuple):
    praise: tuple[str, ...]
    improvements: tuple[Improvement, ...]
    issues: tuple[str, ...]  # antipatterns and guards, described with advice
    retry_prompt: str  # for a partial reply: what to add on the next try
    rephrased: str  # for a weak reply or «не знаю»: the question put another way, with a hint
    breakdown: tuple[Part, ...] = ()  # the score's components in words, with their points

    def to_dict(self) -> dict[str, object]:
        return {
            "praise": list(self.praise),
            "improvements": [{"what": i.what, "example": i.example} for i in self.improvements],
            "issues": list(self.issues),
            "retry_prompt": self.retry_prompt,
            "rephrased": self.rephrased,
        }


def feedback(score: Score, objection: Objection, catalog: Catalog, lang: str) -> Feedback:
    content = score.lang
    praise = []
    for hit in score.techniques_hit:
        technique = catalog.techniques.get(hit.id)
        title = technique.title.get(lang, hit.id) if technique else hit.id
        praise.append(t(lang, "technique_used", title=title, evidence=_short(hit.evidence)))
    praise += [t(lang, "key_point_made", evidence=_short(hit.evidence)) for hit in score.key_points_hit]
    blocked = any(_is_blocking(flag.id, catalog) for flag in score.flags)
    if blocked:
        praise = []  # a reply that fails on tone or form gets no praise for its keywords

    # a right answer gets praise only (seed 001, case 6)
    improvements = [] if score.verdict == "excellent" else _improvements(score, objection, catalog, lang, content)
    issues = tuple(_issue(flag.id, flag.evidence, catalog, lang) for flag in score.flags)
    retry = ""
    rephrased = ""
    dont_know = "dont_know" in score.flag_ids
    if score.verdict == "partial" and improvements and not blocked:
        # the same items as «Что добавить», each named once: the prompt's own verb does the asking
        retry = t(lang, "retry", missing="; ".join(_lower_first(i.name) if i.step else i.name
                                                   for i in improvements))
    elif score.verdict in ("weak", "fail") or dont_know:
        rephrased = _rephrase(score, objection, catalog, lang, content, improvements)
    return Feedback(tuple(praise[:MAX_PRAISE]), tuple(improvements), issues, retry, rephrased,
                    _parts(score, objection, catalog, lang))


def _parts(score: Score, objection: Objection, catalog: Catalog, lang: str) -> tuple[Part, ...]:
    """The breakdown with each earning component's maximum on this objection. A component the objection does
    not ask for (techniques of a knowledge question, which has no checklist) is left out when it gave nothing."""
    from objcoach.scoring.score import component_maxima

    maxima = component_maxima(objection, catalog, score.lang)
    asked = {"closeness", "form", "wording"} | ({"techniques"} if objection.checklist else set()) | \
        ({"key_points"} if objection.key_points.get(score.lang) else set())
    parts = []
    for name, points in score.components.items():
        if name in maxima and name not in asked and round(points) == 0:
            continue
        maximum, reference = maxima.get(name, (None, False))
        parts.append(Part(component_title(name, catalog, lang), points, maximum, reference))
    return tuple(parts)


def component_title(name: str, catalog: Catalog, lang: str) -> str:
    """A component of the score in words: an antipattern by its title, a flag as feedback names it."""
    kind, _, key = name.partition(":")
    if kind == "antipattern":
        antipattern = catalog.antipatterns.get(key)
        return antipattern.title.get(lang, key) if antipattern else key
    return t(lang, f"flag.{key}") if kind == "flag" else t(lang, f"component.{name}")


def hint(score: Score | None, objection: Objection, catalog: Catalog, lang: str, content: str,
         given: int = 0, step: str = "") -> str:
    """The next missing step (or `step`) with the start of an example phrase (the drill's /hint)."""
    missing = list(score.techniques_missed) if score else list(objection.checklist)
    if not missing and not step:
        return ""
    tid = step or missing[min(given, len(missing) - 1)]
    technique = catalog.techniques.get(tid)
    if technique is None:
        return ""
    example = _technique_example(tid, objection, catalog, content)
    if not example:
        example = (technique.examples.get(content) or technique.examples.get(lang) or ("",))[0]
    start = " ".join(example.split()[:4]).rstrip(".,;:!?…")  # the message adds "…" itself
    return t(lang, "hint", title=technique.title.get(lang, tid), start=start)


def _improvements(score: Score, objection: Objection, catalog: Catalog, lang: str,
                  content: str) -> list[Improvement]:
    wanted: list[Improvement] = []
    ordered = [tid for tid in score.techniques_missed if tid in objection.required]
    ordered += [tid for tid in score.techniques_missed if tid not in objection.required]
    required: list[Improvement] = []
    techniques: list[Improvement] = []
    for tid in ordered:
        technique = catalog.techniques.get(tid)
        if technique is None:
            continue
        example = _technique_example(tid, objection, catalog, content)
        if not example:
            example = (technique.examples.get(content) or technique.examples.get(lang) or ("",))[0]
        title = technique.title.get(lang, tid)
        item = Improvement(t(lang, "add_technique", title=title), example, title, tid)
        techniques.append(item)
        if tid in objection.required:
            required.append(item)
    points = [Improvement(t(lang, "add_key_point", point=point), _example_for(point, objection, content), point)
              for point in score.key_points_missed]
    # a required step first, then one point of substance, then the rest
    wanted += required[:1]
    wanted += points[:1]
    for item in techniques + points:
        if item not in wanted:
            wanted.append(item)
    # one sentence may make two points: show it once
    seen: set[str] = set()
    for index, item in enumerate(wanted[:MAX_IMPROVEMENTS]):
        if item.example in seen:
            wanted[index] = item._replace(example="")
        seen.add(item.example)
    return wanted[:MAX_IMPROVEMENTS]


def _technique_example(tid: str, objection: Objection, catalog: Catalog, content: str) -> str:
    """The sentence of this objection's model answers that uses the technique, so the example fits."""
    from objcoach.scoring.score import technique_evidence

    # the first sentence that shows it with enough words around it; a sentence of a few words ("Есть два
    # варианта.") shows the marker but not how to use it, so it is only the fallback
    fallback = ""
    for answer in objection.answers.get(content, ()):
        for sentence in _sentences(answer):
            full = len(sentence.split()) >= MIN_EXAMPLE_WORDS
            if (full or not fallback) and technique_evidence(sentence, tid, catalog, content):
                if full:
                    return sentence
                fallback = sentence
    return fallback


def _example_for(point: str, objection: Objection, content: str) -> str:
    """The sentence of a model answer that makes this point."""
    stems = analyze(point).content_stems
    best = ("", 0)
    for answer in objection.answers.get(content, ()):
        for sentence in _sentences(answer):
            overlap = len(stems & analyze(sentence).content_stems)
            if overlap > best[1]:
                best = (sentence, overlap)
    return best[0]


def _sentences(text: str) -> list[str]:
    import re

    return [part.strip() for part in re.split(r"(?<=[.!?])\s+", text) if part.strip()]


def _rephrase(score: Score, objection: Objection, catalog: Catalog, lang: str, content: str,
              improvements: list[Improvement]) -> str:
    """The question put another way, aiming at the first thing «Что добавить» names (and a hint for its
    first step), so that the prompt never asks for what the list does not."""
    goals = REPHRASE_GOALS.get(lang, REPHRASE_GOALS["en"])
    steps = [item.step for item in improvements if item.step]
    first = improvements[0] if improvements else None
    if first is not None and first.step:
        goal = goals.get(first.step) or t(lang, "rephrase.step", title=first.name)
    elif first is not None:
        goal = t(lang, "rephrase.point", point=first.name)
    else:
        missing = [tid for tid in objection.checklist if tid in score.techniques_missed] or list(objection.checklist)
        goal = goals.get(missing[0], "") if missing else ""
    client = objection.client.get(content) or next(iter(objection.client.values()), "")
    text = t(lang, "rephrase", client=client, goal=goal or goals["clarify"])
    if improvements:  # a hint only for a step the list names
        tip = hint(score, objection, catalog, lang, content, step=steps[0]) if steps else ""
    else:
        tip = hint(score, objection, catalog, lang, content)
    return f"{text} {tip}".strip()


def _is_blocking(flag_id: str, catalog: Catalog) -> bool:
    antipattern = catalog.antipatterns.get(flag_id)
    if antipattern is not None:
        return antipattern.severity == "block"
    return flag_id in ("empty", "dont_know", "copy", "stuffing", "off_topic", "other_language", "jab", "wrong_fact")


def _issue(flag_id: str, evidence: str, catalog: Catalog, lang: str) -> str:
    antipattern = catalog.antipatterns.get(flag_id)
    if antipattern is not None:
        title = antipattern.title.get(lang, flag_id)
        advice = antipattern.advice.get(lang, "")
        return f"{title}: «{_short(evidence)}». {advice}".strip()
    label = t(lang, f"flag.{flag_id}")
    return f"{label}: {_short(evidence)}" if evidence else label


def _lower_first(title: str) -> str:
    """A technique's title inside a sentence: «добавьте: аргумент с конкретной выгодой»."""
    return title[:1].lower() + title[1:]


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
