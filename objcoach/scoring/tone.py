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


class Grams:
    """The n-gram weights of both models, and what each word of a reply is worth (worked out once per word: a
    word's n-grams never change, and a batch meets the same words again and again).

    Kept as sorted n-grams beside two arrays of weights: that unpickles in a fraction of the time two dicts
    take, and a single `score` looks up a few hundred n-grams by bisection. After INDEX_AFTER lookups (a
    batch) a dict index is built once."""

    __slots__ = ("_finds", "_index", "keys", "tone", "wording", "words")

    def __init__(self, tone: Mapping[str, float], wording: Mapping[str, float]) -> None:
        keys = sorted(set(tone) | set(wording))
        self._set(keys, array("d", [tone.get(k, 0.0) for k in keys]), array("d", [wording.get(k, 0.0) for k in keys]))

    def _set(self, keys: list[str], tone: array[float], wording: array[float]) -> None:
        self.keys, self.tone, self.wording = keys, tone, wording
        self.words: dict[str, tuple[float, float]] = {}  # normalised word -> (tone, wording) of its n-grams
        self._index: dict[str, int] | None = None
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

    def find(self, gram: str) -> int:
        """The n-gram's place, or -1 when neither model weighs it."""
        index = self._index
        if index is None:
            self._finds += 1
            if self._finds <= INDEX_AFTER:
                keys = self.keys
                at = bisect_left(keys, gram)
                return at if at < len(keys) and keys[at] == gram else -1
            index = self._index = {key: at for at, key in enumerate(self.keys)}
        return index.get(gram, -1)

    def places(self, grams: list[str]) -> list[int]:
        """Each n-gram's place, or -1 (in C once the index is built)."""
        index = self._index
        if index is not None:
            return list(map(index.get, grams, repeat(-1)))
        return [self.find(gram) for gram in grams]

    def word(self, norm: str, stem: str) -> tuple[float, float]:
        found = self.words.get(norm)
        if found is None:
            places = [at for at in self.places(word_grams(norm, stem)) if at >= 0]
            found = (sum(self.tone[at] for at in places), sum(self.wording[at] for at in places))
            if len(self.words) >= WORD_MEMO:
                self.words.clear()
            self.words[norm] = found
        return found


INDEX_AFTER = 2_000  # lookups by bisection before a dict index pays for itself
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
    places = grams.places(["b:" + left + " " + right for left, right in pairwise(stems)])
    weights_tone, weights_wording = grams.tone, grams.wording
    pair_tone = [weights_tone[at] if at >= 0 else 0.0 for at in places]
    if stems:
        pair_tone.append(0.0)  # the last word starts no pair
    scale = length_scale(len(stems))
    per_word = [(word[0] + pair) * scale for word, pair in zip(words, pair_tone, strict=True)]
    tone = tone_bias + sum(per_word)
    wording = wording_bias + scale * (sum(word[1] for word in words)
                                      + sum(weights_wording[at] for at in places if at >= 0))
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
