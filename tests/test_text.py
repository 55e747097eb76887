from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from objcoach.scoring.text import _word_spans, analyze, detect_language, normalize, stem, stems_of


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
    assert result.words == len(result.norms) == len(result.stems)


def test_thousands_separators_make_one_number() -> None:
    assert normalize("3,600 и 2 000 рублей, 5\u00a0600") == "3600 и 2000 рублей 5600"
    assert normalize("1.5 и 12, 345") == "1 5 и 12 345"  # a decimal and a list stay apart


@pytest.mark.parametrize("text", [
    "Вы опоздали, я уже выбрал банк!", "I'm sure you're right, it's 3 600 ₽ or 3,600 rubles", "İstanbul Straße",
    "  ", "don’t", "1 000 000 и 12 345,5", "a_b c-d", "Ёлка ёж", "x²³ 1²³⁴",
])
def test_normalize_agrees_with_the_spans(text: str) -> None:
    words, starts, ends = _word_spans(text)
    assert normalize(text) == " ".join(words)
    assert len(words) == len(starts) == len(ends)
    assert all(text[start:end] for start, end in zip(starts, ends, strict=True))


@given(st.text(alphabet=st.sampled_from("аБвЁё ёzZß'’İ1234567890 ,.\u00a0_-²")))
def test_normalize_fast_path_matches_the_spans(value: str) -> None:
    assert normalize(value) == " ".join(_word_spans(value)[0])


def _sentences_by_splitting(text: str) -> int:
    """The plain definition the fast count must keep: pieces between sentence ends that hold a word."""
    return sum(1 for part in re.split(r"[.!?…]+|\n+", text) if re.search(r"[^\W_]", part))


@given(st.text(alphabet=st.sampled_from("аz_1 .!?…\n-—,'’")))
def test_sentence_count_matches_its_definition(value: str) -> None:
    assert analyze(value).sentences == _sentences_by_splitting(value)


@given(st.text(alphabet=st.sampled_from("аБzZ_1 .'’İß-")))
def test_spans_point_at_the_words(value: str) -> None:
    words, starts, ends = _word_spans(value)
    for word, start, end in zip(words, starts, ends, strict=True):
        assert 0 <= start < end <= len(value)
        piece = value[start:end].casefold().replace("ё", "е").replace("’", "'")
        assert word.replace("'", "") in piece.replace("'", "")
