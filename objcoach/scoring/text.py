"""Text handling for both languages: normalise, tokenise with spans, stem, detect the language.

Knows nothing about objections. Every token keeps the span of the words it came from, so the
scorer can quote the reply's own words as evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import cast

import Stemmer

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
has_cyrillic = _CYRILLIC.search  # a Cyrillic letter anywhere in the text (a match, or None)
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
# from a sentence's first word to its end: one match for each sentence that holds a word (and no
# backtracking, whatever the text)
_SENTENCE = re.compile(r"[^\W_][^.!?…\n]*")
_QUESTION_MARK = re.compile(r"\?")
_STATEMENT_END = re.compile(r"[.!…\n]")
_SENTENCE_END = re.compile(r"[.!?…\n]")
_DIGIT = re.compile(r"\d")
_GROUPED_NUMBER = re.compile(r"\d[, .\u00a0\u202f']\d{3}")  # what _join_thousands joins, found in C first

# English contractions expand so that "you're wrong" and "you are wrong" are the same words.
_CONTRACTIONS = {
    "won't": ("will", "not"),
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "shan't": ("shall", "not"),
    "i'm": ("i", "am"),
    "let's": ("let", "us"),
}
_SUFFIXES = (("n't", ("not",)), ("'re", ("are",)), ("'ll", ("will",)), ("'ve", ("have",)),
             ("'d", ("would",)), ("'s", ()), ("'m", ("am",)))

# Function words: they carry grammar, not meaning. A real sentence has many of them;
# a list of stuffed keywords has almost none.
STOPWORDS = frozenset(
    """
    и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только ее её мне
    было вот от меня еще ещё нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас
    нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем
    была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем
    ним здесь этом один почти мой тем чтобы нее неё сейчас были куда зачем всех никогда можно при наконец два
    об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем
    хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между это эта
    ваш ваша ваше ваши вашего вашей вашу вашим ваших наш наша наше наши нашего нашей нашу нашим наших
    мы вами нами ими своей свой свои своё свое очень просто также же ли бы либо или
    the a an and or but if then so to of in on at by for with from as is are was were be been being am
    i you he she it we they me him her us them my your his its our their this that these those there here
    do does did have has had will would shall should can could may might must not no nor yes
    what which who whom whose when where why how all any both each few more most other some such only own
    same than too very just also about into over after before again further once up down out off
    """.split()
)
NEGATIONS = frozenset({"не", "нет", "ни", "not", "no", "never"})


class Analysis:
    """One text, read once: its words (casefolded, ё→е) with their stems and spans in the original, and a
    few facts about its shape. Parallel lists rather than one object a word: a batch reads millions of
    words, and building a tuple per word cost more than all the matching after it."""

    __slots__ = ("content", "content_stems", "ends", "lang", "norms", "numbers", "questions",
                 "sentences", "starts", "stems", "text")

    def __init__(self, text: str) -> None:
        norms, starts, ends = _word_spans(text)
        known = list(map(_STEMS.get, norms))  # a dict lookup in C for the words seen before
        stems = [found or stem(norm) for found, norm in zip(known, norms, strict=True)] if None in known \
            else cast("list[str]", known)
        self.text = text
        self.norms: list[str] = norms
        self.stems: list[str] = stems
        self.starts: list[int] = starts
        self.ends: list[int] = ends
        # the words that carry meaning, in order (a stem may repeat)
        self.content: tuple[str, ...] = tuple(
            [s for n, s in zip(norms, stems, strict=True) if n not in STOPWORDS and len(n) > 1])
        self.content_stems: frozenset[str] = frozenset(self.content)
        self.lang: str | None = _language_of_words(norms)
        self.sentences: int = _count_sentences(text)
        self.questions: tuple[str, ...] = _questions(text) if "?" in text else ()  # as written
        self.numbers: tuple[str, ...] = tuple(
            [n for n in norms if not n.isalpha() and _DIGIT.search(n)]) if _DIGIT.search(text) else ()

    @property
    def words(self) -> int:
        return len(self.norms)

    def sentence_starts(self) -> list[int]:
        """The words that open a sentence after the first: those with a sentence end in the gap before them. The
        few ends are found in C and each placed among the words by bisection (a "." inside a word, as in
        "3.600", is in no gap)."""
        starts, ends = self.starts, self.ends
        found: list[int] = []
        for match in _SENTENCE_END.finditer(self.text):
            at, where = bisect_right(starts, match.start()), match.start()
            if 0 < at < len(starts) and ends[at - 1] <= where and (not found or found[-1] != at):
                found.append(at)
        return found

    def quote(self, first: int, last: int) -> str:
        """The original words from word `first` to word `last`, inclusive."""
        return self.text[self.starts[first] : self.ends[last]]


def normalize(text: str) -> str:
    """Casefold, ё→е, punctuation to spaces, one space between words."""
    low = text.casefold().replace("ё", "е")
    if len(low) == len(text) and "'" not in low and "’" not in low and not _GROUPED_NUMBER.search(low):
        return " ".join(_WORD.findall(low))  # nothing to expand or join: no spans needed
    return " ".join(_word_spans(text)[0])


def _word_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """The normalised words of `text` and the span of each in `text`."""
    low = text.casefold().replace("ё", "е")
    if len(low) != len(text):  # folding changed the length (ß → ss): fold word by word
        return _fold_each(text)
    # gaps and words alternate in the split; the running sum of their lengths gives every span
    pieces = _WORD_SPLIT.split(low)
    offsets = list(accumulate(map(len, pieces)))
    words, starts, ends = pieces[1::2], offsets[0:-1:2], offsets[1::2]
    if "'" in low or "’" in low:
        _expand_all(words, starts, ends)
    if _GROUPED_NUMBER.search(low):
        _join_thousands(text, words, starts, ends)
    return words, starts, ends


def _fold_each(text: str) -> tuple[list[str], list[int], list[int]]:
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _WORD.finditer(text):
        word = match.group().casefold().replace("ё", "е")
        for part in _expand(word.replace("’", "'")):
            words.append(part)
            starts.append(match.start())
            ends.append(match.end())
    return words, starts, ends


def _expand_all(words: list[str], starts: list[int], ends: list[int]) -> None:
    """Contractions become their words, each with the span of the whole contraction (in place: the few words
    with an apostrophe are replaced from the last, so the positions of the ones before stay put)."""
    marked = [index for index, word in enumerate(words) if "'" in word or "’" in word]
    for index in reversed(marked):
        parts = _expand(words[index].replace("’", "'"))
        words[index : index + 1] = parts
        starts[index : index + 1] = [starts[index]] * len(parts)
        ends[index : index + 1] = [ends[index]] * len(parts)


def _join_thousands(text: str, words: list[str], starts: list[int], ends: list[int]) -> None:
    """"3,600", "3 600" and "3.600" are one number: a group of three digits right after a number and one
    separator joins it (in place)."""
    n = 1
    while n < len(words):
        word, previous = words[n], words[n - 1]
        if len(word) == 3 and word.isdecimal() and previous.isdecimal() and starts[n] == ends[n - 1] + 1 \
                and text[ends[n - 1]] in _GROUP_SEPARATORS:
            words[n - 1] = previous + word
            ends[n - 1] = ends[n]
            del words[n], starts[n], ends[n]
        else:
            n += 1


_GROUP_SEPARATORS = frozenset(", .\u00a0\u202f'")


def _expand(word: str) -> tuple[str, ...]:
    if "'" not in word:
        return (word,)
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return (word[: -len(suffix)], *replacement)
    return tuple(part for part in word.split("'") if part)


_STEMMERS = {"ru": Stemmer.Stemmer("russian"), "en": Stemmer.Stemmer("english")}


_STEMS: dict[str, str] = {}  # word -> stem, for the words seen so far
_STEMS_LIMIT = 200_000  # then it starts afresh: memory stays bounded on any number of replies


def stem(word: str) -> str:
    """Stem one normalised word with the stemmer of its own script (mixed text works)."""
    found = _STEMS.get(word)
    if found is None:
        if has_cyrillic(word):
            found = str(_STEMMERS["ru"].stemWord(word))
        elif _LATIN.search(word):
            found = str(_STEMMERS["en"].stemWord(word))
        else:
            found = word
        if len(_STEMS) >= _STEMS_LIMIT:
            _STEMS.clear()
        _STEMS[word] = found
    return found


def stems_of(text: str) -> tuple[str, ...]:
    return tuple(map(stem, _word_spans(text)[0]))


def detect_language(text: str) -> str | None:
    """"ru" or "en" by the share of Cyrillic and Latin letters; None when there are no letters."""
    return _language_of_words(_word_spans(text)[0])


def _language_of_words(words: list[str]) -> str | None:
    cyrillic = latin = 0
    for word in words:  # casefolded, ё already е: plain character ranges
        first = word[0]
        if "а" <= first <= "я":
            cyrillic += len(word)
        elif "a" <= first <= "z":
            latin += len(word)
    if not cyrillic and not latin:
        return None
    return "ru" if cyrillic >= latin else "en"


def analyze(text: str) -> Analysis:
    return Analysis(text)


def _count_sentences(text: str) -> int:
    """Stretches between sentence ends that hold a word."""
    return len(_SENTENCE.findall(text))


def _questions(text: str) -> tuple[str, ...]:
    """Sentences that end with "?" and hold at least two words."""
    found = []
    start = 0
    for match in _QUESTION_MARK.finditer(text):
        piece = text[start : match.end()]
        sentence = _STATEMENT_END.split(piece)[-1].strip()
        if len(_WORD.findall(sentence)) >= 2:
            found.append(sentence)
        start = match.end()
    return tuple(found)

