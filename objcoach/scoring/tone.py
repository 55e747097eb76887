"""The tone model: how much a reply sounds like harm in polite words, whatever the objection.

A linear model over the reply's word stems, stem pairs and letter n-grams, learned by scripts/train.py from
every harmful and harmless reply of the mentors' corpus (condescension, false urgency, blame, scare tactics
and the like are said in the same words whatever the client objected to). Its flag quotes the words that
weighed most towards harm.
"""

from __future__ import annotations

import math
from itertools import pairwise, repeat
from typing import NamedTuple, cast

from objcoach.scoring.text import Analysis

CHAR_SIZES = (3, 4)  # letter n-grams inside a word: they survive typos and endings


def word_grams(norm: str, stem: str) -> list[str]:
    """The n-grams of one word: its stem ("w:") and the letter n-grams of the padded word ("c:")."""
    padded = f" {norm} "
    return ["w:" + stem, *("c:" + padded[at : at + size] for size in CHAR_SIZES
                           for at in range(len(padded) - size + 1))]


def ngrams(text: Analysis) -> list[str]:
    """Every n-gram of the reply, as often as it occurs: each word's (see word_grams) and each pair of
    neighbouring stems ("b:")."""
    found: list[str] = []
    stems = text.stems
    for index, (norm, stem) in enumerate(zip(text.norms, stems, strict=True)):
        found.extend(word_grams(norm, stem))
        if index + 1 < len(stems):
            found.append("b:" + stem + " " + stems[index + 1])
    return found


def length_scale(words: int) -> float:
    """What each n-gram count is multiplied by: a reply said twice is not twice as polite or as harsh (the
    counts are divided by the square root of the number of words, in training as here)."""
    return 1.0 / math.sqrt(words) if words else 0.0


class Grams(NamedTuple):
    """The n-gram weights of both models, and what each word of a reply is worth (worked out once per word: a
    word's n-grams never change, and a batch meets the same words again and again)."""

    tone: dict[str, float]
    wording: dict[str, float]
    words: dict[str, tuple[float, float]]  # normalised word -> (tone, wording) of its n-grams

    def word(self, norm: str, stem: str) -> tuple[float, float]:
        found = self.words.get(norm)
        if found is None:
            tone, wording = self.tone.get, self.wording.get
            grams = word_grams(norm, stem)
            found = (sum(tone(gram, 0.0) for gram in grams), sum(wording(gram, 0.0) for gram in grams))
            if len(self.words) >= WORD_MEMO:
                self.words.clear()
            self.words[norm] = found
        return found


WORD_MEMO = 200_000  # words remembered; then the memo starts afresh, so memory stays bounded


class Wording(NamedTuple):
    tone: float  # the tone model's logit: > 0 more likely harmful than not
    tone_peak: float  # the same for the reply's harshest sentence: one jab spoils a polite reply
    per_word: list[float]  # what each word (with the pair it starts) weighs towards harm
    wording: float  # the wording model's grade, learned from the words of every graded reply


def read_wording(text: Analysis, grams: Grams, tone_bias: float, wording_bias: float) -> Wording:
    """Both n-gram models on `text`, every n-gram as often as it occurs, as in training (in C where it can:
    a batch reads millions of words)."""
    norms, stems = text.norms, text.stems
    known = list(map(grams.words.get, norms))
    words = [found or grams.word(norm, stem) for found, norm, stem in zip(known, norms, stems, strict=True)] \
        if None in known else cast("list[tuple[float, float]]", known)
    pairs = ["b:" + left + " " + right for left, right in pairwise(stems)]
    pair_tone = list(map(grams.tone.get, pairs, repeat(0.0)))
    if stems:
        pair_tone.append(0.0)  # the last word starts no pair
    scale = length_scale(len(stems))
    per_word = [(word[0] + pair) * scale for word, pair in zip(words, pair_tone, strict=True)]
    tone = tone_bias + sum(per_word)
    wording = wording_bias + scale * (sum(word[1] for word in words) + sum(map(grams.wording.get, pairs,
                                                                                 repeat(0.0))))
    peak = tone
    if text.sentences > 1:
        per_sentence: dict[int, float] = {}
        for sentence, weight in zip(text.sentence_ids(), per_word, strict=True):
            per_sentence[sentence] = per_sentence.get(sentence, tone_bias) + weight
        peak = max(per_sentence.values())
    return Wording(tone, peak, per_word, wording)


def tone_evidence(text: Analysis, per_word: list[float]) -> str:
    """Up to three of the reply's words that weighed most towards harm, in the reply's order."""
    harmful = sorted((i for i, weight in enumerate(per_word) if weight > 0), key=lambda i: -per_word[i])[:3]
    return " … ".join(text.quote(i, i) for i in sorted(harmful))
