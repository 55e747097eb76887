"""Finding stemmed marker phrases in one reply.

Technique markers match loosely: in any order within a small window, a reply stem may extend a long marker
stem a little, and not right after a negation. Antipattern markers match strictly (exact stems, in order,
at most one word between), since a false alarm fails the reply.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from objcoach.scoring.index import Phrase, Typos
from objcoach.scoring.settings import LOOSE_EXTRA, LOOSE_MIN, MARKER_SLACK, SHORT_STEM, TYPO_MIN
from objcoach.scoring.text import NEGATIONS, Analysis, has_cyrillic
from objcoach.scoring.text import stem as stem_of

# A modal followed by one of these words guesses rather than obliges: "you must be tired", «вы, должно
# быть, устали» (but "you must have signed up yourself" blames: "have" is not on the list)
EPISTEMIC = {"must": frozenset({"be", "feel"}), "должно": frozenset({"быть"}),
             "должны": frozenset({"быть"})}
FUSED_MIN = 3  # each of two words run together has at least this many letters («потомучто»: потому + что)
_CLAUSE_MARKS = frozenset(",;:.!?…—–-()\n")
_SENTENCE_MARKS = frozenset(".!?…\n")


class Found(NamedTuple):
    """Where a phrase was found: its first and last token, and the tokens that are its words."""

    first: int
    last: int
    tokens: tuple[int, ...]


class Matcher:
    """Finds stemmed phrases in one reply. Token positions are indexed by stem (and by the prefixes a
    loose match allows), so a phrase costs a few lookups, not a scan of the reply."""

    __slots__ = ("by_stem", "loose_keys", "prefixes", "present", "stems", "text")

    def __init__(self, text: Analysis, typos: Typos | None = None) -> None:
        self.text = text
        self.stems = stems = text.stems
        self.by_stem: dict[str, list[int]] = {}
        for index, stem in enumerate(stems):
            self.by_stem.setdefault(stem, []).append(index)
        if typos is not None:
            self._add_misspelt(typos)
        self.present = present = set(self.by_stem)
        # shorter marker stems that some reply stem extends by a letter or two (see loose_prefixes)
        self.prefixes: set[str] = set()
        for stem in present:
            if len(stem) > LOOSE_MIN:
                self.prefixes.update(loose_prefixes(stem))
        self.loose_keys = present | self.prefixes  # every stem a loose match can find in this reply

    def _add_misspelt(self, typos: Typos) -> None:
        """File each reply word that misspells a technique marker word by one letter, or writes two of them as
        one («потомучто»), under the marker's stems too. Antipatterns never see these: they match strictly."""
        by_stem, norms = self.by_stem, self.text.norms
        for index, stem in enumerate(self.stems):
            if stem in typos.stems or len(stem) < TYPO_MIN or not stem.isalpha():
                continue
            for found in _corrections(stem, norms[index], typos):
                by_stem.setdefault(found, []).append(index)

    def positions(self, stem: str, word: str = "", loose: bool = True) -> list[int]:
        """Sorted positions of the tokens that are this marker word (see _matches). The list may be the
        index's own: callers read it only. (Not memoised: few stems are asked about twice in one reply.)"""
        found = self.by_stem.get(stem, [])
        extended = loose and stem in self.prefixes
        if extended:
            found = found + [index for index, own in enumerate(self.stems)
                             if len(own) > len(stem) and stem in loose_prefixes(own)]
        # only a short Russian stem or a loose match can leave out a token or upset the order
        if extended or (word and len(stem) <= SHORT_STEM and has_cyrillic(word)):
            found = sorted({i for i in found if self._matches(i, stem, word)})
        return found

    def _matches(self, index: int, stem: str, word: str) -> bool:
        """Token `index` is the marker word. For a short Russian stem the surface words must agree beyond
        the stem, since the stemmer folds unrelated words together there (хотите/хотя → хот,
        простите/просто → прост)."""
        norm = self.text.norms[index]
        if self.stems[index] == stem and len(stem) <= SHORT_STEM and word and norm != word and has_cyrillic(word):
            return _common_prefix(norm, word) > len(stem)
        return True

    def find(self, phrase: Phrase, strict: bool = False) -> Found | None:
        """Where the phrase's words are in the reply (loosely, or strictly for antipatterns), or None."""
        wanted = phrase.stems
        if not wanted:
            return None
        words = phrase.words if len(phrase.words) == len(wanted) else ("",) * len(wanted)
        if len(wanted) == 1 and not strict:  # one word: its first position not right after a negation
            for start in self.positions(wanted[0], words[0]):
                if phrase.negated or not self._negated(start):
                    return Found(start, start, (start,))
            return None
        lists = [self.positions(stem, word, not strict) for stem, word in zip(wanted, words, strict=True)]
        if not all(lists):
            return None
        if strict:
            return self._strictly(lists, phrase)
        width = len(wanted) + MARKER_SLACK
        if sum(map(len, lists)) == len(lists):  # each word once in the reply (the usual case): one window
            found = [positions[0] for positions in lists]
            start, end = min(found), max(found)
            if end - start < width and (phrase.negated or not self._negated(start)):
                return Found(start, end, tuple(found))
            return None
        for start in sorted(set().union(*lists)):
            found = []
            for positions in lists:
                at = bisect_left(positions, start)
                if at == len(positions) or positions[at] >= start + width:
                    break
                found.append(positions[at])
            else:
                if not phrase.negated and self._negated(start):
                    continue
                return Found(start, max(found), tuple(found))
        return None

    def _strictly(self, lists: list[list[int]], phrase: Phrase) -> Found | None:
        """The phrase's words in order, within one sentence, said in earnest: one word may come between two
        (but not inside a pair of short words: "come back on" is not "come on"); not denied by
        a negation of the same clause («в этом нет вашей вины», "it's not your fault"); not a modal in its
        epistemic sense ("you must be tired" is a guess, not pressure)."""
        gap = 2 if len(lists) > 2 or any(len(word) > 4 for word in phrase.words) else 1
        for start in lists[0]:
            tokens = [start]
            for positions in lists[1:]:
                index = bisect_right(positions, tokens[-1])
                if index == len(positions) or positions[index] > tokens[-1] + gap \
                        or self._sentence_break(tokens[-1], positions[index]):
                    break
                tokens.append(positions[index])
            else:
                if (phrase.negated or not self._negated(start, clause=True)) and not self._epistemic(tokens):
                    return Found(start, tokens[-1], tuple(tokens))
        return None

    def _negated(self, start: int, clause: bool = False) -> bool:
        """A negation among the two words before `start` (with `clause`: and no comma or dash between)."""
        norms = self.text.norms
        for index in range(start - 1, max(0, start - 2) - 1, -1):
            if clause and self._clause_break(index, index + 1):
                return False
            if norms[index] in NEGATIONS:
                return True
        return False

    def _gap(self, left: int, right: int) -> str:
        return self.text.text[self.text.ends[left] : self.text.starts[right]]

    def _clause_break(self, left: int, right: int) -> bool:
        return any(mark in _CLAUSE_MARKS for mark in self._gap(left, right))

    def _sentence_break(self, left: int, right: int) -> bool:
        return any(mark in _SENTENCE_MARKS for mark in self._gap(left, right))

    def _epistemic(self, tokens: tuple[int, ...] | list[int]) -> bool:
        norms = self.text.norms
        for index in tokens:
            after = EPISTEMIC.get(norms[index])
            if after and index + 1 < len(norms) and norms[index + 1] in after:
                return True
        return False

    def first(self, phrases: Iterable[Phrase], strict: bool = False) -> Found | None:
        """Where the first of the phrases that the reply holds is."""
        for phrase in phrases:
            found = self.find(phrase, strict)
            if found:
                return found
        return None

    def evidence(self, phrases: Iterable[Phrase], strict: bool = False) -> str:
        """The reply's words for the first phrase found, or ""."""
        found = self.first(phrases, strict)
        return self.text.quote(found.first, found.last) if found else ""


def _corrections(stem: str, word: str, typos: Typos) -> tuple[str, ...]:
    """The marker stems that `stem` (of the reply word `word`) misspells by one letter, or the stems of two marker
    words that `word` runs together (remembered per word: a batch meets the same words again and again)."""
    memo = typos.memo
    found = memo.get(word)
    if found is None:
        if len(memo) >= 100_000:
            memo.clear()
        found = memo[word] = _correct(stem, word, typos)
    return found


def _correct(stem: str, word: str, typos: Typos) -> tuple[str, ...]:
    deletions = typos.deletions
    near = {candidate for key in (stem, *(stem[:i] + stem[i + 1 :] for i in range(len(stem))))
            for candidate in deletions.get(key, ())}
    found = tuple(sorted(candidate for candidate in near if _one_edit(candidate, stem)))
    if found or len(word) < 2 * FUSED_MIN:
        return found
    for cut in range(FUSED_MIN, len(word) - FUSED_MIN + 1):
        if word[:cut] in typos.words and word[cut:] in typos.words:
            return (stem_of(word[:cut]), stem_of(word[cut:]))
    return ()


def _one_edit(a: str, b: str) -> bool:
    """`a` and `b` differ by one letter dropped, added or changed, or two neighbours swapped (the optimal string
    alignment distance is 1; checked here rather than with rapidfuzz.distance, whose import costs more than a
    whole `objcoach score`)."""
    if a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) + 1 == len(b):
        return a[start:] == b[start + 1 :]
    if len(a) != len(b):
        return False
    if a[start + 1 :] == b[start + 1 :]:
        return True  # one letter changed
    swapped = start + 1 < len(a) and a[start] == b[start + 1] and a[start + 1] == b[start]
    return swapped and a[start + 2 :] == b[start + 2 :]


@lru_cache(maxsize=100_000)
def loose_prefixes(stem: str) -> frozenset[str]:
    """The marker stems that `stem` may stand for in a loose match: its prefixes of at least LOOSE_MIN
    letters that it extends by at most LOOSE_EXTRA ("бесплатн" for "бесплатно")."""
    if len(stem) <= LOOSE_MIN:
        return frozenset()
    return frozenset(stem[:n] for n in range(max(LOOSE_MIN, len(stem) - LOOSE_EXTRA), len(stem)))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
