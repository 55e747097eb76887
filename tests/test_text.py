from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from objcoach.text import analyze, detect_language, normalize, stem, stems_of


def test_normalize_casefolds_yo_and_punctuation() -> None:
    assert normalize("  Всё   ЁЛКИ, «привет»!! ") == "все елки привет"


def test_english_contractions_expand() -> None:
    assert normalize("You're wrong, I can't") == normalize("you are wrong, I can not")


def test_russian_word_forms_share_a_stem() -> None:
    assert stem("понимаю") == stem("понимаем")
    assert stem("бесплатная") == stem("бесплатную")


def test_english_word_forms_share_a_stem() -> None:
    assert stems_of("checking charges") == stems_of("checked charge")


def test_detect_language() -> None:
    assert detect_language("Понимаю вас") == "ru"
    assert detect_language("I understand you") == "en"
    assert detect_language("123 !!!") is None


def test_analysis_keeps_spans_for_quoting() -> None:
    text = analyze("Понимаю вас, это важно.")
    assert text.quote(0, 1) == "Понимаю вас"
    assert text.sentences == 1


def test_questions_and_numbers() -> None:
    text = analyze("Кэшбэк 5%. Что для вас важно?")
    assert text.questions == ("Что для вас важно?",)
    assert text.numbers == ("5",)


@given(st.text())
def test_analyze_never_fails(value: str) -> None:
    result = analyze(value)
    assert result.words == len(result.tokens)


def test_thousands_separators_make_one_number() -> None:
    assert normalize("3,600 и 2 000 рублей, 5\u00a0600") == "3600 и 2000 рублей 5600"
    assert normalize("1.5 и 12, 345") == "1 5 и 12 345"  # a decimal and a list stay apart
