"""The guards and antipatterns, reply by reply: which flag each raises, and what it does to the score.

Every harmful reply here would score well above the harmful cap without its guard (it holds techniques,
key points or words of a model answer), so a guard that stops working fails its row.
"""

from __future__ import annotations

import json

import pytest
from conftest import BANK, STRONG_EN, STRONG_RU, run_cli

from objcoach.catalog.model import Catalog
from objcoach.scoring.features import GUARD_FLAGS
from objcoach.scoring.model import bundled_model
from objcoach.scoring.result import Score
from objcoach.scoring.score import score_reply
from objcoach.scoring.settings import DEFAULT_SETTINGS

CLOSING_RU = "Понимаю вас, это ваш выбор. Давайте пришлю условия в СМС?"
CLOSING_EN = "I understand, it's your choice. Shall I text you the terms?"
HARMFUL_CAP = DEFAULT_SETTINGS["cap_harmful"]


def score(catalog: Catalog, reply: str, lang: str | None, objection_id: str = BANK) -> Score:
    objection = catalog.get(objection_id)
    assert objection is not None
    return score_reply(reply, objection, catalog, lang)


# (reply, language expected, the flag): each fails the reply, however good the rest of it is
HARMFUL = [
    ("Не знаю, что сказать.", "ru", "dont_know"),
    ("I don't know what to say.", "en", "dont_know"),
    ("Вы опоздали, я уже выбрал банк", "ru", "copy"),  # the client's words back
    ("Вы опоздали, я выбрал банк", "ru", "copy"),  # nearly their words, nearly in their order
    ("Too late, I've chosen a bank already", "en", "copy"),
    ("Ясно, вы опоздали, я выбрал банк", "ru", "copy"),  # three words of theirs in four
    ("Понятно, вы опоздали, я уже выбрал банк, ясно.", "ru", "copy"),  # their whole phrase, two words around it
    ("Sure, you're too late, I've already chosen a bank, fine.", "en", "copy"),
    (CLOSING_RU + " Впрочем, банк у вас так себе.", "ru", "jab"),
    (CLOSING_RU + " Впрочем, на самом деле банк у вас так себе.", "ru", "jab"),  # contrast does not excuse it
    (CLOSING_RU + " Впрочем", "ru", "jab"),
    ("Понимаю вас, это ваш выбор! Впрочем, банк у вас так себе.", "ru", "jab"),  # two sentences are enough
    ("Понимаю вас. Это ваш выбор. Впрочем, банк у вас так себе.", "ru", "jab"),  # whatever ends the one before
    ("Понимаю вас! Это ваш выбор! Впрочем, банк у вас так себе.", "ru", "jab"),
    ("Подскажите, что важно? Что вы выбрали? Впрочем, банк у вас так себе.", "ru", "jab"),
    ("Понимаю вас… Это ваш выбор… Впрочем, банк у вас так себе.", "ru", "jab"),
    ("Понимаю вас, это ваш выбор.Впрочем, банк у вас так себе.", "ru", "jab"),  # no space after the full stop
    ("Понимаю вас, это ваш выбор. Впрочем: банк у вас так себе.", "ru", "jab"),
    (CLOSING_EN + " Frankly, your bank is mediocre.", "en", "jab"),
    (CLOSING_EN + " Your bank is mediocre, though.", "en", "jab"),  # the turn comes as a tag at the end
    ("понимаю выбор кэшбэк бесплатно давайте условия выгода", "ru", "stuffing"),  # no function words
    ("understand choice cashback free let's terms benefit", "en", "stuffing"),
    ("Понимаю вас выбор ваш кэшбэк бесплатно давайте условия пришлю выгода карта", "ru", "stuffing"),  # all markers
    ("Понимаю, выбор, кэшбэк, бесплатно, условия, выгода, карта", "ru", "stuffing"),  # one word between commas
    ("Вы, мы, наш, кэшбэк, бесплатно", "ru", "stuffing"),  # five bits of one word, function words or not
    ("Вы, мы, наш кэшбэк, бесплатно, выгода", "ru", "stuffing"),  # four in five bits of one word
    ("понимаю выбор кэшбэк бесплатно условия", "ru", "stuffing"),  # five words are enough to tell
    ("Понимаю вас выбор кэшбэк бесплатно выгода", "ru", "stuffing"),  # six words, nearly all markers
    ("Не знаю, понимаю вас, давайте пришлю условия?", "ru", "dont_know"),  # a few words after it save nothing
    ("May I ask what matters to you? We give 5% cashback.", "ru", "other_language"),
    ("Кстати, понимаю вас, а у нас есть кэшбэк.", "ru", "off_topic"),  # opens by changing the subject
    ("By the way, I understand, we have cashback.", "en", "off_topic"),
    ("Вы смотрели вчера футбол? Было 40000 зрителей.", "ru", "off_topic"),  # a question and a figure, no topic
    ("Did you watch hockey yesterday? There were 40000 fans and a goalie.", "en", "off_topic"),
    ("Вы смотрели вчера футбол в банке? Было 40000 зрителей, хоккей.", "ru", "off_topic"),  # one topical in seven
    ("Вы смотрели вчера футбол? Было 40000 зрителей, нефть.", "ru", "off_topic"),  # не- of no word on topic
    (STRONG_EN, "ru", "other_language"),
    (STRONG_RU, "en", "other_language"),
    ("Вы ошибаетесь, наш банк лучше, давайте я расскажу.", "ru", "argue"),
    ("You're wrong, our bank is better.", "en", "argue"),
    (STRONG_RU + " Хотя вы, похоже, идиот.", "ru", "rude"),
    (STRONG_EN + " Shut up and listen.", "en", "rude"),
]


# a two-word client phrase said back with two words around it (too-expensive: «Это дорого»)
HARMFUL_ELSEWHERE = [("too-expensive", "Понятно, это дорого, ясно.", "ru", "copy")]
# «ненадёжный» is on topic by its root (надёжность), though the objection never says it
INNOCENT_ELSEWHERE = [("dont-trust-banks", "Вы смотрели вчера футбол? Было 40000 зрителей, ненадёжный.", "ru",
                       "off_topic")]


@pytest.mark.parametrize(("reply", "lang", "flag"), HARMFUL)
def test_a_harmful_reply_is_flagged_and_capped(catalog: Catalog, reply: str, lang: str, flag: str) -> None:
    assert_harmful(score(catalog, reply, lang), flag)


@pytest.mark.parametrize(("objection_id", "reply", "lang", "flag"), HARMFUL_ELSEWHERE)
def test_a_harmful_reply_to_another_objection(catalog: Catalog, objection_id: str, reply: str, lang: str,
                                              flag: str) -> None:
    assert_harmful(score(catalog, reply, lang, objection_id), flag)


def assert_harmful(result: Score, flag: str) -> None:
    """Flagged with evidence; held under the harmful cap when the model caps on the flag, and below `partial`
    whatever else the reply has when its weight is learned."""
    assert flag in result.flag_ids, result.flags
    assert all(found.evidence for found in result.flags)
    if flag in bundled_model().caps:
        assert result.score <= HARMFUL_CAP and result.verdict == "fail", (result.score, result.components)
    else:
        assert result.verdict in ("weak", "fail"), (result.score, result.components)
        assert result.components[f"flag:{flag}" if flag in GUARD_FLAGS else f"antipattern:{flag}"] < 0


# (reply, language, a flag it must not raise): near misses of each guard
INNOCENT = [
    ("Я уже выбрал банк, вы опоздали.", "ru", "copy"),  # the client's words, but not in their order
    ("Понимаю, вы опоздали, я уже выбрал банк, давайте условия.", "ru", "copy"),  # with words of one's own
    ("Ясно, вы опоздали, я уже выбрал, понятно", "ru", "copy"),  # half their words, half one's own
    ("Вы, мы, наш, кэшбэк", "ru", "stuffing"),  # four bits are not yet a list
    ("Вы, мы, наш. Кэшбэк, бесплатно, выгода.", "ru", "stuffing"),  # sentences, if short ones
    ("Понимаю вас выбор ваш кэшбэк. Бесплатно давайте условия пришлю выгода карта", "ru", "stuffing"),
    ("Понимаю вас, вы выбрали, давайте я пришлю выгодно бесплатно", "ru", "stuffing"),  # function words enough
    ("Понимаю вас, ваш выбор, кэшбэк бесплатно, выгода", "ru", "stuffing"),  # two in seven: a sentence still
    ("Вы смотрели вчера футбол? Было 40000 зрителей, ненадёжный.", "ru", "off_topic"),  # a neighbour's root
    ("Понимаю вас, это ваш выбор. Знаю, не волнуйтесь, пришлю условия в СМС?", "ru", "dont_know"),  # not «не знаю»
    # close to a model answer: not off-topic, whatever its other words
    ("Понимаю вас. Подскажите, какой фильм вы смотрели вчера в кинотеатре? Давайте я пришлю вам расписание "
     "футбольных матчей на стадионе и концертов?", "ru", "off_topic"),
    ("Вы смотрели вчера футбол? Было 40000 зрителей, хоккей, кэшбэк.", "ru", "off_topic"),  # it makes a key point
    (CLOSING_RU + " Впрочем, решать вам.", "ru", "jab"),  # the closing does a technique's work
    (CLOSING_EN + " Though it is up to you.", "en", "jab"),
    (CLOSING_RU + " Хотя что вы выбрали?", "ru", "jab"),  # a question, not a jab
    ("Понимаю вас, это ваш выбор, давайте пришлю условия, хотя банк у вас так себе.", "ru", "jab"),  # one sentence
    ("Кстати, " + STRONG_RU, "ru", "off_topic"),  # it shifts nothing: it is a model answer
    ("By the way, " + STRONG_EN, "en", "off_topic"),
    ("Вы смотрели вчера футбол? Было 40000 зрителей, ипотека.", "ru", "off_topic"),  # the domain's word
    ("Вы смотрели вчера футбол? Было 40000 зрителей, ипотека, спасибо.", "ru", "off_topic"),  # courtesy: no topic
    ("Did you watch hockey yesterday? There were 40000 fans and a mortgage.", "en", "off_topic"),
    ("Понимаю вас, карта хорошая.", "ru", "too_short"),  # four words are an answer, if a thin one
    ("ну да, эм, ладно, карта хорошая", "ru", "empty"),  # some words besides the fillers
    (STRONG_RU, "ru", "too_long"),
    ("Не знаю, но понимаю вас: карта бесплатная, кэшбэк пять процентов, пришлю условия.", "ru", "stuffing"),
]


@pytest.mark.parametrize(("reply", "lang", "flag"), INNOCENT)
def test_a_near_miss_raises_no_flag(catalog: Catalog, reply: str, lang: str, flag: str) -> None:
    assert flag not in score(catalog, reply, lang).flag_ids


def test_an_objection_without_a_domain_is_on_topic_by_its_own_words(catalog: Catalog) -> None:

    objection = catalog.get("dont-trust-banks")
    assert objection is not None
    alone = objection._replace(id="no-domain", domain="")
    result = score_reply("Вы смотрели вчера футбол? Было 40000 зрителей, ненадёжный.", alone, catalog, "ru")
    assert "off_topic" not in result.flag_ids


@pytest.mark.parametrize(("objection_id", "reply", "lang", "flag"), INNOCENT_ELSEWHERE)
def test_a_near_miss_to_another_objection(catalog: Catalog, objection_id: str, reply: str, lang: str,
                                          flag: str) -> None:
    assert flag not in score(catalog, reply, lang, objection_id).flag_ids


# (reply, language): they say nothing
EMPTY = [
    ("", "ru"),
    ("Хорошо.", "ru"),  # one word
    ("эм ну да", "ru"),
    ("ну да, эм, ладно, карта", "ru"),  # four fillers in five words
    ("um, well, okay, yeah", "en"),
]


@pytest.mark.parametrize(("reply", "lang"), EMPTY)
def test_a_reply_that_says_nothing_scores_zero(catalog: Catalog, reply: str, lang: str) -> None:
    result = score(catalog, reply, lang)
    assert result.score == 0 and result.flag_ids == ("empty",)
    assert result.flags[0].evidence == reply.strip()


@pytest.mark.parametrize(("reply", "lang"), [
    ("Понимаю вас.", "ru"),
    ("Понимаю, карта хорошая.", "ru"),
    ("А вы как же так?", "ru"),  # five words, none of them with a meaning
    ("I understand you.", "en"),
])
def test_a_too_short_reply_is_capped_but_not_harmful(catalog: Catalog, reply: str, lang: str) -> None:
    result = score(catalog, reply, lang)
    assert result.flag_ids[0] == "too_short" and set(result.flag_ids) <= {"too_short", "tone"}
    assert result.flags[0].evidence == reply
    assert 0 < result.score < DEFAULT_SETTINGS["partial"]


@pytest.mark.parametrize(("reply", "lang"), [
    ("Не знаю точно, но понимаю вас: это ваш выбор. Многие держат нашу карту второй — обслуживание бесплатное, "
     "кэшбэк до 5%. Давайте пришлю условия в СМС?", "ru"),
    ("I don't know for sure, but I understand, it's your choice. Many clients keep our card as a second one: "
     "it's free and gives 5% cashback. Shall I text you the terms?", "en"),
    ("Не знаю, понимаю вас: карта бесплатная, кэшбэк пять процентов, пришлю.", "ru"),  # eight words of meaning
])
def test_dont_know_in_a_reply_that_goes_on_costs_points_not_the_reply(catalog: Catalog, reply: str,
                                                                       lang: str) -> None:
    result = score(catalog, reply, lang)
    assert "dont_know" in result.flag_ids and result.flags[0].evidence.casefold() in {"не знаю", "i don't know"}
    assert result.components["flag:dont_know"] < 0
    assert result.score > HARMFUL_CAP


@pytest.mark.parametrize(("reply", "promise", "lang"), [
    (STRONG_RU, "Гарантирую на сто процентов, это выгодно.", "ru"),
    (STRONG_EN, "I swear it pays off.", "en"),
])
def test_a_warned_antipattern_costs_points(catalog: Catalog, reply: str, promise: str, lang: str) -> None:
    clean = score(catalog, reply, lang)
    warned = score(catalog, f"{reply} {promise}", lang)
    assert warned.flag_ids == ("false_promise",) and warned.flags[0].evidence
    assert warned.flags[0].evidence in promise
    assert warned.components["antipattern:false_promise"] < 0
    assert HARMFUL_CAP < warned.score < clean.score


@pytest.mark.parametrize(("reply", "lang"), [(" ".join([STRONG_RU] * 5), "ru"), (" ".join([STRONG_EN] * 4), "en")])
def test_a_reply_too_long_to_say_costs_points(catalog: Catalog, reply: str, lang: str) -> None:
    result = score(catalog, reply, lang)
    assert result.flag_ids == ("too_long",) and "words" in result.flags[0].evidence
    assert result.components["flag:too_long"] < 0
    assert result.score <= score(catalog, reply[: len(reply) // 4], lang).score


def test_a_reply_of_the_most_words_one_can_say_is_not_too_long(catalog: Catalog) -> None:
    sentence = "Понимаю вас, это ваш выбор."  # five words
    longest = " ".join([sentence] * int(DEFAULT_SETTINGS["max_words"] // 5))
    assert "too_long" not in score(catalog, longest, "ru").flag_ids
    assert "too_long" in score(catalog, longest + " Да.", "ru").flag_ids


def test_a_reply_of_the_most_characters_is_not_cut(catalog: Catalog) -> None:
    reply = (STRONG_RU + " ") * 30
    reply = reply[:5000]
    result = score(catalog, reply, "ru")
    assert result.reply == reply and all("cut" not in flag.evidence for flag in result.flags)


def test_a_reply_too_long_to_read_is_cut_and_flagged_once(catalog: Catalog) -> None:
    result = score(catalog, STRONG_RU * 400, "ru")
    assert result.flag_ids == ("too_long",)
    assert "5000" in result.flags[0].evidence and len(result.reply) == 5000
    assert result.components["flag:too_long"] < 0


@pytest.mark.parametrize("reply", [
    CLOSING_RU + " Впрочем, банк у вас так себе.",
    "   " + CLOSING_RU + " Впрочем, банк у вас так себе.  ",
])
def test_a_jab_is_quoted_whole(catalog: Catalog, reply: str) -> None:
    assert score(catalog, reply, "ru").flags == (("jab", "Впрочем, банк у вас так себе."),)


def test_a_flag_quotes_the_start_of_the_reply(catalog: Catalog) -> None:
    reply = "Кстати, понимаю вас, а у нас есть кэшбэк, и бесплатное обслуживание, и доставка карты домой, и вклад."
    flag = score(catalog, reply, "ru").flags[0]
    assert flag.id == "off_topic" and reply.startswith(flag.evidence) and 20 < len(flag.evidence) < len(reply)


# through the command line, as an operator or a script would run it
@pytest.mark.parametrize(("args", "flag", "verdict"), [
    ([BANK, "Вы смотрели вчера футбол? Было 40000 зрителей."], "off_topic", "fail"),
    ([BANK, STRONG_EN, "--lang", "ru"], "other_language", "fail"),
    ([BANK, "Не знаю, что сказать."], "dont_know", "fail"),
    ([BANK, " ".join([STRONG_EN] * 4)], "too_long", "excellent"),
    ([BANK, STRONG_RU + " Гарантирую на сто процентов."], "false_promise", "good"),
])
def test_score_json_shows_the_flag(args: list[str], flag: str, verdict: str) -> None:
    code, out, _ = run_cli("score", *args, "--json")
    assert code == 0
    result = json.loads(out)
    assert flag in [item["id"] for item in result["flags"]]
    assert result["verdict"] == verdict


# (objection, language, reply, whether it makes a claim the catalog lists under `wrong:`)
CLAIMS = [
    ("knowledge-trust-payment", "ru", "Доверительный платёж — это бесплатные деньги от оператора, пользуйтесь.", True),
    ("knowledge-trust-payment", "ru", "Деньги зачисляются сразу, и возвращать их потом не нужно.", True),
    ("knowledge-trust-payment", "ru", "Это платёж в долг: возвращать нужно при следующем пополнении, и это не "
     "бесплатные деньги, за услугу есть небольшая плата.", False),
    ("knowledge-trust-payment", "en", "It's a free bonus from the operator for loyal customers.", True),
    ("knowledge-trust-payment", "en", "It's money on credit for a few days; it is not a free bonus, you repay it at "
     "the next top-up with a small fee.", False),
    ("dont-trust-banks", "ru", "Не волнуйтесь, вклады застрахованы на любую сумму, риска нет.", True),
    ("dont-trust-banks", "ru", "Понимаю. Вклады застрахованы государством до 1,4 млн рублей. Рассказать подробнее?",
     False),
    ("dont-trust-banks", "en", "Relax, deposits are insured for any amount.", True),
    ("telecom-leaving-operator", "en", "You can't keep your number when you switch, sorry.", True),
    ("telecom-leaving-operator", "en", "Of course you keep your number. May I ask what made you decide to leave?",
     False),
    ("knowledge-site-error-paratroopers", "ru", "Это значит, что ваш счёт заблокирован службой безопасности.", True),
    ("knowledge-site-error-paratroopers", "ru", "Не волнуйтесь, счёт не заблокирован: это техническая ошибка, "
     "очистите кэш и зайдите заново.", False),
]


@pytest.mark.parametrize(("objection_id", "lang", "reply", "wrong"), CLAIMS)
def test_a_reply_that_makes_a_wrong_claim_fails_and_one_that_denies_it_does_not(
        catalog: Catalog, objection_id: str, lang: str, reply: str, wrong: bool) -> None:
    result = score(catalog, reply, lang, objection_id)
    assert ("wrong_fact" in result.flag_ids) is wrong, result.flags
    if wrong:
        assert result.score <= HARMFUL_CAP


def test_a_wrong_claim_is_named_in_the_feedback(catalog: Catalog) -> None:
    reply = "Это бесплатный бонус от оператора, возвращать не нужно."
    code, out, _ = run_cli("score", "knowledge-trust-payment", reply, "--lang", "ru", "--json")
    assert code == 0
    found = json.loads(out)
    assert [flag["id"] for flag in found["flags"]] == ["wrong_fact"]
    assert any(issue.startswith("неверное утверждение: ") for issue in found["feedback"]["issues"])
