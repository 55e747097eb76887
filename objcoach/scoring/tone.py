"""The tone model: how much a reply sounds like harm in polite words, whatever the objection.

A linear model over the reply's word stems, stem pairs and letter n-grams, learned by scripts/train.py from
every harmful and harmless reply of the mentors' corpus (condescension, false urgency, blame, scare tactics
and the like are said in the same words whatever the client objected to). Its flag quotes the words that
weighed most towards harm.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from objcoach.scoring.text import Analysis

CHAR_SIZES = (3, 4)  # letter n-grams inside a word: they survive typos and endings


def ngrams(text: Analysis) -> list[tuple[str, int]]:
    """The reply's n-grams, each with the word it belongs to (a pair: its first word): stems as "w:",
    stem pairs as "b:", letter n-grams of the padded word as "c:"."""
    found: list[tuple[str, int]] = []
    stems, norms = text.stems, text.norms
    for index, stem in enumerate(stems):
        found.append(("w:" + stem, index))
        if index + 1 < len(stems):
            found.append(("b:" + stem + " " + stems[index + 1], index))
        padded = f" {norms[index]} "
        for size in CHAR_SIZES:
            found.extend(("c:" + padded[at : at + size], index) for at in range(len(padded) - size + 1))
    return found


class Wording(NamedTuple):
    tone: float  # the tone model's logit: > 0 more likely harmful than not
    tone_peak: float  # the same for the reply's harshest sentence: one jab spoils a polite reply
    tone_evidence: str  # the reply's words that weighed most towards harm
    wording: float  # the wording model's grade, learned from the words of every graded reply


def read_wording(text: Analysis, grams: Mapping[str, tuple[float, float]], tone_bias: float,
                 wording_bias: float) -> Wording:
    """Both n-gram models on `text` (each distinct n-gram counts once, as in training), and the tone
    model's evidence: up to three words that weighed most towards harm."""
    tone, wording = tone_bias, wording_bias
    per_word: dict[int, float] = {}
    seen: set[str] = set()
    get = grams.get
    for gram, index in ngrams(text):
        pair = get(gram)
        if pair is None:
            continue
        per_word[index] = per_word.get(index, 0.0) + pair[0]
        if gram not in seen:
            seen.add(gram)
            tone += pair[0]
            wording += pair[1]
    per_sentence: dict[int, float] = {}
    for index, weight in per_word.items():
        sentence = text.sentence_of(index)
        per_sentence[sentence] = per_sentence.get(sentence, tone_bias) + weight
    peak = max(per_sentence.values(), default=tone_bias)
    harmful = sorted((i for i, weight in per_word.items() if weight > 0), key=lambda i: -per_word[i])[:3]
    return Wording(tone, peak, " … ".join(text.quote(i, i) for i in sorted(harmful)), wording)
