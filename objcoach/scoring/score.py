"""Score an operator's reply to an objection: 0–100, a verdict, and where every point came from.

Pure and deterministic. Components:
- closeness: how near the reply is to the nearest model answer, on stemmed content words;
- techniques: the objection's checklist, found by marker phrases (on stems, any order within a
  small window, not after a negation) or by general detectors (a question, a concrete figure);
- key points: what this objection's answer should mention; any alternative of a point counts;
- penalties and caps: antipatterns, and guards against what fuzzy matching alone rewards wrongly
  (empty, too short, «не знаю», a copy of the client's words, keyword stuffing, off-topic, the other
  language, too long).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from rapidfuzz import fuzz

from objcoach.catalog.model import LANGS, Catalog, Objection
from objcoach.scoring.result import Hit, Score
from objcoach.scoring.settings import (
    DEFAULT_SETTINGS,
    HARMLESS_FLAGS,
    KEY_POINT_SHARE,
    LOOSE_EXTRA,
    LOOSE_MIN,
    MARKER_SLACK,
    MAX_REPLY_CHARS,
    OFFTOPIC_MIN_WORDS,
    SHORT_STEM,
    STUFFING_COVERAGE,
    verdict_for,
)
from objcoach.scoring.text import NEGATIONS, STOPWORDS, Analysis, analyze, has_cyrillic, normalize, stems_of

# Sounds, not words: a reply of only these says nothing.
FILLERS = frozenset({"эм", "э", "ээ", "эээ", "мм", "ммм", "хм", "ну", "а", "ага", "угу", "так", "вот", "значит", "да",
                     "понятно", "ладно", "тогда", "um", "uh", "uhm", "er", "erm", "hmm", "hm", "mm", "mhm", "ah",
                     "eh", "well", "so", "yeah", "yes", "okay", "ok", "right", "one", "moment"})
FILLER_SHARE = 0.8  # a reply this much made of filler sounds says nothing
# A reply that opens like this changes the subject.
TOPIC_SHIFTS = ("кстати", "между прочим", "а вы знали", "а вы знаете", "вы знали", "а знаете", "а вы видели",
               "by the way", "btw", "did you know", "did you see", "have you seen", "incidentally", "speaking of",
               "oh and", "on another note")
_TOPIC_SHIFT_PREFIXES = tuple(phrase + " " for phrase in TOPIC_SHIFTS)  # see _opens_with
# A closing sentence that opens like this and does no technique's work is a jab at the client:
# «Хотя с таким настроем вам не угодишь», "Though if cheap is all you care about..."
JAB_OPENERS = ("хотя", "но вообще", "а вообще", "вообще то", "впрочем", "ну а если", "не то чтобы", "though",
               "although", "and honestly", "but honestly", "frankly", "to be honest", "not that")

_JAB_FIRST_WORDS = frozenset(opener.split()[0] for opener in JAB_OPENERS)
_JAB_OPENER_PREFIXES = tuple(opener + " " for opener in JAB_OPENERS)
JAB_TAGS = frozenset({"though", "хотя"})  # "…, though." at the end turns a sentence the same way
# Contrast and generalisation ("не просто", "обычно", "на самом деле") are what jabs are made of:
# a closing that shows only these techniques is not excused by them.
JAB_CONTRAST_TECHNIQUES = frozenset({"reframe", "explain_cause"})

DONT_KNOW = ("не знаю", "без понятия", "понятия не имею", "затрудняюсь ответить", "не могу сказать",
             "i don't know", "i do not know", "no idea", "dunno", "not sure", "no clue")


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    stems: tuple[str, ...]
    negated: bool  # the phrase holds a negation itself ("вы не правы"): no negation guard
    words: tuple[str, ...] = ()  # the normalised words behind the stems


@dataclass(frozen=True, slots=True)
class _Prepared:
    """An objection's texts in one language, stemmed once."""

    answers: tuple[str, ...]
    answer_keys: tuple[str, ...]  # content stems of each answer, as one string for rapidfuzz
    sorted_keys: tuple[str, ...]  # the same stems sorted: token_sort_ratio without sorting each time
    answer_stems: tuple[frozenset[str], ...]  # the same stems as a set, for the words a reply shares with it
    # (label, every stem of the point, ((an alternative's stems, how many of them must appear), ...))
    key_points: tuple[tuple[str, frozenset[str], tuple[tuple[tuple[str, ...], int], ...]], ...]
    client_stems: frozenset[str]
    client_keys: tuple[str, ...]  # each client phrase as its stems, for sequence similarity
    vocabulary: frozenset[str]


def _phrase(text: str) -> _Phrase:
    words = analyze(text)
    return _Phrase(text, tuple(words.stems), any(norm in NEGATIONS for norm in words.norms), tuple(words.norms))


F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def _memo(catalog: Catalog, slot: object, kind: type, make: Callable[..., T], *args: Any) -> T:
    """The catalog memo's value at `slot`, made by `make(*args)` and kept there when absent (or not a
    `kind`), so it lives as long as the catalog and travels with it into the catalog cache. Read with a
    plain lookup: a cached catalog's memo (LazyMemo) answers `get` and `in` with Python calls, and this is
    on every reply's path (so no closure is built for `make` either)."""
    try:
        found = catalog.memo[slot]
        if isinstance(found, kind):
            return cast("T", found)
    except KeyError:
        pass
    made = catalog.memo[slot] = make(*args)
    return made


def _per_catalog(function: F) -> F:
    """Memoise a function of (catalog, *keys) in the catalog's own memo (see _memo)."""

    @wraps(function)
    def memoised(catalog: Catalog, *keys: str) -> Any:
        return _memo(catalog, (function.__name__, *keys), object, function, catalog, *keys)

    return memoised  # type: ignore[return-value]


WARM_LIMIT = 1000  # catalogs up to this size are fully pre-computed before caching; larger ones on demand


def warm(catalog: Catalog) -> None:
    """Compute what scoring needs before the catalog is cached: the markers always, and for a catalog of
    ordinary size every objection's prepared texts and every domain's vocabulary too."""
    for lang in LANGS:
        _markers(catalog, lang)
        _marker_index(catalog, lang)
        _marker_stems(catalog, lang)

        if len(catalog.objections) <= WARM_LIMIT:
            for objection in catalog.objections:
                _prepared(catalog, objection, lang)
            for domain in {objection.domain for objection in catalog.objections}:
                _domain_vocabulary(catalog, domain, lang)


@_per_catalog
def _markers(catalog: Catalog, lang: str) -> tuple[dict[str, tuple[_Phrase, ...]], dict[str, tuple[_Phrase, ...]]]:
    # longest first, so the evidence quoted is the fullest phrase ("понимаю вас", not "понимаю")
    techniques = {key: tuple(sorted((_phrase(m) for m in t.markers.get(lang, ())), key=lambda p: -len(p.stems)))
                  for key, t in catalog.techniques.items()}
    antipatterns = {key: tuple(_phrase(m) for m in a.markers.get(lang, ())) for key, a in catalog.antipatterns.items()}
    return techniques, antipatterns


def _prepared(catalog: Catalog, objection: Objection, lang: str) -> _Prepared:
    """An objection's texts stemmed once, kept in the catalog's memo (and so in its cache)."""
    return _memo(catalog, ("prepare", objection.id, lang), _Prepared, _prepare, objection, lang)


def _prepare(objection: Objection, lang: str) -> _Prepared:
    answers = objection.answers.get(lang, ())
    answer_keys = tuple(" ".join(analyze(answer).content) for answer in answers)
    sorted_keys = tuple(_sorted_words(key) for key in answer_keys)
    answer_stems = tuple(frozenset(key.split()) for key in answer_keys)
    key_points = []
    for point in objection.key_points.get(lang, ()):
        alternatives = tuple(analyze(alt).content or stems_of(alt) for alt in point.split("|") if alt.strip())
        needs = tuple((stems, math.ceil(KEY_POINT_SHARE * len(stems)) or 1) for stems in alternatives)
        key_points.append((point.split("|")[0].strip(), frozenset().union(*alternatives), needs))
    clients = [objection.client.get(lang, ""), *objection.variants.get(lang, ())]
    client_stems = frozenset(s for phrase in clients for s in analyze(phrase).content_stems)
    texts = [*clients, *answers, objection.context.get(lang, ""), objection.tips.get(lang, ""),
             *objection.key_points.get(lang, ())]
    vocabulary = frozenset(s for text in texts for s in analyze(text.replace("|", " ")).content_stems)
    client_keys = tuple(" ".join(stems_of(phrase)) for phrase in clients if phrase)
    return _Prepared(answers, answer_keys, sorted_keys, answer_stems, tuple(key_points), client_stems, client_keys,
                     vocabulary)


@dataclass(frozen=True, slots=True)
class _MarkerIndex:
    """Marker phrases with an inverted index, so a reply is checked only against the phrases whose every
    stem it holds."""

    entries: tuple[tuple[str, _Phrase], ...]  # (technique or antipattern id, phrase), in priority order
    postings: dict[str, tuple[int, ...]]  # rarest stem -> phrases
    anchors: frozenset[str]  # the stems phrases are filed under, as a set: intersected with a reply's in C
    needed: tuple[tuple[str, ...], ...]  # the distinct stems each phrase needs besides the one it is filed under

    @classmethod
    def build(cls, groups: dict[str, tuple[_Phrase, ...]]) -> _MarkerIndex:
        entries = tuple((key, phrase) for key, phrases in groups.items() for phrase in phrases)
        frequency: dict[str, int] = {}
        for _, phrase in entries:
            for stem in set(phrase.stems):
                frequency[stem] = frequency.get(stem, 0) + 1
        # each phrase is filed under its rarest stem only: a reply's common words ("вы", "you") then
        # wake few phrases, and the rest of each phrase is a set lookup
        postings: dict[str, list[int]] = {}
        needed: list[tuple[str, ...]] = []
        for index, (_, phrase) in enumerate(entries):
            anchor = min(set(phrase.stems), key=lambda stem: (frequency[stem], stem)) if phrase.stems else ""
            if anchor:
                postings.setdefault(anchor, []).append(index)
            needed.append(tuple(sorted(set(phrase.stems) - {anchor})))
        return cls(entries, {stem: tuple(found) for stem, found in postings.items()}, frozenset(postings),
                   tuple(needed))

    def candidates(self, keys: set[str] | frozenset[str]) -> dict[str, list[_Phrase]]:
        """Per id, the phrases (in priority order) whose every stem is among `keys`."""
        postings, needed = self.postings, self.needed
        # the anchors present come from one set intersection in C; a one-word phrase needs nothing more
        hits = [index for key in keys & self.anchors for index in postings[key]
                if not needed[index] or keys.issuperset(needed[index])]
        if not hits:
            return {}
        found: dict[str, list[_Phrase]] = {}
        for index in sorted(hits):
            key, phrase = self.entries[index]
            found.setdefault(key, []).append(phrase)
        return found


@_per_catalog
def _marker_index(catalog: Catalog, lang: str) -> tuple[_MarkerIndex, _MarkerIndex, _MarkerIndex]:
    """Indexes of the technique markers, the antipattern markers, and the multi-word technique markers."""
    techniques, antipatterns = _markers(catalog, lang)
    long_ones = {key: tuple(p for p in phrases if len(p.stems) > 1) for key, phrases in techniques.items()}
    return _MarkerIndex.build(techniques), _MarkerIndex.build(antipatterns), _MarkerIndex.build(long_ones)


_DONT_KNOW_INDEX: list[_MarkerIndex] = []


def _dont_know_index() -> _MarkerIndex:
    if not _DONT_KNOW_INDEX:
        _DONT_KNOW_INDEX.append(_MarkerIndex.build({"dont_know": tuple(_phrase(p) for p in DONT_KNOW)}))
    return _DONT_KNOW_INDEX[0]


@_per_catalog
def _domain_vocabulary(catalog: Catalog, domain: str, lang: str) -> frozenset[str]:
    """Content words of every objection in a domain: an argument from a neighbouring script is on topic."""
    if not domain:
        return frozenset()
    return frozenset().union(*(_prepared(catalog, o, lang).vocabulary for o in catalog.objections
                               if o.domain == domain))


def _shifts_topic(text: Analysis) -> bool:
    """The reply opens by changing the subject («Кстати, ...», "By the way, ...")."""
    return _opens_with(" ".join(text.norms[:4]), _TOPIC_SHIFT_PREFIXES)


def _opens_with(words: str, prefixes: tuple[str, ...]) -> bool:
    """`words` (normalised) are one of the phrases, or begin with one of them as whole words; each prefix is
    a phrase with a space after it, so one startswith in C checks them all."""
    return (words + " ").startswith(prefixes)


@_per_catalog
def _marker_stems(catalog: Catalog, lang: str) -> frozenset[str]:
    """Words of technique markers show form, not topic, so relevance ignores them; except words that
    some key point of the catalog uses (cashback, refund...), which are topical by definition."""
    techniques, _ = _markers(catalog, lang)
    form = {s for phrases in techniques.values() for phrase in phrases for s in phrase.stems}
    topical = {s for o in catalog.objections for point in o.key_points.get(lang, ())
               for s in stems_of(point.replace("|", " "))}
    return frozenset(form - topical)


# Words of greeting, thanks and leave-taking: they belong to no topic.
COURTESY_STEMS = frozenset(stems_of(
    "хорошо ладно окей спасибо благодарю пожалуйста добрый доброго день вечер свидания проблема проблем "
    "ok okay sure thanks thank please welcome nice good great day bye goodbye problem problems"))


def _relevance(content: Sequence[str], own: frozenset[str], domain: frozenset[str], neutral: frozenset[str],
               ) -> float:
    """Share of the reply's topical words that belong to the objection's own texts or to its domain's (1.0
    when the reply has too few topical words to tell: a thin generic reply is weak, not off-topic).
    A Russian word with the prefix не- counts by its root (недоверие ~ доверие)."""
    topical = [s for s in content if s not in neutral and s not in COURTESY_STEMS]
    if len(set(topical)) < OFFTOPIC_MIN_WORDS:
        return 1.0
    hits = sum(1 for s in topical if s in own or s in domain
               or (s.startswith("не") and (s[2:] in own or s[2:] in domain)))
    return hits / len(topical)


def settings_for(catalog: Catalog) -> dict[str, float]:
    return _memo(catalog, "settings", dict, _settings, catalog)


def _settings(catalog: Catalog) -> dict[str, float]:
    return {**DEFAULT_SETTINGS, **catalog.settings}


def score_reply(reply: str, objection: Objection, catalog: Catalog, lang: str | None = None,
                *, exclude_answer: str | None = None) -> Score:
    """Score `reply` to `objection`. `lang` is the language the reply is expected in; without it,
    the reply's own language (when the objection has it). `exclude_answer` leaves one model answer
    out of the references (the catalog's self-test)."""
    conf = settings_for(catalog)
    flags: list[Hit] = []
    penalties: dict[str, float] = {}
    caps: list[float] = []

    if len(reply) > MAX_REPLY_CHARS:
        reply = reply[:MAX_REPLY_CHARS]
        flags.append(Hit("too_long", f"cut to {MAX_REPLY_CHARS} characters"))
    text = analyze(reply)
    expected = lang or (text.lang if text.lang in objection.langs else None) or (objection.langs or ("ru",))[0]
    prepared = _prepared(catalog, objection, expected)
    technique_index, antipattern_index, long_index = _marker_index(catalog, expected)
    ctx = _Matcher(text)

    # --- components
    content = text.content
    closest, similarity, shared = _closeness(text, content, prepared, exclude_answer)
    span = max(conf["closeness_full"] - conf["closeness_floor"], 1.0)
    closeness = conf["weight_closeness"] * _clamp((similarity - conf["closeness_floor"]) / span)

    weights, total, order = _checklist(catalog, objection, conf)
    hits, missed, extra = _techniques(ctx, order, catalog, technique_index.candidates(ctx.loose_keys))
    # A good reply need not use every step, and a step of another checklist (a question where the
    # script has an apology) still shows skill: partial credit, full marks before the whole list.
    got = sum(weights[hit.id] for hit in hits) + conf["extra_technique_credit"] * len(extra)
    technique_share = _clamp(got / (conf["technique_saturation"] * total)) if total else 0.0
    points_hit, points_missed = _key_points(ctx, prepared)
    n_points = len(prepared.key_points)
    point_share = _clamp(len(points_hit) / (conf["key_point_saturation"] * n_points)) if n_points else 0.0

    w_close, w_tech, w_keys = conf["weight_closeness"], conf["weight_techniques"], conf["weight_key_points"]
    if not total:  # a knowledge question: closeness and key points only
        w_keys += w_tech / 2
        w_close += w_tech / 2
        w_tech = 0.0
    if not n_points:
        w_close += w_keys
        w_keys = 0.0
    closeness = closeness * w_close / max(conf["weight_closeness"], 1e-9)
    components = {
        "closeness": closeness,
        "techniques": w_tech * technique_share,
        "key_points": w_keys * point_share,
    }

    # --- antipatterns
    for key, phrases in antipattern_index.candidates(ctx.present).items():
        found = ctx.find_any(phrases, strict=True)
        if found:
            flags.append(Hit(key, found))
            if catalog.antipatterns[key].severity == "block":
                caps.append(conf["cap_harmful"])
            else:
                penalties[f"antipattern:{key}"] = -conf["warn_penalty"]

    # --- guards
    fillers = sum(map(FILLERS.__contains__, text.norms))
    if text.words <= 1 or fillers >= FILLER_SHARE * text.words:
        flags.append(Hit("empty", reply.strip()[:40]))
        caps.append(0.0)
    elif text.words < conf["min_words"] or not content:
        flags.append(Hit("too_short", reply.strip()[:80]))
        caps.append(conf["cap_too_short"])
    dont_know = ctx.find_any(_dont_know_index().candidates(ctx.present).get("dont_know", ()), strict=True)
    if dont_know:
        flags.append(Hit("dont_know", dont_know))
        if len(set(content)) < 8:
            caps.append(conf["cap_harmful"])
        else:
            penalties["guard:dont_know"] = -conf["dont_know_penalty"]
    if (content and _copied(content, prepared.client_stems, conf["copy_share"]) \
            and _echo(text, prepared.client_keys) >= conf["copy_similarity"]) \
            or (content and _repeats_client(text, prepared)):
        flags.append(Hit("copy", reply.strip()[:80]))
        caps.append(conf["cap_harmful"])
    jab = _jab(text, long_index)
    if jab:
        flags.append(Hit("jab", jab))
        caps.append(conf["cap_harmful"])
    stuffing = _stuffing(text, conf["stuffing_function_share"], len(ctx.covered))
    if stuffing:
        flags.append(Hit("stuffing", stuffing))
        caps.append(conf["cap_harmful"])
    # a reply that opens by changing the subject is off-topic unless it really resembles a model answer
    if (_shifts_topic(text) and similarity < conf["closeness_full"]) or (
            similarity < conf["closeness_full"] / 2 and not points_hit
            and _relevance(content, prepared.vocabulary, _domain_vocabulary(catalog, objection.domain, expected),
                           _marker_stems(catalog, expected)) < conf["offtopic_relevance"]):
        flags.append(Hit("off_topic", reply.strip()[:80]))
        caps.append(conf["cap_harmful"])
    if text.lang and text.lang != expected:
        flags.append(Hit("other_language", f"reply in {text.lang}, expected {expected}"))
        caps.append(conf["cap_harmful"])
    if text.words > conf["max_words"]:
        if not any(flag.id == "too_long" for flag in flags):
            flags.append(Hit("too_long", f"{text.words} words; a spoken reply fits in {int(conf['max_words'])}"))
        penalties["guard:too_long"] = -conf["too_long_penalty"]

    harmful = [flag for flag in flags if flag.id not in HARMLESS_FLAGS]
    components["form"] = 0.0 if harmful else conf["weight_form"]
    components.update(penalties)
    raw = _clamp(sum(components.values()) / 100.0) * 100.0
    final = min([raw, *caps])
    if final < raw:
        components["cap"] = final - raw
    score = math.floor(final + 0.5)
    return Score(
        objection_id=objection.id,
        lang=expected,
        score=score,
        verdict=verdict_for(score, conf),
        components=components,
        techniques_hit=tuple(hits + extra),
        techniques_missed=tuple(missed),
        key_points_hit=tuple(points_hit),
        key_points_missed=tuple(points_missed),
        flags=tuple(flags),
        closest_answer=closest,
        shared_words=shared,
        reply=reply,
    )


def technique_evidence(text: str, technique_id: str, catalog: Catalog, lang: str) -> str:
    """The words of `text` that show the technique (its markers only), or ""."""
    markers, _ = _markers(catalog, lang)
    return _Matcher(analyze(text)).find_any(markers.get(technique_id, ()))



def _clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


class _Matcher:
    """Finds stemmed phrases in one reply. Token positions are indexed by stem (and by the prefixes a
    loose match allows), so a phrase costs a few lookups, not a scan of the reply."""

    def __init__(self, text: Analysis) -> None:
        self.text = text
        self.stems = stems = text.stems
        self.present = present = set(stems)
        self.by_stem: dict[str, list[int]] = {}
        for index, stem in enumerate(stems):
            self.by_stem.setdefault(stem, []).append(index)
        # shorter marker stems that some reply stem extends by a letter or two (see _loose_prefixes)
        self.prefixes: set[str] = set()
        for stem in present:
            if len(stem) > LOOSE_MIN:
                self.prefixes.update(_loose_prefixes(stem))
        self.loose_keys = present | self.prefixes
        self.covered: set[int] = set()  # tokens that some technique marker or key point matched

    def positions(self, stem: str, word: str = "", loose: bool = True) -> list[int]:
        """Sorted positions of the tokens that are this marker word (see _matches). The list may be the
        index's own: callers read it only. (Not memoised: few stems are asked about twice in one reply.)"""
        found = self.by_stem.get(stem, [])
        extended = loose and stem in self.prefixes
        if extended:
            found = found + [index for index, own in enumerate(self.stems)
                             if len(own) > len(stem) and stem in _loose_prefixes(own)]
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

    def find(self, phrase: _Phrase, strict: bool = False) -> tuple[int, int] | None:
        """(first, last) token of the phrase's words, or None.

        Technique markers match loosely: any order within a small window, a reply stem may extend a
        long marker stem a little, and not right after a negation. Antipattern markers match strictly
        (exact stems, in order, at most one word between), since a false alarm fails the reply."""
        wanted = phrase.stems
        if not wanted:
            return None
        words = phrase.words if len(phrase.words) == len(wanted) else ("",) * len(wanted)
        if len(wanted) == 1 and not strict:  # one word: its first position not right after a negation
            for start in self.positions(wanted[0], words[0]):
                if phrase.negated or not self._negated(start):
                    self.covered.add(start)
                    return start, start
            return None
        lists = [self.positions(stem, word, not strict) for stem, word in zip(wanted, words, strict=True)]
        if not all(lists):
            return None
        if strict:
            return self._in_order(lists)
        width = len(wanted) + MARKER_SLACK
        if sum(map(len, lists)) == len(lists):  # each word once in the reply (the usual case): one window
            found = [positions[0] for positions in lists]
            start, end = min(found), max(found)
            if end - start < width and (phrase.negated or not self._negated(start)):
                self.covered.update(found)
                return start, end
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
                self.covered.update(found)
                return start, max(found)
        return None

    @staticmethod
    def _in_order(lists: list[list[int]]) -> tuple[int, int] | None:
        for start in lists[0]:
            at = start
            for positions in lists[1:]:
                index = bisect_right(positions, at)
                if index == len(positions) or positions[index] > at + 2:
                    break
                at = positions[index]
            else:
                return start, at
        return None

    def _negated(self, start: int) -> bool:
        return not NEGATIONS.isdisjoint(self.text.norms[max(0, start - 2) : start])

    def find_any(self, phrases: Iterable[_Phrase], strict: bool = False) -> str:
        """The reply's words for the first phrase found, or ""."""
        for phrase in phrases:
            found = self.find(phrase, strict)
            if found:
                return self.text.quote(*found)
        return ""


@lru_cache(maxsize=100_000)
def _loose_prefixes(stem: str) -> frozenset[str]:
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


def _closeness(text: Analysis, content: Sequence[str], prepared: _Prepared, exclude: str | None,
               ) -> tuple[str, float, str]:
    """(closest answer, similarity 0–100, the shared words) over the model answers."""
    key = " ".join(content)
    sorted_key = " ".join(sorted(content))  # stems hold no spaces: the same as sorting key.split()
    token_set_ratio, ratio = fuzz.token_set_ratio, fuzz.ratio
    best, best_similarity = "", -1.0
    best_stems: frozenset[str] = frozenset()
    for answer, answer_key, sorted_answer, stems in zip(prepared.answers, prepared.answer_keys, prepared.sorted_keys,
                                                        prepared.answer_stems, strict=True):
        if exclude is not None and answer == exclude:
            continue
        # token_sort_ratio is the ratio of the sorted words: the answers' are sorted once, in _prepare
        similarity = 0.5 * token_set_ratio(key, answer_key) + 0.5 * ratio(sorted_key, sorted_answer)
        if similarity > best_similarity:
            best, best_stems, best_similarity = answer, stems, similarity
    if not best:
        return "", 0.0, ""
    shared = " ".join(dict.fromkeys([norm for norm, stem in zip(text.norms, text.stems, strict=True)
                                     if stem in best_stems and norm not in STOPWORDS]))
    return best, best_similarity, shared


def _checklist(catalog: Catalog, objection: Objection, conf: dict[str, float],
               ) -> tuple[dict[str, float], float, dict[str, int]]:
    """The weight of each technique on the objection's checklist, their total, and each one's place in the
    list; worked out once per objection."""
    return _memo(catalog, ("checklist", objection.id), tuple, _weigh_checklist, objection, conf)


def _weigh_checklist(objection: Objection, conf: dict[str, float]) -> tuple[dict[str, float], float, dict[str, int]]:
    weights = {tid: conf["required_weight"] if tid in objection.required else 1.0 for tid in objection.checklist}
    return weights, sum(weights.values()), {tid: index for index, tid in enumerate(objection.checklist)}


def _techniques(ctx: _Matcher, order: dict[str, int], catalog: Catalog, candidates: dict[str, list[_Phrase]],
                ) -> tuple[list[Hit], list[str], list[Hit]]:
    """(checklist techniques found, checklist techniques missed, other techniques found); `order` is each
    checklist technique's place in the list."""
    hits: list[Hit] = []
    missed: list[str] = []
    extra: list[Hit] = []
    for tid, technique in catalog.techniques.items():
        phrases = candidates.get(tid)
        evidence = ctx.find_any(phrases) if phrases else ""
        if not evidence and "question" in technique.detect and ctx.text.questions:
            evidence = ctx.text.questions[0]
        if not evidence and "number" in technique.detect and ctx.text.numbers:
            evidence = ctx.text.numbers[0]
        if tid in order:
            if evidence:
                hits.append(Hit(tid, evidence))
            else:
                missed.append(tid)
        elif evidence:
            extra.append(Hit(tid, evidence))
    hits.sort(key=lambda hit: order[hit.id])
    missed.sort(key=order.__getitem__)
    return hits, missed, extra


def _key_points(ctx: _Matcher, prepared: _Prepared) -> tuple[list[Hit], list[str]]:
    hits: list[Hit] = []
    missed: list[str] = []
    keys = ctx.loose_keys
    for label, point_stems, alternatives in prepared.key_points:
        if keys.isdisjoint(point_stems):  # most points of most replies: no word in common, one check in C
            missed.append(label)
            continue
        evidence = ""
        for stems, need in alternatives:
            # counted in C first: most alternatives of most points are missing from a reply
            if sum(map(keys.__contains__, stems)) < need:
                continue
            matched = sorted({i for s in stems if s in keys for i in ctx.positions(s)})
            ctx.covered.update(matched)
            words = [ctx.text.norms[i] for i in matched]
            evidence = " ".join(dict.fromkeys(words))
            break
        if evidence:
            hits.append(Hit(label, evidence))
        else:
            missed.append(label)
    return hits, missed


def _sorted_words(key: str) -> str:
    return " ".join(sorted(key.split()))


def _copied(content: Sequence[str], client: frozenset[str], share: float) -> bool:
    """Mostly the client's own words back: little of the reply is new."""
    theirs = sum(map(client.__contains__, content))
    return len(content) - theirs <= 2 and theirs / len(content) >= share


def _jab(text: Analysis, long_markers: _MarkerIndex) -> str:
    """The last of several sentences, when it opens with a contrastive turn, asks nothing and does no
    technique's work."""
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
    tail = _Matcher(analyze(last))
    found = long_markers.candidates(tail.loose_keys)
    if any(tail.find_any(phrases) for tid, phrases in found.items() if tid not in JAB_CONTRAST_TECHNIQUES):
        return ""
    return last[:90]


def _repeats_client(text: Analysis, prepared: _Prepared) -> bool:
    """The client's whole phrase said back, with at most two words of one's own around it."""
    if len(text.content_stems - prepared.client_stems) > 2:
        return False
    key = " ".join(text.stems)
    return any(len(client.split()) >= 2 and fuzz.partial_ratio(client, key) >= REPEAT_SIMILARITY
               for client in prepared.client_keys)


REPEAT_SIMILARITY = 90.0


def _echo(text: Analysis, client_keys: Sequence[str]) -> float:
    """How close the reply's word sequence is to the nearest of the client's phrases (0–100)."""
    key = " ".join(text.stems)
    return max((fuzz.ratio(key, client) for client in client_keys), default=0.0)


def _stuffing(text: Analysis, min_function_share: float, covered: int) -> str:
    """A list of words rather than sentences: almost no function words; or few function words while
    most words are markers and key points; or mostly one-word bits between commas."""
    words = text.words
    if words < 5:
        return ""
    function_share = sum(map(STOPWORDS.__contains__, text.norms)) / words
    if function_share < min_function_share:
        return text.text.strip()[:80]
    if text.sentences <= 1 and words >= 6 and function_share < 2 * min_function_share \
            and covered / words >= STUFFING_COVERAGE:
        return text.text.strip()[:80]
    if text.sentences > 1:
        return ""
    pieces = [p for p in _LIST_BREAKS.split(text.text) if p.strip()]
    single = [p for p in pieces if len(p.split()) == 1]
    if len(pieces) >= 5 and len(single) / len(pieces) >= 0.8:
        return text.text.strip()[:80]
    return ""


_LIST_BREAKS = re.compile(r"[,;.!?\n/|+]+")


def self_test(catalog: Catalog, only: Iterable[str] | None = None,
              answers_only: Iterable[str] | None = None) -> list[tuple[Objection, str, str, Score]]:
    """Score each model answer against its objection with that answer left out of the references.

    Returns (objection, lang, answer, score) for every answer that does not reach `good`; `only`
    limits the test to some objection ids, `answers_only` to some answer texts.
    """
    failures = []
    conf = settings_for(catalog)
    wanted = set(only) if only is not None else None
    texts = set(answers_only) if answers_only is not None else None
    for objection in catalog.objections:
        if wanted is not None and objection.id not in wanted:
            continue
        for lang in objection.langs:
            answers = objection.answers.get(lang, ())
            for answer in answers:
                if texts is not None and answer not in texts:
                    continue
                result = score_reply(answer, objection, catalog, lang,
                                     exclude_answer=answer if len(answers) > 1 else None)
                if result.score < conf["good"]:
                    failures.append((objection, lang, answer, result))
    return failures
