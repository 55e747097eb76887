from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from objcoach.scoring.text import analyze, detect_language, normalize, stem, stems_of


def test_normalize_casefolds_yo_and_punctuation() -> None:
    assert normalize("  Всё   ЁЛКИ, «привет»!! ") == "все елки привет"


def test_english_contractions_expand() -> None:
    assert normalize("You're wrong, I can't, it’s Bob's") == "you are wrong i can not it bob"


def test_russian_word_forms_share_a_stem() -> None:
    assert stem("понимаю") == stem("понимаем") == "понима"
    assert stem("бесплатная") == stem("бесплатную") != stem("платная")


def test_english_word_forms_share_a_stem() -> None:
    assert stems_of("checking charges") == stems_of("checked charge") == ("check", "charg")


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


@pytest.mark.parametrize(("text", "words"), [
    ("Вы опоздали, я уже выбрал банк!", ["Вы", "опоздали", "я", "уже", "выбрал", "банк"]),
    ("I'm sure it's 3 600 ₽", ["I'm", "I'm", "sure", "it's", "3 600"]),  # a contraction's words quote it whole
    ("İstanbul Straße", ["İstanbul", "Straße"]),
    ("Ёлка, a_b c-d", ["Ёлка", "a", "b", "c", "d"]),
])
def test_each_word_quotes_the_text_it_came_from(text: str, words: list[str]) -> None:
    analysis = analyze(text)
    assert [analysis.quote(i, i) for i in range(analysis.words)] == words


def _sentences_by_splitting(text: str) -> int:
    """The plain definition the fast count must keep: pieces between sentence ends that hold a word."""
    return sum(1 for part in re.split(r"[.!?…]+|\n+", text) if re.search(r"[^\W_]", part))


@given(st.text(alphabet=st.sampled_from("аz_1 .!?…\n-—,'’")))
def test_sentence_count_matches_its_definition(value: str) -> None:
    assert analyze(value).sentences == _sentences_by_splitting(value)


@given(st.text(alphabet=st.sampled_from("аБzZ_1 .'’İß-")))
def test_spans_point_at_the_words(value: str) -> None:
    analysis = analyze(value)
    for index, word in enumerate(analysis.norms):
        piece = analysis.quote(index, index).casefold().replace("ё", "е").replace("’", "'")
        assert word.replace("'", "") in piece.replace("'", "")


def _sentence_starts_by_gaps(text: str) -> list[int]:
    """The plain definition the fast one must keep: each word with a sentence end in the gap before it."""
    analysis = analyze(text)
    return [i for i in range(1, analysis.words)
            if re.search(r"[.!?…\n]", text[analysis.ends[i - 1] : analysis.starts[i]])]


@given(st.text(alphabet=st.sampled_from("аz1 .!?…\n,'’ß")))
def test_sentence_starts_match_their_definition(value: str) -> None:
    assert analyze(value).sentence_starts() == _sentence_starts_by_gaps(value)


def test_sentence_starts_skip_a_point_inside_a_number() -> None:
    text = "Это 3.600 рублей. Дальше? Да!"
    assert analyze(text).sentence_starts() == _sentence_starts_by_gaps(text) == [3, 4]
