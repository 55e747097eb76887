"""Text handling for both languages: normalise, tokenise with spans, stem, detect the language.

Knows nothing about objections. Every token keeps the span of the words it came from, so the
scorer can quote the reply's own words as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import Stemmer

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…]+|\n+")
_DIGIT = re.compile(r"\d")

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


class Token(NamedTuple):  # a tuple: a reply has dozens and a batch millions, so creation must be cheap
    norm: str  # casefolded, ё→е
    stem: str
    start: int  # span in the original text
    end: int


@dataclass(frozen=True)
class Analysis:
    """One text, read once: its tokens with stems and spans, and a few facts about its shape."""

    text: str
    tokens: tuple[Token, ...]
    content_stems: frozenset[str]
    lang: str | None
    sentences: int
    questions: tuple[str, ...]  # interrogative sentences, as written
    numbers: tuple[str, ...]

    @property
    def words(self) -> int:
        return len(self.tokens)

    def quote(self, first: int, last: int) -> str:
        """The original words from token `first` to token `last`, inclusive."""
        return self.text[self.tokens[first].start : self.tokens[last].end]


def normalize(text: str) -> str:
    """Casefold, ё→е, punctuation to spaces, one space between words."""
    return " ".join(norm for norm, _, _ in _word_spans(text))


def _word_spans(text: str) -> list[tuple[str, int, int]]:
    words: list[tuple[str, int, int]] = []
    low = text.casefold().replace("ё", "е")
    if len(low) == len(text):  # the usual case: spans in the folded text are spans in the original
        for match in _WORD.finditer(low):
            word = match.group()
            if "'" in word or "’" in word:
                words.extend((part, match.start(), match.end()) for part in _expand(word.replace("’", "'")))
            elif words and _thousands(text, words[-1], word, match.start()):
                previous = words.pop()
                words.append((previous[0] + word, previous[1], match.end()))
            else:
                words.append((word, match.start(), match.end()))
        return words
    for match in _WORD.finditer(text):  # folding changed the length (ß → ss): fold word by word
        word = match.group().casefold().replace("ё", "е")
        start, end = match.span()
        words.extend((part, start, end) for part in _expand(word.replace("’", "'")))
    return words


def _thousands(text: str, previous: tuple[str, int, int], word: str, start: int) -> bool:
    """"3,600", "3 600" and "3.600" are one number: a group of three digits right after a number and one
    separator joins it."""
    return (len(word) == 3 and word.isdigit() and previous[0].isdigit() and start == previous[2] + 1
            and text[previous[2]] in _GROUP_SEPARATORS)


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


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Stem one normalised word with the stemmer of its own script (mixed text works)."""
    if _CYRILLIC.search(word):
        return str(_STEMMERS["ru"].stemWord(word))
    if _LATIN.search(word):
        return str(_STEMMERS["en"].stemWord(word))
    return word


def stems_of(text: str) -> tuple[str, ...]:
    return tuple(stem(norm) for norm, _, _ in _word_spans(text))


def detect_language(text: str) -> str | None:
    """"ru" or "en" by the share of Cyrillic and Latin letters; None when there are no letters."""
    return _language_of_words([norm for norm, _, _ in _word_spans(text)])


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
    tokens = tuple([Token(norm, stem(norm), start, end) for norm, start, end in _word_spans(text)])
    content = frozenset([token.stem for token in tokens if token.norm not in STOPWORDS and len(token.norm) > 1])
    has_digit = _DIGIT.search(text) is not None
    return Analysis(
        text=text,
        tokens=tokens,
        content_stems=content,
        lang=_language_of_words([token.norm for token in tokens]),
        sentences=_count_sentences(text),
        questions=_questions(text) if "?" in text else (),
        numbers=tuple([token.norm for token in tokens if not token.norm.isalpha() and _DIGIT.search(token.norm)])
        if has_digit else (),
    )


def _count_sentences(text: str) -> int:
    parts = _SENTENCE_END.split(text)
    if len(parts) == 1:
        return 1 if _WORD.search(text) else 0
    return sum(1 for part in parts if _WORD.search(part))


def _questions(text: str) -> tuple[str, ...]:
    """Sentences that end with "?" and hold at least two words."""
    found = []
    start = 0
    for match in re.finditer(r"\?", text):
        piece = text[start : match.end()]
        sentence = re.split(r"[.!…\n]", piece)[-1].strip()
        if len(_WORD.findall(sentence)) >= 2:
            found.append(sentence)
        start = match.end()
    return tuple(found)

