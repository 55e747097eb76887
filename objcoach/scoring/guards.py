"""Guards against what fuzzy matching alone rewards wrongly, and the antipatterns.

Each guard is a function of what it needs that returns a Guard: the flag it raises (or none), the cap it
puts on the score, the points it takes off. The scorer applies them in order; no guard sees another's result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import NamedTuple

from rapidfuzz import fuzz

from objcoach.catalog.model import Catalog
from objcoach.scoring.index import MarkerIndex, Prepared, phrase
from objcoach.scoring.matcher import Matcher
from objcoach.scoring.result import Hit
from objcoach.scoring.settings import (
    COPY_OWN_WORDS,
    DONT_KNOW_CAP_WORDS,
    EMPTY_QUOTE_CHARS,
    FILLER_SHARE,
    JAB_QUOTE_CHARS,
    LIST_MIN_PIECES,
    LIST_SINGLE_SHARE,
    MAX_REPLY_CHARS,
    OFFTOPIC_MIN_WORDS,
    QUOTE_CHARS,
    REPEAT_SIMILARITY,
    STUFFING_COVERAGE,
    STUFFING_COVERED_MIN_WORDS,
    STUFFING_MIN_WORDS,
)
from objcoach.scoring.text import STOPWORDS, Analysis, analyze, normalize, stems_of

# Sounds, not words: a reply of only these says nothing.
FILLERS = frozenset({"эм", "э", "ээ", "эээ", "мм", "ммм", "хм", "ну", "а", "ага", "угу", "так", "вот", "значит", "да",
                     "понятно", "ладно", "тогда", "um", "uh", "uhm", "er", "erm", "hmm", "hm", "mm", "mhm", "ah",
                     "eh", "well", "so", "yeah", "yes", "okay", "ok", "right", "one", "moment"})
# A reply that opens like this changes the subject.
TOPIC_SHIFTS = ("кстати", "между прочим", "а вы знали", "а вы знаете", "вы знали", "а знаете", "а вы видели",
                "by the way", "btw", "did you know", "did you see", "have you seen", "incidentally", "speaking of",
                "oh and", "on another note")
# A closing sentence that opens like this and does no technique's work is a jab at the client:
# «Хотя с таким настроем вам не угодишь», "Though if cheap is all you care about..."
JAB_OPENERS = ("хотя", "но вообще", "а вообще", "вообще то", "впрочем", "ну а если", "не то чтобы", "though",
               "although", "and honestly", "but honestly", "frankly", "to be honest", "not that")
JAB_TAGS = frozenset({"though", "хотя"})  # "…, though." at the end turns a sentence the same way
# Contrast and generalisation ("не просто", "обычно", "на самом деле") are what jabs are made of:
# a closing that shows only these techniques is not excused by them.
JAB_CONTRAST_TECHNIQUES = frozenset({"reframe", "explain_cause"})
DONT_KNOW = ("не знаю", "без понятия", "понятия не имею", "затрудняюсь ответить", "не могу сказать",
             "i don't know", "i do not know", "no idea", "dunno", "not sure", "no clue")
# Words of greeting, thanks and leave-taking: they belong to no topic.
COURTESY_STEMS = frozenset(stems_of(
    "хорошо ладно окей спасибо благодарю пожалуйста добрый доброго день вечер свидания проблема проблем "
    "ok okay sure thanks thank please welcome nice good great day bye goodbye problem problems"))

# each phrase with a space after it: one startswith in C checks them all, as whole words (see _opens_with)
_TOPIC_SHIFT_PREFIXES = tuple(shift + " " for shift in TOPIC_SHIFTS)
_JAB_OPENER_PREFIXES = tuple(opener + " " for opener in JAB_OPENERS)
_JAB_FIRST_WORDS = frozenset(opener.split()[0] for opener in JAB_OPENERS)
_LIST_BREAKS = re.compile(r"[,;.!?\n/|+]+")


class Guard(NamedTuple):
    """What one guard found: the flag it raises, and the most the reply may score when the grader model caps on
    that flag (model.caps); a flag it does not cap on is a feature whose weight the model learned."""

    flag: Hit | None = None
    cap: float | None = None


PASSED = Guard()


def cut(reply: str) -> tuple[str, Guard]:
    """A reply longer than anyone would say is cut before scoring, and flagged."""
    if len(reply) <= MAX_REPLY_CHARS:
        return reply, PASSED
    return reply[:MAX_REPLY_CHARS], Guard(Hit("too_long", f"cut to {MAX_REPLY_CHARS} characters"))


def antipatterns(matcher: Matcher, index: MarkerIndex, catalog: Catalog, conf: dict[str, float]) -> list[Guard]:
    """A guard for each antipattern the reply shows ("block" ones may cap the score; each is a feature)."""
    found = []
    for key, phrases in index.candidates(matcher.present).items():
        evidence = matcher.evidence(phrases, strict=True)
        if evidence:
            if catalog.antipatterns[key].severity == "block":
                guard = Guard(Hit(key, evidence), cap=conf["cap_harmful"])
            else:
                guard = Guard(Hit(key, evidence))
            found.append(guard)
    return found


def empty_or_short(text: Analysis, conf: dict[str, float]) -> Guard:
    """A reply of one word or of filler sounds scores nothing; one too short to answer an objection, little."""
    fillers = sum(map(FILLERS.__contains__, text.norms))
    if text.words <= 1 or fillers >= FILLER_SHARE * text.words:
        return Guard(Hit("empty", text.text.strip()[:EMPTY_QUOTE_CHARS]), cap=0.0)
    if text.words < conf["min_words"] or not text.content:
        return Guard(Hit("too_short", text.text.strip()[:QUOTE_CHARS]), cap=conf["cap_too_short"])
    return PASSED


def dont_know(matcher: Matcher, conf: dict[str, float]) -> Guard:
    """«Не знаю», "no idea": a short reply that says it fails; a longer one that goes on loses points."""
    evidence = matcher.evidence(_dont_know_index().candidates(matcher.present).get("dont_know", ()), strict=True)
    if not evidence:
        return PASSED
    if len(set(matcher.text.content)) < DONT_KNOW_CAP_WORDS:
        return Guard(Hit("dont_know", evidence), cap=conf["cap_harmful"])
    return Guard(Hit("dont_know", evidence))


def wrong_claim(matcher: Matcher, prepared: Prepared, conf: dict[str, float]) -> Guard:
    """A reply that says what the catalog lists as a wrong answer (`wrong:`) is not an answer. A claim is
    found as a technique marker is: its words close together in any order, and not denied by a negation
    just before them unless the claim holds one itself («возвращать не нужно»)."""
    for claim in prepared.wrong:
        found = matcher.evidence(claim)
        if found:
            return Guard(Hit("wrong_fact", found[:QUOTE_CHARS]), cap=conf["cap_harmful"])
    return PASSED


@cache
def _dont_know_index() -> MarkerIndex:
    return MarkerIndex.build({"dont_know": tuple(phrase(p) for p in DONT_KNOW)})


def copy(text: Analysis, prepared: Prepared, conf: dict[str, float]) -> Guard:
    """The client's own words said back: mostly their words in nearly their order, or their whole phrase
    with little around it."""
    content = text.content
    if content and ((_copied(content, prepared.client_stems, conf["copy_share"])
                     and _echo(text, prepared.client_keys) >= conf["copy_similarity"])
                    or _repeats_client(text, prepared)):
        return Guard(Hit("copy", text.text.strip()[:QUOTE_CHARS]), cap=conf["cap_harmful"])
    return PASSED


def _copied(content: Sequence[str], client: frozenset[str], share: float) -> bool:
    """Mostly the client's own words back: little of the reply is new."""
    theirs = sum(map(client.__contains__, content))
    return len(content) - theirs <= COPY_OWN_WORDS and theirs / len(content) >= share


def _echo(text: Analysis, client_keys: Sequence[str]) -> float:
    """How close the reply's word sequence is to the nearest of the client's phrases (0–100)."""
    key = " ".join(text.stems)
    return max((fuzz.ratio(key, client) for client in client_keys), default=0.0)


def _repeats_client(text: Analysis, prepared: Prepared) -> bool:
    """The client's whole phrase said back, with at most two words of one's own around it."""
    if len(text.content_stems - prepared.client_stems) > COPY_OWN_WORDS:
        return False
    key = " ".join(text.stems)
    return any(len(client.split()) >= 2 and fuzz.partial_ratio(client, key) >= REPEAT_SIMILARITY
               for client in prepared.client_keys)


def jab(text: Analysis, long_markers: MarkerIndex, conf: dict[str, float]) -> Guard:
    """The last of several sentences, when it opens with a contrastive turn, asks nothing and does no
    technique's work, is a jab at the client."""
    last = _closing_jab(text, long_markers)
    return Guard(Hit("jab", last[:JAB_QUOTE_CHARS]), cap=conf["cap_harmful"]) if last else PASSED


def _closing_jab(text: Analysis, long_markers: MarkerIndex) -> str:
    if text.sentences < 2:
        return ""
    body = text.text.rstrip().rstrip(".!?…")
    end = max(body.rfind("."), body.rfind("!"), body.rfind("?"), body.rfind("…"))
    last = text.text[end + 1 :].strip() if end >= 0 else ""
    words = last.casefold().replace(",", " ").rstrip(".!…").split()
    if not words or (words[0].strip(";:—-") not in _JAB_FIRST_WORDS and words[-1] not in JAB_TAGS):
        return ""
    opening = normalize(last)
    if not _opens_with(opening, _JAB_OPENER_PREFIXES) and opening.split()[-1] not in JAB_TAGS:
        return ""
    if "?" in last:
        return ""
    # a closing that does a technique's work names it in a phrase ("решать вам", "up to you");
    # one-word markers ("но", "but") prove nothing here
    tail = Matcher(analyze(last))
    found = long_markers.candidates(tail.loose_keys)
    if any(tail.evidence(phrases) for tid, phrases in found.items() if tid not in JAB_CONTRAST_TECHNIQUES):
        return ""
    return last


def stuffing(text: Analysis, covered: int, conf: dict[str, float]) -> Guard:
    """A list of words rather than sentences: almost no function words; or few function words while most
    words are markers and key points (`covered` of them); or mostly one-word bits between commas."""
    words = text.words
    if words < STUFFING_MIN_WORDS:
        return PASSED
    least = conf["stuffing_function_share"]
    function_share = sum(map(STOPWORDS.__contains__, text.norms)) / words
    stuffed = function_share < least or (
        text.sentences <= 1 and words >= STUFFING_COVERED_MIN_WORDS and function_share < 2 * least
        and covered / words >= STUFFING_COVERAGE) or (text.sentences <= 1 and _listed(text.text))
    return Guard(Hit("stuffing", text.text.strip()[:QUOTE_CHARS]), cap=conf["cap_harmful"]) if stuffed else PASSED


def _listed(text: str) -> bool:
    """Mostly one-word bits between commas."""
    pieces = [p for p in _LIST_BREAKS.split(text) if p.strip()]
    single = [p for p in pieces if len(p.split()) == 1]
    return len(pieces) >= LIST_MIN_PIECES and len(single) / len(pieces) >= LIST_SINGLE_SHARE


def off_topic(text: Analysis, similarity: float, any_point: bool, own: frozenset[str],
              domain: Callable[[], frozenset[str]], form: frozenset[str], conf: dict[str, float]) -> Guard:
    """A reply that opens by changing the subject, unless it really resembles a model answer; or one far
    from every answer, with no key point, whose topical words mostly belong neither to the objection
    (`own`) nor to its domain (asked for only then: it is built on first use)."""
    if (_shifts_topic(text) and similarity < conf["closeness_full"]) or (
            similarity < conf["closeness_full"] / 2 and not any_point
            and _relevance(text.content, own, domain(), form) < conf["offtopic_relevance"]):
        return Guard(Hit("off_topic", text.text.strip()[:QUOTE_CHARS]), cap=conf["cap_harmful"])
    return PASSED


def _shifts_topic(text: Analysis) -> bool:
    """The reply opens by changing the subject («Кстати, ...», "By the way, ...")."""
    return _opens_with(" ".join(text.norms[:4]), _TOPIC_SHIFT_PREFIXES)


def _opens_with(words: str, prefixes: tuple[str, ...]) -> bool:
    """`words` (normalised) are one of the phrases, or begin with one of them as whole words."""
    return (words + " ").startswith(prefixes)


def _relevance(content: Sequence[str], own: frozenset[str], domain: frozenset[str], form: frozenset[str],
               ) -> float:
    """Share of the reply's topical words that belong to the objection's own texts or to its domain's (1.0
    when the reply has too few topical words to tell: a thin generic reply is weak, not off-topic).
    A Russian word with the prefix не- counts by its root (недоверие ~ доверие)."""
    topical = [s for s in content if s not in form and s not in COURTESY_STEMS]
    if len(set(topical)) < OFFTOPIC_MIN_WORDS:
        return 1.0
    hits = sum(1 for s in topical if s in own or s in domain
               or (s.startswith("не") and (s[2:] in own or s[2:] in domain)))
    return hits / len(topical)


def other_language(text: Analysis, expected: str, conf: dict[str, float]) -> Guard:
    """A reply in the other language than the one expected fails."""
    if text.lang and text.lang != expected:
        # the evidence is the reply's own first words, as for every flag: the flag's title says what is wrong
        return Guard(Hit("other_language", " ".join(text.text.split()[:8])), cap=conf["cap_harmful"])
    return PASSED


def too_long(text: Analysis, already_cut: bool, conf: dict[str, float]) -> Guard:
    """More words than fit in a spoken reply take points off (flagged once, even when the reply was cut)."""
    if text.words <= conf["max_words"]:
        return PASSED
    flag = None if already_cut else Hit("too_long", f"{text.words} words; a spoken reply fits in "
                                                    f"{int(conf['max_words'])}")
    return Guard(flag)
