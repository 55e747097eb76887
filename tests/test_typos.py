"""A strong reply with typos scores within ten points of the same reply spelled right (issue: typos must not
cost the techniques and substance the reply shows)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from objcoach.catalog.model import Catalog
from objcoach.scoring.score import score_reply

STRONG = [
    ("bank-already-chosen", "ru", "Понимаю вас, выбор уже сделан, и это ваше право. Подскажите, что для вас было "
     "главным? Многие держат нашу карту второй: обслуживание бесплатное, кэшбэк до 5%. Давайте пришлю условия в СМС?"),
    ("bank-already-chosen", "en", "I understand, you've made your choice and that's your call. May I ask what "
     "mattered most to you? Many clients keep our card as a second one: it's free and gives 5% cashback. "
     "Shall I text you the terms?"),
]


def misspell(text: str, picks: list[tuple[int, int, int]]) -> str:
    """`text` with a letter dropped, doubled or swapped with the next in some words of five letters or more."""
    words = text.split(" ")
    long_ones = [i for i, word in enumerate(words) if sum(ch.isalpha() for ch in word) >= 5]
    for which, at, how in picks:
        index = long_ones[which % len(long_ones)]
        word = words[index]
        letters = [i for i, ch in enumerate(word) if ch.isalpha()]
        pos = letters[1 + at % (len(letters) - 2)]  # never the first or last letter
        if how == 0:
            word = word[:pos] + word[pos + 1 :]
        elif how == 1:
            word = word[:pos] + word[pos] + word[pos:]
        elif word[pos + 1 : pos + 2].isalpha():
            word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
        words[index] = word
    return " ".join(words)


@pytest.mark.parametrize(("objection_id", "lang", "reply"), STRONG)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 2)), min_size=1,
                      max_size=2))
def test_a_strong_reply_with_typos_scores_within_ten_points(catalog: Catalog, objection_id: str, lang: str,
                                                            reply: str, picks: list[tuple[int, int, int]]) -> None:
    objection = catalog.get(objection_id)
    assert objection is not None
    clean = score_reply(reply, objection, catalog, lang).score
    typed = score_reply(misspell(reply, picks), objection, catalog, lang).score
    assert abs(clean - typed) <= 10, (misspell(reply, picks), clean, typed)
