from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BROKEN_CATALOG, run_cli

from objcoach.catalog.load import bundled_catalog_path, load_files, validate_files
from objcoach.catalog.model import Catalog
from objcoach.catalog.search import rank_objections, resolve_objection
from objcoach.errors import CatalogError, ObjectionNotFoundError

REQUIRED = [
    ("Вы опоздали, я уже выбрал банк", "You're too late, I've already chosen a bank"),
    ("Ой, это же ноябрь! Что там делать в ноябре?!", "Oh, but it's November! What is there to do in November?!"),
    ("Меня всё устраивает, я ничего не хочу менять", "Everything suits me, I don't want to change anything"),
    ("У меня всё есть, мне хватает!", "I have everything, I have enough!"),
    ("У меня операция списалась два раза!", "The payment was charged twice!"),
    ("С какой стати 5600, а не 3600?!", "Why on earth 5600 and not 3600?!"),
    ("Вы же не сотрудник банка, а подрядчик — вы ничего не решите",
     "You're just an outsourced agent, you can't solve anything"),
    ("Я сам не понимаю, что сломалось, разберитесь!", "I don't even know what's broken, just sort it out!"),
    ("Я заболел и не поеду к родным — отмените заказ с подарками",
     "I got sick and won't visit my family, cancel the gift order"),
    ("Отмените только часть заказа и верните за неё деньги", "Cancel just part of my order and refund that part"),
    ("Переключите меня на живого человека", "Put me through to a real person"),
    ("У меня минус на балансе, а мне срочно нужно позвонить",
     "My balance is negative and I urgently need to make a call"),
    ("Почему выросла ставка по ипотеке? Я всё сделал вовремя!",
     "Why did my mortgage rate go up? I did everything on time!"),
    ("Зачем вы мне звоните? Я ничего не просил", "Why are you calling me? I didn't ask for anything"),
    ("Это дорого", "It's too expensive"),
    ("Мне нужно подумать", "I need to think about it"),
    ("Пришлите всё на почту", "Just send it to my email"),
    ("Мне это не интересно", "I'm not interested"),
    ("Мне сейчас неудобно говорить", "I can't talk right now"),
    ("У конкурентов дешевле", "Your competitors are cheaper"),
    ("Я не доверяю банкам", "I don't trust banks"),
    ("Мне надо посоветоваться с женой", "I need to talk it over with my spouse"),
]


def test_bundled_catalog_is_complete(catalog: Catalog) -> None:
    assert len(catalog.objections) >= 40
    assert len(catalog.techniques) >= 8
    assert len(catalog.antipatterns) >= 6
    assert any(a.severity == "block" for a in catalog.antipatterns.values())
    domains = {o.domain for o in catalog.objections}
    assert {"bank", "telecom", "ecommerce", "travel", "service", "proactive"} <= domains
    for objection in catalog.objections:
        assert objection.langs == ("ru", "en"), objection.id
        for lang in ("ru", "en"):
            assert len(objection.answers[lang]) >= 2, objection.id
            assert objection.variants.get(lang), objection.id
            assert objection.context.get(lang) and objection.tips.get(lang), objection.id
        assert 1 <= objection.difficulty <= 3
        assert objection.source and objection.tags
        assert set(objection.checklist) <= set(catalog.techniques)


@pytest.mark.parametrize(("ru", "en"), REQUIRED)
def test_required_objections_resolve_by_their_words(catalog: Catalog, ru: str, en: str) -> None:
    by_ru, lang_ru = resolve_objection(catalog, ru)
    by_en, lang_en = resolve_objection(catalog, en)
    assert by_ru is by_en
    assert (lang_ru, lang_en) == ("ru", "en")


def test_resolve_by_id_and_errors(catalog: Catalog) -> None:
    found, lang = resolve_objection(catalog, "bank-already-chosen")
    assert found.id == "bank-already-chosen" and lang is None
    with pytest.raises(ObjectionNotFoundError, match="nearest"):
        resolve_objection(catalog, "квантовая физика элементарных частиц")


def test_suggest_ranks_the_closest_first(catalog: Catalog) -> None:
    ranked = rank_objections(catalog, "уже выбрал банк", limit=3)
    assert ranked[0].objection_id == "bank-already-chosen"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_ENTRY = """
objections:
  - id: team-price
    client: {ru: "Слишком дорого для нас"}
    checklist: [acknowledge, benefit]
    answers:
      ru: ["Понимаю вас. Зато обслуживание бесплатное первые 3 месяца. Давайте посчитаем вашу выгоду?"]
"""


def test_user_catalog_uses_bundled_techniques(tmp_path: Path) -> None:
    path = write(tmp_path, "team.yaml", GOOD_ENTRY)
    catalog = load_files([bundled_catalog_path(), path])
    assert catalog.get("team-price") is not None
    assert catalog.get("team-price").langs == ("ru",)  # type: ignore[union-attr]


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, "team.yaml", text)
    _, problems = validate_files([bundled_catalog_path(), path])
    return problems


def test_syntax_error_has_a_location(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, "objections:\n  - id: x\n    client: {ru: [unclosed\n")
    assert len(problems) == 1
    assert problems[0].endswith("team.yaml:3:18: a list in [ ] that is never closed")


def test_every_problem_is_reported_with_line_and_path(tmp_path: Path) -> None:
    problems = "\n".join(problems_for(tmp_path, BROKEN_CATALOG))
    assert "team.yaml:4:5: objections[0].answer: unknown key 'answer' (did you mean 'answers'?)" in problems
    assert "objections[1].answers.en: needs at least one answer" in problems
    assert "unknown technique 'acknowlege' (did you mean 'acknowledge'?)" in problems
    assert "team.yaml:9:5: objection id 'first' is used twice (also at " in problems
    assert "team.yaml:2:5: objection id 'first' is used twice (also at " in problems
    assert "objections[2].difficulty: should be from 1 to 3, not 7" in problems


def test_wrong_types_are_reported(tmp_path: Path) -> None:
    problems = "\n".join(problems_for(tmp_path, "objections:\n  - id: x\n    client: 5\n    answers: [a]\n"))
    assert "objections[0].client: should be a mapping" in problems
    assert "objections[0].answers: should be a mapping" in problems


def test_python_tags_are_refused_and_run_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"objections: !!python/object/apply:os.system ['touch {marker}']\n"
    problems = problems_for(tmp_path, text)
    assert any("is not allowed" in line for line in problems)
    assert not marker.exists()


def test_not_utf8_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.yaml"
    path.write_bytes("objections:\n  - id: x\n    client: {ru: Дорого}\n".encode("cp1251"))
    _, problems = validate_files([path])
    assert problems and "is not UTF-8" in problems[0] and ":3:" in problems[0]


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_ENTRY.replace("\n", "\r\n").encode("utf-8"))
    catalog = load_files([bundled_catalog_path(), path])
    assert catalog.get("team-price") is not None


def test_missing_file_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no such file"):
        load_files([tmp_path / "nope.yaml"])


def test_a_catalog_survives_pickling_whole(catalog: Catalog) -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(catalog))
    found = copy.get("bank-already-chosen")
    assert found is not None and found is copy.objections[0]
    for before, after in zip(catalog.objections, copy.objections, strict=True):
        assert (before.id, before.client, before.answers, before.key_points, before.checklist, before.tags) == \
            (after.id, after.client, after.answers, after.key_points, after.checklist, after.tags)


def test_a_mistyped_id_is_not_taken_for_words(catalog: Catalog) -> None:
    """One word fits part of many phrases loosely; it resolves only when it fits one well."""
    with pytest.raises(ObjectionNotFoundError, match="nearest"):
        resolve_objection(catalog, "nosuch")
    with pytest.raises(ObjectionNotFoundError, match="bank-already-chosen"):  # named among the nearest
        resolve_objection(catalog, "bank-alredy-chosen")
    found, _ = resolve_objection(catalog, "дорого")
    assert "дорого" in found.client["ru"].lower()


def test_a_model_answer_that_makes_a_wrong_claim_fails_the_self_test(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text('objections:\n  - id: team-rate\n    client: {ru: "А ставка точно не вырастет?"}\n'
                    '    wrong: {ru: ["ставка никогда не вырастет"]}\n'
                    '    answers: {ru: ["Понимаю ваше беспокойство. Ставка никогда не вырастет, она зафиксирована в '
                    'договоре. Прислать договор?"]}\n', encoding="utf-8")
    code, out, err = run_cli("validate", str(team))
    assert code == 1
    assert "team-rate [ru] model answer scored" in out + err and "a statement that is not true" in out + err


def test_wrong_claims_must_be_texts_by_language(tmp_path: Path) -> None:
    problems = "\n".join(problems_for(tmp_path, 'objections:\n  - id: x\n    client: {ru: "Дорого"}\n'
                                                '    wrong: "всё бесплатно"\n    answers: {ru: ["Понимаю"]}\n'))
    assert ":4:12: objections[0].wrong: should be a mapping" in problems
