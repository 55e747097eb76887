"""Which objection a client's words are: retrieval over every objection's client phrases and situation.

Each objection is one document: the stems of its client phrases and variants in both languages, and, weighing
less, the stems of its situation. Documents are ranked by BM25 (rare stems weigh more, word order is free,
a stem said twice in a query counts once); function words and negation particles are left out, so «я не
хочу» and "I don't want" decide nothing by themselves. A query word the catalog never uses is matched to the
catalog's stems within one or two edits (rapidfuzz), so typos still find their objection.

Whether the best one is a *confident* match is a separate question from which one ranks first: a logistic
model over how much of the query the objection explains, how far it leads the next one and how long the query
is says how likely the top objection is right (fitted with scripts/fit_lookup.py on utterances written by
operators who never saw the catalog). A query that fits nothing well gets no confident suggestion; a catalog's
`routine:` requests (opening hours, a new address) are documents too, so words that are one of them are not
taken for the objection they share a word with.

The index lives in objcoach.catalog.lookup_index (SQLite beside the catalog's cache): `suggest` reads only what
its query needs and never loads the catalog.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from objcoach.catalog.lookup_index import Doc, LookupIndex, build, open_index
from objcoach.catalog.model import LANGS, Catalog

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
CONFIDENCE_WEIGHTS: tuple[float, ...] = (1.92, 1.33, 3.32, 1.22, 0.68, 1.84, -1.77)
CONFIDENCE_BIAS = -3.58
CONFIDENT = 0.85  # the probability at which the top objection is offered as the match (scripts/fit_lookup.py)


class Found(NamedTuple):
    objection_id: str
    lang: str  # the language of the client's words and the answer shown with it
    similarity: float  # 0–100: the share of what the query says that this objection's phrases explain
    confident: bool  # only ever true for the first one, and only when it is likely right
    confidence: float  # the first one's probability of being right (0–1); 0 for the others
    client: str
    answer: str


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


# --- the index of a catalog ------------------------------------------------------------------------------


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
    for phrase in routine_phrases(catalog):
        routine: dict[str, float] = {}
        for term in with_pairs(content_stems(phrase)):
            routine[term] = routine.get(term, 0.0) + 1.0
        yield routine


def routine_phrases(catalog: Catalog) -> list[str]:
    return [phrase for lang in LANGS for phrase in catalog.routine.get(lang, ())]


def shown(catalog: Catalog) -> Iterable[Doc]:
    """What the lookup shows of each document, and its client phrases."""
    for objection in catalog.objections:
        phrases = [phrase for lang in LANGS for phrase in (objection.client.get(lang, ""),
                                                            *objection.variants.get(lang, ())) if phrase]
        yield Doc(objection.id, dict(objection.client),
                  {lang: answers[0] for lang, answers in objection.answers.items() if answers}, tuple(phrases))
    for phrase in routine_phrases(catalog):
        yield Doc("", {}, {}, (phrase,))


def phrases(catalog: Catalog) -> Iterable[tuple[str, int]]:
    """Every client phrase and routine request, normalised, with its document's number."""
    from objcoach.scoring.text import normalize

    for number, doc in enumerate(shown(catalog)):
        for phrase in doc.phrases:
            yield normalize(phrase), number


_INDEXES: dict[str, LookupIndex] = {}  # by catalog fingerprint, for this process
_IN_MEMORY: dict[int, tuple[Catalog, LookupIndex]] = {}  # catalogs built in memory, by identity


def index_of(catalog: Catalog) -> LookupIndex:
    """The catalog's index: on disk beside its cache (built when missing), kept for this process."""
    if not catalog.fingerprint:
        kept = _IN_MEMORY.get(id(catalog))
        if kept is None or kept[0] is not catalog:
            kept = (catalog, _build(catalog, None))
            _IN_MEMORY[id(catalog)] = kept
        return kept[1]
    index = _kept(catalog.fingerprint)
    if index is None:
        try:
            _index_file(catalog.fingerprint).parent.mkdir(parents=True, exist_ok=True)
            index = _build(catalog, _index_file(catalog.fingerprint))
        except OSError:  # a read-only home or a full disk: this process keeps one in memory
            index = _build(catalog, None)
    _INDEXES[catalog.fingerprint] = index
    return index


def index_for(extra: Sequence[Path] | None = None) -> LookupIndex:
    """The index of the catalog `load_catalog(extra)` gives, without loading the catalog when its index is on
    disk already (the catalog's files unchanged since)."""
    from objcoach.catalog import cache
    from objcoach.catalog.load import catalog_paths, load_catalog

    fingerprint = cache.fingerprint(catalog_paths(extra))
    if fingerprint:
        index = _kept(fingerprint)
        if index is not None:
            _INDEXES[fingerprint] = index
            return index
    return index_of(load_catalog(extra))


def _kept(fingerprint: str) -> LookupIndex | None:
    """The index of this fingerprint kept for this process, else the one on disk (None when neither is)."""
    return _INDEXES.get(fingerprint) or open_index(_index_file(fingerprint), fingerprint)


def _index_file(fingerprint: str) -> Path:
    from objcoach.paths import home

    return home() / "cache" / f"lookup-{fingerprint.split('.')[0]}.sqlite3"


def _build(catalog: Catalog, path: Path | None) -> LookupIndex:
    return build(path, catalog.fingerprint, documents(catalog), shown(catalog), phrases(catalog),
                 len(catalog.objections), K1, B)


# --- scoring a query -------------------------------------------------------------------------------------


def related(index: LookupIndex, stem: str) -> list[str]:
    """Catalog stems a stem the catalog doesn't have may stand for: one that it extends or that extends it
    (a derived word: «дороговат» → «дорог»), else one within an edit (two for long words) of it."""
    if len(stem) < 4:
        return []
    found = [stem[:end] for end in range(max(4, len(stem) - 4), len(stem)) if index.posting(stem[:end])]
    if len(stem) >= 5:
        found += index.longer(stem, 3)
    if found:
        return found
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    limit = 2 if len(stem) >= 8 else 1
    close = process.extract(stem, index.stems(), scorer=Levenshtein.distance, score_cutoff=limit, limit=3)
    return [candidate for candidate, _, _ in close]


class _Scores(NamedTuple):
    score: dict[int, float]  # BM25 of each document the query touches
    covered: dict[int, float]  # the idf weight of the query's stems each covers
    total: float  # the weight of all the query's stems
    read: list[str]  # the catalog stems the query's stems were read as


def scores(index: LookupIndex, query: list[str]) -> _Scores:
    score: dict[int, float] = {}
    covered: dict[int, float] = {}
    total = 0.0
    read: list[str] = []
    for stem in dict.fromkeys(query):
        matches, share = ([stem], 1.0) if index.posting(stem) else (related(index, stem), TYPO_WEIGHT)
        if not matches:
            total += index.max_idf * UNKNOWN_SHARE
            read.append("")
            continue
        total += max(index.idf(match) for match in matches)
        read.append(matches[0])
        _add(index, matches, share, score, covered)
    # neighbouring stems that a client phrase also has side by side: more score, not more coverage
    for first, second in pairwise(read):
        if first and second and index.posting(f"{first} {second}"):
            _add(index, [f"{first} {second}"], 1.0, score, None)
    return _Scores(score, covered, total, [stem for stem in read if stem])


def _add(index: LookupIndex, matches: list[str], share: float, score: dict[int, float],
         covered: dict[int, float] | None) -> None:
    best: dict[int, tuple[float, float]] = {}
    for match in matches:
        posting = index.posting(match)
        assert posting is not None
        for doc, value in zip(posting.docs, posting.weights, strict=True):
            pair = (value * share, posting.idf * share)
            if doc not in best or pair > best[doc]:
                best[doc] = pair
    for doc, (value, idf) in best.items():
        score[doc] = score.get(doc, 0.0) + value
        if covered is not None:
            covered[doc] = covered.get(doc, 0.0) + idf


def phrase_coverage(index: LookupIndex, doc: int, read: set[str]) -> float:
    """How much of the document's closest client phrase the query says (idf-weighted, 0–1): a query that
    shares one word with a long phrase is weaker evidence than one that says the whole phrase."""
    best = 0.0
    for _, stems, whole in _read_phrases(index, doc):
        if whole:
            best = max(best, sum(index.idf(stem) for stem in stems & read) / whole)
    return best


def _read_phrases(index: LookupIndex, doc: int) -> list[tuple[str, frozenset[str], float]]:
    """A document's client phrases read once an index: normalised, their content stems, the stems' weight."""
    found = index.read_phrases.get(doc)
    if found is None:
        from objcoach.scoring.text import normalize

        found = []
        for phrase in index.doc(doc).phrases:
            stems = frozenset(content_stems(phrase))
            found.append((normalize(phrase), stems, sum(index.idf(stem) for stem in stems)))
        index.read_phrases[doc] = found
    return found


def said_whole(index: LookupIndex, words: str, candidates: Iterable[int]) -> int | None:
    """The objection whose client phrase the words repeat word for word (give or take a typo): by the exact
    text among all, or nearly among the closest few; None when none does or two do."""
    from rapidfuzz import fuzz

    from objcoach.scoring.text import normalize

    text = normalize(words)
    exact = index.owner_of(text)
    if exact is not None:
        return exact if exact < index.count else None
    close = {doc for doc in candidates
             if any(fuzz.ratio(text, phrase) >= WHOLE_PHRASE for phrase, _, _ in _read_phrases(index, doc))}
    return close.pop() if len(close) == 1 else None


def _ranked(index: LookupIndex, words: str) -> tuple[list[int], dict[int, float], list[float]]:
    """The objections the words touch (their numbers), best first, the share of the query each explains
    (0–1), and the confidence features of the first (none when the words repeat its phrase)."""
    query = content_stems(words)
    found = scores(index, query) if query else _Scores({}, {}, 0.0, [])
    score, covered, total = found.score, found.covered, found.total
    ranked = sorted((doc for doc in score if doc < index.count), key=lambda doc: (-score[doc], doc))
    whole = said_whole(index, words, ranked[:RERANK])
    if whole is not None:  # «Да у меня и так всё есть» is that objection's own phrase: that one, surely
        return [whole, *(doc for doc in ranked if doc != whole)], {whole: 1.0}, []
    if not ranked or not total:
        return [], {}, []
    # the closest few again, by how much of their closest client phrase the query says: an objection whose one
    # phrase the client said whole beats one that merely repeats a word of it across many variants
    said = set(found.read)
    coverage = {doc: phrase_coverage(index, doc, said) for doc in ranked[:RERANK]}
    for doc, value in coverage.items():
        score[doc] *= (1 + PHRASE_BONUS * value) * (covered.get(doc, 0.0) / total) ** SHARE_POWER
    ranked[:RERANK] = sorted(ranked[:RERANK], key=lambda doc: (-score[doc], doc))
    share = {doc: covered.get(doc, 0.0) / total for doc in ranked[:50]}
    first, second = ranked[0], ranked[1] if len(ranked) > 1 else None
    runner_up = share[second] if second is not None else 0.0
    lead = (score[first] - score[second]) / score[first] if second is not None else 1.0
    phrase_lead = coverage[first] - coverage.get(second, 0.0) if second is not None else 1.0
    routine = max((value for doc, value in score.items() if doc >= index.count), default=0.0)
    return ranked, share, [share[first], share[first] - runner_up, lead, math.log(len(set(query))),
                           coverage[first], phrase_lead, min(routine / score[first], 2.0)]


def confidence_features(catalog: Catalog, words: str) -> tuple[str, list[float]] | None:
    """The top objection's id and the features the confidence model reads (for fitting it)."""
    index = index_of(catalog)
    ranked, _, features = _ranked(index, words)
    return (index.doc(ranked[0]).id, features) if ranked and features else None


def confidence(features: list[float]) -> float:
    """How likely the top objection is the right one (0–1)."""
    z = CONFIDENCE_BIAS + sum(w * x for w, x in zip(CONFIDENCE_WEIGHTS, features, strict=True))
    return 1 / (1 + math.exp(-z))


def lookup(catalog: Catalog, words: str, limit: int = 5, lang: str | None = None) -> list[Found]:
    """The objections the client's `words` may be, best first; the first is `confident` when it is likely
    right. `lang` is the language to show the client's words in (by default the query's)."""
    if not catalog.objections:
        return []
    return lookup_in(index_of(catalog), words, limit, lang)


def lookup_in(index: LookupIndex, words: str, limit: int = 5, lang: str | None = None) -> list[Found]:
    """`lookup` on an index already open (`suggest` opens it without loading the catalog)."""
    from objcoach.scoring.text import detect_language

    ranked, share, features = _ranked(index, words)
    if not ranked:
        return []
    language = lang or detect_language(words) or LANGS[0]
    likely = confidence(features) if features else 1.0  # no features: the words are a phrase of the first
    found = []
    for place, number in enumerate(ranked[:limit]):
        doc = index.doc(number)
        client = doc.client.get(language) or next(iter(doc.client.values()), "")
        answer = doc.answer.get(language) or next(iter(doc.answer.values()), "")
        found.append(Found(doc.id, language, round(100 * share.get(number, 0.0), 1), place == 0 and likely >= CONFIDENT,
                           likely if place == 0 else 0.0, client, answer))
    return found
