"""Which objection a client's words are: retrieval over every objection's client phrases and situation.

Each objection is one document: the stems of its client phrases and variants in both languages, and, weighing
less, the stems of its situation. Documents are ranked by BM25 (rare stems weigh more, word order is free,
a stem said twice in a query counts once); function words and negation particles are left out, so «я не
хочу» and "I don't want" decide nothing by themselves. A query word the catalog never uses is matched to the
catalog's stems within one or two edits (rapidfuzz), so typos still find their objection.

Whether the best one is a *confident* match is a separate question from which one ranks first: a logistic
model over how much of the query the objection explains, how far it leads the next one and how long the query
is says how likely the top objection is right (fitted with scripts/fit_lookup.py on utterances written by
operators who never saw the catalog). A query that fits nothing well gets no confident suggestion.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from itertools import islice, pairwise
from typing import NamedTuple

from objcoach.catalog.model import LANGS, Catalog, Objection

K1 = 1.2  # BM25: how fast repeated stems in one objection saturate
B = 0.5  # BM25: how much a long document (many variants) is discounted; phrases are short, keep it mild
SITUATION_WEIGHT = 0.4  # a stem of the situation counts for this share of one in a client phrase
TYPO_WEIGHT = 0.8  # a stem found within edits counts for this share of an exact one
UNKNOWN_SHARE = 0.5  # a query word no objection uses weighs this share of the rarest stem's weight
WHOLE_PHRASE = 92  # rapidfuzz ratio at which a query repeats a client phrase word for word (give or take a typo)
RERANK = 10  # how many of the best by BM25 are weighed again by phrase
PHRASE_BONUS = 1.0  # a query that says a whole client phrase scores this much more (a share of its BM25)
SHARE_POWER = 1.0  # and the share of the query an objection explains weighs in to this power

# The confidence model: logistic over (the share of the query the top objection explains, its lead in that share
# over the second, its lead in BM25 score relative to its own, log of the query's distinct content stems, the
# share of its closest client phrase the query says and its lead in that over the second, the best routine
# request's score relative to its own).
# Fitted by scripts/fit_lookup.py on the training authors; see there for the data and the figures.
CONFIDENCE_WEIGHTS: tuple[float, ...] = (2.18, 1.63, 1.67, 1.32, 1.96, 0.93, -1.77)
CONFIDENCE_BIAS = -3.46
CONFIDENT = 0.85  # the probability at which the top objection is offered as the match (scripts/fit_lookup.py)


class Found(NamedTuple):
    objection: Objection
    lang: str  # the language of the client's words shown with it
    similarity: float  # 0–100: the share of what the query says that this objection's phrases explain
    confident: bool  # only ever true for the first one, and only when it is likely right
    confidence: float = 0.0  # the first one's probability of being right (0–1); 0 for the others

    @property
    def objection_id(self) -> str:
        return self.objection.id

    @property
    def client(self) -> str:
        return self.objection.client.get(self.lang) or next(iter(self.objection.client.values()), "")

    @property
    def answer(self) -> str:
        answers = self.objection.answers.get(self.lang) or next(iter(self.objection.answers.values()), ())
        return answers[0] if answers else ""


# Words of politeness and filler: said around any objection, they tell none apart («Спасибо.» is not "not
# interested", "Yes please" is not "can't talk now").
FILLERS = frozenset("""
    спасибо спасиб пожалуйста здравствуйте добрый доброе день вечер утро девушка мужчина молодой человек
    слушайте слушай короче типа вообще просто вот ага угу ок окей ладно алло извините простите блин
    thanks thank thankyou please hello hi hey yes yeah yep ok okay well look listen sorry cheers mate love
    dear sir madam um uh er like really actually basically honestly
""".split())


def content_stems(text: str) -> list[str]:
    """The stems of a text's words that carry meaning: no function words, no negations, no fillers, no single
    letters."""
    from objcoach.scoring.text import NEGATIONS, STOPWORDS, normalize, stem

    return [stem(word) for word in normalize(text).split()
            if len(word) > 1 and word not in STOPWORDS and word not in NEGATIONS and word not in FILLERS]


def with_pairs(stems: list[str]) -> list[str]:
    """Stems and each pair of neighbours ("trust payment"): a pair tells apart objections that share words."""
    return [*stems, *(f"{first} {second}" for first, second in pairwise(stems))]


class LookupIndex:
    """BM25 weights of each stem in each objection, with the stems' list for typo lookup. Built once per catalog
    (and cached with it on disk), queried many times."""

    __slots__ = ("max_idf", "owners", "phrases", "postings", "stems", "weights")

    def __init__(self, documents: Iterable[dict[str, float]], phrases: Iterable[tuple[str, int]] = ()) -> None:
        docs = list(documents)
        count = len(docs) or 1
        lengths = [sum(doc.values()) for doc in docs]
        average = (sum(lengths) / count) or 1.0
        frequency: Counter[str] = Counter(stem for doc in docs for stem in doc)
        idf = {stem: math.log(1 + (count - df + 0.5) / (df + 0.5)) for stem, df in frequency.items()}
        self.max_idf = math.log(1 + (count + 0.5) / 0.5)  # a stem in no document
        self.weights = idf  # a query stem's weight: its idf
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for number, (doc, length) in enumerate(zip(docs, lengths, strict=True)):
            norm = K1 * (1 - B + B * length / average)
            for stem, tf in doc.items():
                self.postings.setdefault(stem, []).append((number, idf[stem] * tf * (K1 + 1) / (tf + norm)))
        self.stems = sorted(stem for stem in self.postings if " " not in stem)
        # every client phrase word for word (normalised), and whose it is: a query that repeats one is that one
        pairs = list(phrases)
        self.phrases = [text for text, _ in pairs]
        self.owners = [owner for _, owner in pairs]

    def said_whole(self, query: str) -> int | None:
        """The document whose client phrase the query repeats nearly word for word, when only one has it."""
        from rapidfuzz import fuzz, process

        found = process.extract(query, self.phrases, scorer=fuzz.ratio, score_cutoff=WHOLE_PHRASE, limit=5)
        owners = {self.owners[position] for _, _, position in found}
        return owners.pop() if len(owners) == 1 else None

    def near(self, stem: str) -> list[str]:
        """Catalog stems a stem the catalog doesn't have may stand for: one that it extends or that extends it
        (a derived word: «дороговат» → «дорог»), else one within an edit (two for long words) of it."""
        if len(stem) < 4:
            return []
        related = [stem[:end] for end in range(max(4, len(stem) - 4), len(stem)) if stem[:end] in self.postings]
        if len(stem) >= 5:
            start = bisect_left(self.stems, stem)
            related += [longer for longer in islice(self.stems, start, start + 3) if longer.startswith(stem)]
        if related:
            return related
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        limit = 2 if len(stem) >= 8 else 1
        found = process.extract(stem, self.stems, scorer=Levenshtein.distance, score_cutoff=limit, limit=3)
        return [candidate for candidate, _, _ in found]

    def scores(self, query: list[str]) -> tuple[dict[int, float], dict[int, float], float, list[str]]:
        """BM25 score of each document the query touches, the idf weight of the query's stems it covers, the
        weight of all the query's stems, and the catalog stems the query's stems were read as."""
        score: dict[int, float] = {}
        covered: dict[int, float] = {}
        total = 0.0
        read: list[str] = []
        for stem in dict.fromkeys(query):
            if stem in self.postings:
                matches, share = [stem], 1.0
            else:
                matches, share = self.near(stem), TYPO_WEIGHT
            if not matches:
                total += self.max_idf * UNKNOWN_SHARE
                read.append("")
                continue
            weight = max(self.weights[match] for match in matches)
            total += weight
            read.append(matches[0])
            self._add(matches, share, score, covered)
        # neighbouring stems that a client phrase also has side by side: more score, not more coverage
        for first, second in pairwise(read):
            pair = f"{first} {second}"
            if first and second and pair in self.postings:
                self._add([pair], 1.0, score, None)
        return score, covered, total, [stem for stem in read if stem]

    def _add(self, matches: list[str], share: float, score: dict[int, float],
             covered: dict[int, float] | None) -> None:
        best: dict[int, tuple[float, float]] = {}
        for match in matches:
            for doc, value in self.postings[match]:
                pair = (value * share, self.weights[match] * share)
                if doc not in best or pair > best[doc]:
                    best[doc] = pair
        for doc, (value, idf) in best.items():
            score[doc] = score.get(doc, 0.0) + value
            if covered is not None:
                covered[doc] = covered.get(doc, 0.0) + idf


def phrases(catalog: Catalog) -> Iterable[tuple[str, int]]:
    """Every client phrase and routine request, normalised, with its document's number."""
    from objcoach.scoring.text import normalize

    for number, objection in enumerate(catalog.objections):
        for lang in LANGS:
            for phrase in (objection.client.get(lang, ""), *objection.variants.get(lang, ())):
                if phrase:
                    yield normalize(phrase), number
    number = len(catalog.objections)
    for lang in LANGS:
        for phrase in catalog.routine.get(lang, ()):
            yield normalize(phrase), number
            number += 1


def documents(catalog: Catalog) -> Iterable[dict[str, float]]:
    """Each objection's stems and neighbouring pairs with their counts (a situation's stems count less), then
    each routine request of the catalog as a document of its own."""
    for objection in catalog.objections:
        doc: dict[str, float] = {}
        for lang in LANGS:
            for phrase in (objection.client.get(lang, ""), *objection.variants.get(lang, ())):
                for term in with_pairs(content_stems(phrase)):
                    doc[term] = doc.get(term, 0.0) + 1.0
            for stem in content_stems(objection.context.get(lang, "")):
                doc[stem] = doc.get(stem, 0.0) + SITUATION_WEIGHT
        yield doc
    for lang in LANGS:
        for phrase in catalog.routine.get(lang, ()):
            routine: dict[str, float] = {}
            for term in with_pairs(content_stems(phrase)):
                routine[term] = routine.get(term, 0.0) + 1.0
            yield routine


_INDEXES: dict[int, tuple[Catalog, LookupIndex]] = {}


def index_of(catalog: Catalog) -> LookupIndex:
    """The catalog's index: kept per catalog object, and on disk beside the catalog's cache."""
    kept = _INDEXES.get(id(catalog))
    if kept and kept[0] is catalog:
        return kept[1]
    from objcoach.catalog import cache

    index = cache.read("lookup", catalog.fingerprint) if catalog.fingerprint else None
    if not isinstance(index, LookupIndex):
        index = LookupIndex(documents(catalog), phrases(catalog))
        if catalog.fingerprint:
            cache.write("lookup", catalog.fingerprint, index)
    _INDEXES[id(catalog)] = (catalog, index)
    return index


def _ranked(catalog: Catalog, words: str) -> tuple[list[int], dict[int, float], list[float]]:
    """The objections the words touch (their numbers), best first, the share of the query each explains
    (0–1), and the confidence features of the first."""
    if not catalog.objections:
        return [], {}, []
    from objcoach.scoring.text import normalize

    index = index_of(catalog)
    whole = index.said_whole(normalize(words))
    if whole is not None and whole < len(catalog.objections):
        # the client's words are one objection's phrase («Да у меня и так всё есть»): that one, surely
        return [whole], {whole: 1.0}, []
    query = content_stems(words)
    if not query:
        return [], {}, []
    score, covered, total, read = index.scores(query)
    count = len(catalog.objections)  # documents past these are routine requests
    ranked = sorted((doc for doc in score if doc < count), key=lambda doc: (-score[doc], doc))
    # the closest few again, by how much of their closest client phrase the query says: an objection whose one
    # phrase the client said whole beats one that merely repeats a word of it across many variants
    said = set(read)
    coverage = {doc: phrase_coverage(index, catalog.objections[doc], said) for doc in ranked[:RERANK]}
    for doc, value in coverage.items():
        score[doc] *= (1 + PHRASE_BONUS * value) * (covered.get(doc, 0.0) / total if total else 0.0) ** SHARE_POWER
    ranked[:RERANK] = sorted(ranked[:RERANK], key=lambda doc: (-score[doc], doc))
    if not ranked or not total:
        return [], {}, []
    share = {doc: covered.get(doc, 0.0) / total for doc in ranked[:50]}
    first, second = ranked[0], ranked[1] if len(ranked) > 1 else None
    runner_up = share[second] if second is not None else 0.0
    lead = (score[first] - score[second]) / score[first] if second is not None else 1.0
    routine = max((value for doc, value in score.items() if doc >= count), default=0.0)
    return ranked, share, [share[first], share[first] - runner_up, lead, math.log(len(set(query))),
                           coverage[first], coverage[first] - coverage.get(second, 0.0) if second is not None else 1.0,
                           min(routine / score[first], 2.0)]


def phrase_coverage(index: LookupIndex, objection: Objection, read: set[str]) -> float:
    """How much of the objection's closest client phrase the query says (idf-weighted, 0–1): a query that
    shares one word with a long phrase is weaker evidence than one that says the whole phrase."""
    best = 0.0
    for lang in LANGS:
        for phrase in (objection.client.get(lang, ""), *objection.variants.get(lang, ())):
            stems = set(content_stems(phrase))
            whole = sum(index.weights.get(stem, 0.0) for stem in stems)
            if whole:
                best = max(best, sum(index.weights.get(stem, 0.0) for stem in stems & read) / whole)
    return best


def confidence_features(catalog: Catalog, words: str) -> tuple[str, list[float]] | None:
    """The top objection's id and the features the confidence model reads (for fitting it)."""
    ranked, _, features = _ranked(catalog, words)
    return (catalog.objections[ranked[0]].id, features) if ranked and features else None


def confidence(features: list[float]) -> float:
    """How likely the top objection is the right one (0–1)."""
    z = CONFIDENCE_BIAS + sum(w * x for w, x in zip(CONFIDENCE_WEIGHTS, features, strict=True))
    return 1 / (1 + math.exp(-z))


def lookup(catalog: Catalog, words: str, limit: int = 5, lang: str | None = None) -> list[Found]:
    """The objections the client's `words` may be, best first; the first is `confident` when it is likely
    right. `lang` is the language to show the client's words in (by default the query's)."""
    from objcoach.scoring.text import detect_language

    ranked, share, features = _ranked(catalog, words)
    if not ranked:
        return []
    shown = lang or detect_language(words) or LANGS[0]
    likely = confidence(features) if features else 1.0  # no features: the words are a phrase of the first
    return [Found(catalog.objections[doc], shown, round(100 * share[doc], 1),
                  place == 0 and likely >= CONFIDENT, likely if place == 0 else 0.0)
            for place, doc in enumerate(ranked[:limit])]
