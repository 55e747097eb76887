from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from objcoach.catalog.model import Catalog
from objcoach.scoring.score import score_reply, self_test, verdict_for
from objcoach.scoring.settings import VERDICTS

BANK = "bank-already-chosen"
STRONG_RU = ("Понимаю вас, это ваш выбор, и он серьёзный. Подскажите, что для вас было главным при выборе? "
             "Многие держат нашу карту как вторую: обслуживание бесплатное, кэшбэк до 5%. "
             "Давайте пришлю условия в СМС?")
STRONG_EN = ("I understand, it's your choice and a good one to think through. May I ask what mattered most to you? "
             "Many clients keep our card as a second one: it's free and gives 5% cashback. Shall I text you the terms?")

# (objection, lang, reply, verdicts it may get)
TABLE = [
    (BANK, "ru", STRONG_RU, {"excellent", "good"}),
    (BANK, "en", STRONG_EN, {"excellent", "good"}),
    (BANK, "ru", "Понимаю вас. У нас хорошая карта.", {"partial", "weak", "fail"}),
    (BANK, "ru", "Хорошо.", {"weak", "fail"}),
    (BANK, "ru", "не знаю", {"fail"}),
    (BANK, "en", "I don't know", {"fail"}),
    (BANK, "ru", "", {"fail"}),
    (BANK, "ru", "Вы опоздали, я уже выбрал банк", {"fail"}),
    (BANK, "ru", "понимаю выбор кэшбэк бесплатно давайте условия выгода", {"fail"}),
    (BANK, "en", "understand choice cashback free let's terms benefit", {"fail"}),
    (BANK, "ru", "Вы ошибаетесь, наш банк лучше, давайте я расскажу.", {"fail"}),
    (BANK, "en", "You're wrong, our bank is better.", {"fail"}),
    (BANK, "ru", STRONG_RU + " Хотя вы, похоже, идиот.", {"fail"}),
    (BANK, "en", STRONG_EN + " Shut up and listen.", {"fail"}),
    (BANK, "ru", "Сегодня отличная погода, вы смотрели вчера футбол на стадионе?", {"fail"}),
    (BANK, "ru", STRONG_EN, {"fail"}),  # the other language
    ("payment-charged-twice", "ru",
     "Приношу извинения, понимаю, как это тревожно. Сейчас проверю: операция прошла один раз, а двойное отображение "
     "связано с техническими работами на сайте. Если очистите кэш браузера, всё будет видно верно. "
     "Могу прислать выписку, чтобы вы убедились?", {"excellent", "good"}),
    ("too-expensive", "en", "Prices are what they are.", {"weak", "fail"}),
]


@pytest.mark.parametrize(("objection_id", "lang", "reply", "verdicts"), TABLE)
def test_verdicts(catalog: Catalog, objection_id: str, lang: str, reply: str, verdicts: set[str]) -> None:
    objection = catalog.get(objection_id)
    assert objection is not None
    result = score_reply(reply, objection, catalog, lang)
    assert result.verdict in verdicts, (result.score, result.verdict, result.flags, result.components)


def test_breakdown_adds_up_and_has_evidence(catalog: Catalog) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    result = score_reply(STRONG_RU, objection, catalog, "ru")
    assert round(sum(result.components.values())) == result.score
    assert all(hit.evidence and hit.evidence in STRONG_RU for hit in result.techniques_hit
               if hit.id != "clarify")
    assert result.closest_answer in objection.answers["ru"]


def test_negated_marker_does_not_count(catalog: Catalog) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    result = score_reply("Я не понимаю, о чём вы говорите, но карта у нас есть.", objection, catalog, "ru")
    assert "acknowledge" not in {hit.id for hit in result.techniques_hit}


def test_harmful_reply_scores_below_a_thin_harmless_one(catalog: Catalog) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    thin = score_reply("Хорошо, понял вас, всего доброго.", objection, catalog, "ru")
    rude = score_reply(STRONG_RU + " Не смешите.", objection, catalog, "ru")
    assert rude.score < thin.score


def test_language_follows_the_reply_when_not_given(catalog: Catalog) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    assert score_reply(STRONG_EN, objection, catalog).lang == "en"
    assert score_reply(STRONG_RU, objection, catalog).lang == "ru"


def test_long_replies_are_flagged_and_cut(catalog: Catalog) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    result = score_reply(STRONG_RU * 400, objection, catalog, "ru")
    assert "too_long" in result.flag_ids
    assert len(result.reply) <= 5000


def test_bundled_model_answers_pass_the_self_test(catalog: Catalog) -> None:
    failures = self_test(catalog)
    assert not failures, [(o.id, lang, s.score) for o, lang, _, s in failures]


def test_verdict_thresholds() -> None:
    assert [verdict_for(v) for v in (100, 85, 70, 50, 30, 0)] == [
        "excellent", "excellent", "good", "partial", "weak", "fail"]
    assert set(VERDICTS) == {"excellent", "good", "partial", "weak", "fail"}


SAMPLES = [STRONG_RU, STRONG_EN, "Понимаю вас. Давайте я проверю и перезвоню?", "Sorry, I'll check it now."]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_text_scores_within_bounds(catalog: Catalog, text: str) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    result = score_reply(text, objection, catalog)
    assert 0 <= result.score <= 100
    assert result.verdict in VERDICTS


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(SAMPLES), st.sampled_from(["upper", "lower", "yo", "spaces", "punct"]))
def test_score_is_unchanged_by_case_yo_spaces_and_punctuation(catalog: Catalog, reply: str, change: str) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    changed = {
        "upper": reply.upper(),
        "lower": reply.lower(),
        "yo": reply.replace("е", "ё"),
        "spaces": "  " + reply.replace(" ", "   ") + "\n",
        "punct": reply.replace(",", ",,").replace(".", "...").replace("?", "??") + "!",
    }[change]
    assert score_reply(changed, objection, catalog).score == score_reply(reply, objection, catalog).score


def test_deterministic(catalog: Catalog) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    first = score_reply(STRONG_RU, objection, catalog, "ru")
    assert first == score_reply(STRONG_RU, objection, catalog, "ru")


def test_presorted_ratio_is_token_sort_ratio(catalog: Catalog) -> None:
    """_closeness sorts the model answers' words once and calls fuzz.ratio: the same number as
    token_sort_ratio, which sorts both texts on every call."""
    from rapidfuzz import fuzz

    from objcoach.scoring.score import _sorted_words
    from objcoach.scoring.text import stems_of

    keys = [" ".join(stems_of(text)) for objection in catalog.objections[:20]
            for lang in objection.langs for text in objection.answers[lang]]
    for a, b in zip(keys, keys[1:] + keys[:1], strict=True):
        assert fuzz.ratio(_sorted_words(a), _sorted_words(b)) == fuzz.token_sort_ratio(a, b)


def _graded_replies() -> list[str]:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / "graded.jsonl"
    return [json.loads(line)["reply"] for line in path.open(encoding="utf-8")]


def test_marker_positions_match_their_plain_definition(catalog: Catalog) -> None:
    """_Matcher.positions takes shortcuts (no surface check unless a short Russian stem asks for one, the
    index's own list when nothing is filtered): for every marker word and every graded reply it must give
    what the rule says, a scan of the whole reply."""
    from objcoach.scoring.score import _loose_prefixes, _markers, _Matcher
    from objcoach.scoring.text import analyze

    words = {(stem, word) for lang in ("ru", "en") for groups in _markers(catalog, lang)
             for phrases in groups.values() for phrase in phrases
             for stem, word in zip(phrase.stems, phrase.words or ("",) * len(phrase.stems), strict=True)}
    for reply in _graded_replies()[::3]:
        matcher = _Matcher(analyze(reply))
        stems = matcher.stems
        for stem, word in words:
            for loose in (True, False):
                expected = [i for i, own in enumerate(stems)
                            if (own == stem or (loose and len(own) > len(stem) and stem in _loose_prefixes(own)))
                            and matcher._matches(i, stem, word)]
                assert matcher.positions(stem, word, loose) == expected, (reply, stem, word, loose)


@given(st.lists(st.sampled_from(["you're", "don't", "it’s", "I'm", "won't", "let's", "o'clock", "we", "card",
                                 "3,600", "rock'n'roll", "Bob's", "can't", "ß", ",", ".", "?"]), max_size=12))
def test_contractions_expand_as_the_plain_rule_says(pieces: list[str]) -> None:
    """Words with an apostrophe are expanded in place; the result must be the word-by-word rule's."""
    from objcoach.scoring.text import _expand, _word_spans

    text = " ".join(pieces)
    words, starts, ends = _word_spans(text)
    expected: list[tuple[str, int, int]] = []
    for match in re.finditer(r"[^\W_]+(?:['’][^\W_]+)*", text):
        word = match.group().casefold().replace("ё", "е").replace("’", "'")
        for part in _expand(word):
            expected.append((part, match.start(), match.end()))
    if "3,600" not in pieces and "ß" not in pieces:  # thousands join and length-changing folds: tested elsewhere
        assert list(zip(words, starts, ends, strict=True)) == expected


def test_marker_index_finds_exactly_the_phrases_a_reply_holds(catalog: Catalog) -> None:
    """The index files each phrase under one stem and checks the rest as a set: for every graded reply it must
    give what a scan of every phrase gives, per id and in priority order."""
    from objcoach.scoring.score import _marker_index, _Matcher
    from objcoach.scoring.text import analyze

    for lang in ("ru", "en"):
        for index in _marker_index(catalog, lang):
            for reply in _graded_replies()[::4]:
                matcher = _Matcher(analyze(reply))
                for keys in (matcher.loose_keys, matcher.present):
                    expected: dict[str, list[object]] = {}
                    for key, phrase in index.entries:
                        if phrase.stems and keys.issuperset(phrase.stems):
                            expected.setdefault(key, []).append(phrase)
                    assert index.candidates(keys) == expected, reply
