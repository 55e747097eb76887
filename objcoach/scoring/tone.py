"""The tone model: how much a reply sounds like harm in polite words, whatever the objection.

A linear model over the reply's word stems, stem pairs and letter n-grams, learned by scripts/train.py from
every harmful and harmless reply of the mentors' corpus (condescension, false urgency, blame, scare tactics
and the like are said in the same words whatever the client objected to). Its flag quotes the words that
weighed most towards harm.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Mapping
from functools import reduce
from itertools import pairwise, repeat
from operator import add
from typing import NamedTuple

from objcoach.scoring.text import Analysis

CHAR_SIZES = (3, 4)  # letter n-grams inside a word: they survive typos and endings
_PAIR = "b:{} {}"  # a pair of neighbouring stems, as ngrams() writes it


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
    for norm, stem in zip(text.norms, stems, strict=True):
        found.extend(word_grams(norm, stem))
    found.extend(map(_PAIR.format, stems, stems[1:]))
    return found


def length_scale(words: int) -> float:
    """What each n-gram count is multiplied by: a reply said twice is not twice as polite or as harsh (the
    counts are divided by the square root of the number of words, in training as here)."""
    return 1.0 / math.sqrt(words) if words else 0.0


class Grams:
    """The n-gram weights of both models, and what each word of a reply is worth (worked out once per word: a
    word's n-grams never change, and a batch meets the same words again and again).

    Kept as sorted n-grams beside two arrays of weights: that unpickles in a fraction of the time two dicts
    take, and a single `score` looks up a few hundred n-grams by bisection. After INDEX_AFTER lookups (a
    batch) a dict index is built once."""

    __slots__ = ("_finds", "keys", "pair_tone_of", "pair_wording_of", "tone", "tone_of", "word_tone", "word_wording",
                 "wording", "wording_of")

    def __init__(self, tone: Mapping[str, float], wording: Mapping[str, float]) -> None:
        keys = sorted(set(tone) | set(wording))
        self._set(keys, array("d", [tone.get(k, 0.0) for k in keys]), array("d", [wording.get(k, 0.0) for k in keys]))

    def _set(self, keys: list[str], tone: array[float], wording: array[float]) -> None:
        self.keys, self.tone, self.wording = keys, tone, wording
        # normalised word -> what its n-grams weigh in each model
        self.word_tone: dict[str, float] = {}
        self.word_wording: dict[str, float] = {}
        self.tone_of: dict[str, float] | None = None  # n-gram -> weight, once a batch has asked enough
        self.wording_of: dict[str, float] = {}
        # the pair n-grams ("b:") by their two stems, built with the dicts: a reply's pairs are then looked up as
        # the tuples zip makes, with no text to format for each
        self.pair_tone_of: dict[tuple[str, ...], float] = {}
        self.pair_wording_of: dict[tuple[str, ...], float] = {}
        self._finds = 0

    def __getstate__(self) -> tuple[str, array[float], array[float]]:
        return "\n".join(self.keys), self.tone, self.wording

    def __setstate__(self, state: tuple[str, array[float], array[float]]) -> None:
        keys, tone, wording = state
        self._set(keys.split("\n") if keys else [], tone, wording)

    def __len__(self) -> int:
        return len(self.keys)

    def as_dicts(self) -> tuple[dict[str, float], dict[str, float]]:
        return dict(zip(self.keys, self.tone, strict=True)), dict(zip(self.keys, self.wording, strict=True))

    def weights(self, grams: list[str]) -> tuple[list[float], list[float]]:
        """What each n-gram weighs in the tone and the wording model (0 when unknown): by bisection for the
        first INDEX_AFTER n-grams, then through two dicts, in C."""
        if self.tone_of is None:
            self._finds += len(grams)
            if self._finds <= INDEX_AFTER:
                keys, tone, wording = self.keys, self.tone, self.wording
                places = [bisect_left(keys, gram) for gram in grams]
                found = [at if at < len(keys) and keys[at] == gram else -1 for at, gram in zip(places, grams,
                                                                                             strict=True)]
                return ([tone[at] if at >= 0 else 0.0 for at in found],
                        [wording[at] if at >= 0 else 0.0 for at in found])
            self.tone_of = dict(zip(self.keys, self.tone, strict=True))
            self.wording_of = dict(zip(self.keys, self.wording, strict=True))
            pairs = [(tuple(key[2:].split(" ")), at) for at, key in enumerate(self.keys) if key.startswith("b:")]
            self.pair_tone_of = {pair: self.tone[at] for pair, at in pairs}
            self.pair_wording_of = {pair: self.wording[at] for pair, at in pairs}
        return (list(map(self.tone_of.get, grams, repeat(0.0))),
                list(map(self.wording_of.get, grams, repeat(0.0))))

    def pair_weights(self, stems: list[str]) -> tuple[list[float], list[float]]:
        """What each pair of neighbouring stems weighs in the tone and the wording model (0 when unknown)."""
        if self.tone_of is None:
            return self.weights(list(map(_PAIR.format, stems, stems[1:])))
        pairs = list(pairwise(stems))
        return (list(map(self.pair_tone_of.get, pairs, repeat(0.0))),
                list(map(self.pair_wording_of.get, pairs, repeat(0.0))))

    def learn_words(self, norms: list[str], stems: list[str]) -> None:
        """Work out what each new word weighs (its n-grams never change: a batch meets it again and again)."""
        if len(self.word_tone) >= WORD_MEMO:
            self.word_tone.clear()
            self.word_wording.clear()
        for norm, stem in zip(norms, stems, strict=True):
            if norm not in self.word_tone:
                tone, wording = self.weights(word_grams(norm, stem))
                self.word_tone[norm] = sum(tone)
                self.word_wording[norm] = sum(wording)


INDEX_AFTER = 2_000  # n-grams looked up by bisection before two dicts pay for themselves
WORD_MEMO = 200_000  # words remembered; then the memo starts afresh, so memory stays bounded


class Wording(NamedTuple):
    tone: float  # the tone model's logit: > 0 more likely harmful than not
    tone_peak: float  # the same for the reply's harshest sentence when above 0 (else 0): one jab spoils a reply
    per_word: list[float]  # what each word (with the pair it starts) weighs towards harm, before length scaling
    wording: float  # the wording model's grade, learned from the words of every graded reply


def read_wording(text: Analysis, grams: Grams, tone_bias: float, wording_bias: float) -> Wording:
    """Both n-gram models on `text`, every n-gram as often as it occurs, as in training (in C where it can:
    a batch reads millions of words)."""
    norms, stems = text.norms, text.stems
    tones = list(map(grams.word_tone.get, norms))
    if None in tones:
        grams.learn_words([n for n, t in zip(norms, tones, strict=True) if t is None],
                          [s for s, t in zip(stems, tones, strict=True) if t is None])
        tones = list(map(grams.word_tone.__getitem__, norms))
    pair_tone, pair_wording = grams.pair_weights(stems)
    if stems:
        pair_tone.append(0.0)  # the last word starts no pair
    per_word = list(map(add, tones, pair_tone))
    scale = length_scale(len(stems))
    tone = tone_bias + scale * sum(per_word)
    wording = wording_bias + scale * (sum(map(grams.word_wording.__getitem__, norms)) + sum(pair_wording))
    peak = max(tone, 0.0)
    # no sentence can weigh above 0 when all the words that weigh towards harm together do not
    if text.sentences > 1 and tone_bias + scale * sum(filter((0.0).__lt__, per_word)) > 0:
        # each sentence's words added in order from 0.0 (reduce, not sum: Python 3.12's sum compensates)
        bounds = pairwise([0, *text.sentence_starts(), len(per_word)])
        peak = max(tone_bias + scale * max(reduce(add, per_word[start:end], 0.0) for start, end in bounds), 0.0)
    return Wording(tone, peak, per_word, wording)



def reading_features(reading: Wording) -> dict[str, float]:
    """The features the two models give the combination (the scorer and scripts/train.py both use these)."""
    return {"tone": reading.tone, "tone_harm": max(reading.tone, 0.0), "tone_peak": reading.tone_peak,
            "wording": reading.wording}


def tone_evidence(text: Analysis, per_word: list[float]) -> str:
    """Up to three of the reply's words that weighed most towards harm, in the reply's order."""
    harmful = sorted((i for i, weight in enumerate(per_word) if weight > 0), key=lambda i: -per_word[i])[:3]
    return " … ".join(text.quote(i, i) for i in sorted(harmful))
