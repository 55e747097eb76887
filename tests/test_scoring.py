from __future__ import annotations

import pytest
from conftest import BANK, STRONG_EN, STRONG_RU
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from objcoach.catalog.model import Catalog
from objcoach.scoring.score import score_reply, self_test, verdict_for
from objcoach.scoring.settings import DEFAULT_SETTINGS, VERDICTS

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
    (BANK, "ru", "Вы ошибаетесь, наш банк лучше, давайте я расскажу.", {"weak", "fail"}),
    (BANK, "en", "You're wrong, our bank is better.", {"fail"}),
    (BANK, "ru", STRONG_RU + " Хотя вы, похоже, идиот.", {"fail"}),
    (BANK, "en", STRONG_EN + " Shut up and listen.", {"fail"}),
    # no guard fires (a question, nothing of the topic said): the learned weights make it weak at best
    (BANK, "ru", "Сегодня отличная погода, вы смотрели вчера футбол на стадионе?", {"weak", "fail"}),
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


def test_a_band_starts_at_its_lowest_score_and_a_catalog_may_move_it() -> None:
    bands = {"excellent": 90.0, "good": 60.0, "partial": 40.0, "weak": 20.0}
    assert [verdict_for(v, bands) for v in (100, 90, 89.5, 60, 59, 40, 20, 19.9, 0)] == [
        "excellent", "excellent", "good", "good", "partial", "partial", "weak", "fail", "fail"]


@given(st.floats(0, 100), st.floats(0, 100))
def test_a_higher_score_never_gets_a_worse_verdict(low: float, high: float) -> None:
    low, high = sorted((low, high))
    assert VERDICTS.index(verdict_for(high)) <= VERDICTS.index(verdict_for(low))


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


def test_a_catalog_s_own_settings_apply_to_it_alone(catalog: Catalog) -> None:
    """Settings live with the catalog they come from: a copy whose `good` band starts higher gives the same
    reply a lower verdict, and the bundled catalog scores it as before."""
    from objcoach.catalog.model import Catalog as CatalogType

    strict = CatalogType(catalog.techniques, catalog.antipatterns, catalog.objections,
                         settings={**catalog.settings, "excellent": 101.0, "good": 101.0})
    objection = catalog.get(BANK)
    assert objection is not None
    before = score_reply(STRONG_RU, objection, catalog, "ru")
    assert before.verdict in ("excellent", "good")
    assert score_reply(STRONG_RU, objection, strict, "ru").verdict == "partial"
    assert score_reply(STRONG_RU, objection, catalog, "ru") == before


def test_a_knowledge_question_is_scored_on_closeness_and_key_points(catalog: Catalog) -> None:
    objection = catalog.get("knowledge-trust-payment")
    assert objection is not None and not objection.checklist
    answer = objection.answers["ru"][0]
    result = score_reply(answer, objection, catalog, "ru")
    assert not result.techniques_missed
    assert result.verdict == "excellent"
    # polite and with a next step, but no fact: short of `good` (the learned weights give it `weak`–`partial`)
    empty = score_reply("Понимаю вас, давайте я уточню и перезвоню вам?", objection, catalog, "ru")
    assert empty.verdict in ("fail", "weak", "partial") and empty.score < result.score - 30


def test_a_capped_score_shows_the_cap_among_its_components(catalog: Catalog) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    capped = score_reply(STRONG_RU + " Хотя вы, похоже, идиот.", objection, catalog, "ru")
    assert capped.components["cap"] < 0 and round(sum(capped.components.values())) == capped.score
    assert "cap" not in score_reply(STRONG_RU, objection, catalog, "ru").components


def test_the_expected_language_without_a_hint(catalog: Catalog) -> None:

    objection = catalog.get(BANK)
    assert objection is not None
    assert score_reply("", objection, catalog).lang == "ru"  # no words to tell: the entry's first language
    english = objection._replace(id="english-only", client={"en": objection.client["en"]},
                      answers={"en": objection.answers["en"]})
    assert score_reply("", english, catalog).lang == "en"
    russian = objection._replace(id="russian-only", client={"ru": objection.client["ru"]},
                      answers={"ru": objection.answers["ru"]})
    result = score_reply(STRONG_EN, russian, catalog)
    assert result.lang == "ru" and "other_language" in result.flag_ids


def test_a_model_answer_left_out_is_not_its_own_reference(catalog: Catalog) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    answer = objection.answers["ru"][0]
    with_it = score_reply(answer, objection, catalog, "ru")
    without = score_reply(answer, objection, catalog, "ru", exclude_answer=answer)
    assert with_it.closest_answer == answer and without.closest_answer != answer
    assert with_it.components["closeness"] > without.components["closeness"]


def test_the_score_names_its_objection_and_the_words_it_shares(catalog: Catalog) -> None:
    objection = catalog.get(BANK)
    assert objection is not None
    result = score_reply(STRONG_RU, objection, catalog, "ru")
    assert result.objection_id == BANK
    reply_words = STRONG_RU.casefold().replace("ё", "е")
    assert result.shared_words and all(word in reply_words for word in result.shared_words.split())


def test_a_catalog_s_own_bands_decide_the_verdict(catalog: Catalog) -> None:
    from objcoach.catalog.model import Catalog as CatalogType

    objection = catalog.get(BANK)
    assert objection is not None
    result = score_reply(STRONG_RU, objection, catalog, "ru")
    demanding = CatalogType(catalog.techniques, catalog.antipatterns, catalog.objections,
                            settings={"excellent": result.score + 1.0, "good": result.score + 1.0})
    assert score_reply(STRONG_RU, objection, demanding, "ru").verdict == "partial"


def test_the_self_test_reports_the_model_answers_below_good(catalog: Catalog) -> None:

    from objcoach.catalog.model import Catalog as CatalogType

    objection = catalog.get(BANK)
    assert objection is not None
    weak = "Хорошо."
    answers = {"ru": (*objection.answers["ru"], weak), "en": objection.answers["en"]}
    broken = CatalogType(catalog.techniques, catalog.antipatterns, (objection._replace(answers=answers),))
    failures = self_test(broken)
    assert [(o.id, lang, answer) for o, lang, answer, _ in failures] == [(BANK, "ru", weak)]
    assert failures[0][3].score < DEFAULT_SETTINGS["good"]
    assert self_test(broken, only=["another-id"]) == []
    second = CatalogType(catalog.techniques, catalog.antipatterns, (catalog.objections[1], *broken.objections))
    assert len(self_test(second, only=[BANK])) == 1  # the objections before it are skipped, not the rest
    assert self_test(broken, answers_only=[objection.answers["ru"][0]]) == []
    assert len(self_test(broken, only=[BANK], answers_only=[weak])) == 1


def test_technique_evidence_quotes_the_marker(catalog: Catalog) -> None:
    from objcoach.scoring.score import technique_evidence

    assert technique_evidence("Я вас понимаю, давайте решим.", "acknowledge", catalog, "ru") == "Я вас понимаю"
    assert technique_evidence("Я вас понимаю.", "next_step", catalog, "ru") == ""
    assert technique_evidence("I understand, let's see.", "acknowledge", catalog, "en") == "I understand"
    assert technique_evidence("Я вас понимаю.", "no-such-technique", catalog, "ru") == ""


# --- feedback that tells the truth (issue 16, item 8) ---------------------------------------------


@pytest.mark.parametrize(("lang", "reply"), [
    ("ru", "Понимаю вас, выбор за вами. Что было главным при выборе банка?"),
    ("ru", "Хорошо, а вы сравнивали условия? У нас кэшбэк 5%."),
    ("en", "I understand, it's your choice. What mattered most when you chose?"),
])
def test_the_retry_prompt_names_what_to_add_and_only_that_once(catalog: Catalog, lang: str, reply: str) -> None:
    from objcoach.i18n import t
    from objcoach.scoring.coach import feedback

    objection = catalog.get("bank-already-chosen")
    assert objection is not None
    result = score_reply(reply, objection, catalog, lang)
    advice = feedback(result, objection, catalog, lang)
    assert result.verdict == "partial" and advice.retry_prompt
    named = advice.retry_prompt.split(":", 1)[1].rstrip(".").split("; ")
    assert len(named) == len(advice.improvements)
    for name, item in zip(named, advice.improvements, strict=True):
        assert name.strip().casefold() in item.what.casefold()
    verb = t(lang, "add_key_point", point="").rstrip(": ")
    assert verb not in advice.retry_prompt  # not «добавьте: упомяните: …»


def test_a_weak_reply_is_asked_again_about_what_to_add_not_about_something_else(catalog: Catalog) -> None:
    from objcoach.scoring.coach import feedback

    knowledge = next(objection for objection in catalog.objections if not objection.checklist)
    result = score_reply("Это платеж доверия", knowledge, catalog, "ru")
    advice = feedback(result, knowledge, catalog, "ru")
    assert advice.rephrased and advice.improvements
    assert advice.improvements[0].name in advice.rephrased
    assert "что для клиента важно" not in advice.rephrased  # a knowledge question asks for the facts


def test_score_parts_show_the_most_they_can_give_on_this_objection(catalog: Catalog) -> None:
    from objcoach.cli.render import breakdown_line
    from objcoach.scoring.coach import feedback
    from objcoach.scoring.score import component_maxima

    objection = catalog.get("bank-already-chosen")
    assert objection is not None
    maxima = component_maxima(objection, catalog, "ru")
    assert {"closeness", "techniques", "key_points", "form", "wording"} <= set(maxima)
    assert maxima["wording"][1] and not maxima["key_points"][1]  # learned: against a model answer
    answer = objection.answers["ru"][0]
    model = score_reply(answer, objection, catalog, "ru", exclude_answer=answer)
    for name in ("closeness", "techniques", "key_points", "form"):  # a model answer stays within each maximum
        assert model.components.get(name, 0.0) <= maxima[name][0] + 1e-9
    result = score_reply("Понимаю вас, выбор за вами.", objection, catalog, "ru")
    line = breakdown_line(feedback(result, objection, catalog, "ru"), "ru").plain
    assert f"суть ответа {result.components['key_points']:.0f} из {maxima['key_points'][0]:.0f}" in line
    assert f"(у образцового ответа {maxima['wording'][0]:.0f})" in line
    assert "исходно 4" in line and "исходно 4 из" not in line  # the model's base has no maximum


def test_a_knowledge_question_does_not_show_techniques_it_never_asked_for(catalog: Catalog) -> None:
    from objcoach.scoring.coach import feedback

    knowledge = next(objection for objection in catalog.objections if not objection.checklist)
    result = score_reply("Это платеж доверия", knowledge, catalog, "ru")
    with_nothing = result._replace(components={**result.components, "techniques": 0.3})
    labels = [part.label for part in feedback(with_nothing, knowledge, catalog, "ru").breakdown]
    assert "техники" not in labels and "близость к образцу" in labels
    earned = result._replace(components={**result.components, "techniques": 3.6})
    assert "техники" in [part.label for part in feedback(earned, knowledge, catalog, "ru").breakdown]
    asked = catalog.get("bank-already-chosen")
    assert asked is not None
    plain = score_reply("Понимаю", asked, catalog, "ru")._replace(components={"base": 4.0, "techniques": 0.0})
    assert "техники" in [part.label for part in feedback(plain, asked, catalog, "ru").breakdown]
